#include "common/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/byte_source.h"
#include "test_support/test_support.h"

namespace stocktake {
namespace {

TEST(AtomicFileTest, WritesAndReplacesWithoutLeavingTemporaries) {
  testing::TempDir dir;
  std::string path = dir.File("out.json");
  ASSERT_TRUE(WriteFileAtomic(path, "first").ok());
  ASSERT_TRUE(WriteFileAtomic(path, "second").ok());
  EXPECT_EQ(*ReadFileToString(path), "second");
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST(AtomicFileTest, FailsCleanlyWhenTheDirectoryIsMissing) {
  testing::TempDir dir;
  Status st = WriteFileAtomic(dir.File("no/such/dir/out.json"), "x");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("cannot create"), std::string::npos) << st.message();
}

TEST(AtomicFileTest, MakeDirectories) {
  testing::TempDir dir;
  EXPECT_TRUE(MakeDirectories(dir.File("a/b/c")).ok());
  EXPECT_TRUE(MakeDirectories(dir.File("a/b/c")).ok());  // already there
  testing::WriteFile(dir.File("file"), "x");
  Status st = MakeDirectories(dir.File("file/sub"));
  EXPECT_FALSE(st.ok());
}

}  // namespace
}  // namespace stocktake
