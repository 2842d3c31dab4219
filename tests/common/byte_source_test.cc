#include "common/byte_source.h"

#include <gtest/gtest.h>

#include "test_support/test_support.h"

namespace stocktake {
namespace {

TEST(ByteSourceTest, FileSourceReadsAllBytes) {
  testing::TempDir dir;
  std::string data(200000, 'x');
  data[12345] = 'y';
  testing::WriteFile(dir.File("f"), data);
  auto src = FileSource::Open(dir.File("f"));
  ASSERT_TRUE(src.ok());
  std::string got;
  uint8_t buf[7000];
  for (;;) {
    auto n = (*src)->Read(buf, sizeof(buf));
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    got.append(reinterpret_cast<char*>(buf), *n);
  }
  EXPECT_EQ(got, data);
  EXPECT_EQ((*src)->name(), dir.File("f"));
}

TEST(ByteSourceTest, OpenErrorsNameThePath) {
  auto missing = FileSource::Open("/nonexistent/file.warc");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/file.warc"), std::string::npos);
  testing::TempDir dir;
  auto directory = FileSource::Open(dir.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.status().message().find("is a directory"), std::string::npos);
}

TEST(ByteSourceTest, MemorySource) {
  MemorySource src("hello");
  uint8_t buf[3];
  EXPECT_EQ(*src.Read(buf, 3), 3u);
  EXPECT_EQ(*src.Read(buf, 3), 2u);
  EXPECT_EQ(*src.Read(buf, 3), 0u);
}

}  // namespace
}  // namespace stocktake
