#include "common/status.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace stocktake {
namespace {

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  Status st = InvalidArgument("bad value");
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.ToString(), "invalid argument: bad value");
}

TEST(StatusTest, ErrnoErrorNamesTheCause) {
  Status st = ErrnoError("cannot open 'x'", ENOENT);
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.message(), "cannot open 'x': No such file or directory");
  EXPECT_EQ(ErrnoError("w", EACCES).code(), StatusCode::kIoError);
}

Result<int> Half(int v) {
  if (v % 2 != 0) return InvalidArgument("odd");
  return v / 2;
}

Status UsesMacro(int v, int* out) {
  auto r = Half(v);
  STOCKTAKE_RETURN_IF_ERROR(r.status().ok() ? Status::Ok() : r.status());
  *out = *r;
  return Status::Ok();
}

TEST(StatusTest, ResultHoldsValueOrStatus) {
  auto ok = Half(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 4);
  auto bad = Half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "odd");
  int out = 0;
  EXPECT_TRUE(UsesMacro(6, &out).ok());
  EXPECT_EQ(out, 3);
  EXPECT_FALSE(UsesMacro(5, &out).ok());
}

}  // namespace
}  // namespace stocktake
