#include "pipeline/inputs.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

TEST(InputsTest, FilesFoldersAndGlobsSortedAndDeduplicated) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.File("sub/.hidden"));
  for (const char* f : {"b.warc.gz", "a.warc", "notes.txt", "sub/c.arc.gz", "sub/d.wet.gz", "sub/.hidden/e.warc",
                        ".f.warc"}) {
    testing::WriteFile(dir.File(f), "x");
  }
  auto got = ExpandInputs({dir.File("sub"), dir.File("b.warc.gz"), dir.File("*.warc"), dir.File("notes.txt"),
                           dir.File("b.warc.gz")});
  ASSERT_TRUE(got.ok()) << got.status().message();
  std::vector<std::string> want = {dir.File("a.warc"), dir.File("b.warc.gz"), dir.File("notes.txt"),
                                   dir.File("sub/c.arc.gz"), dir.File("sub/d.wet.gz")};
  EXPECT_EQ(*got, want);
}

TEST(InputsTest, MissingInputsAreErrors) {
  testing::TempDir dir;
  auto missing = ExpandInputs({dir.File("nope.warc.gz")});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("does not exist"), std::string::npos);
  auto glob = ExpandInputs({dir.File("*.warc.gz")});
  ASSERT_FALSE(glob.ok());
  EXPECT_NE(glob.status().message().find("matches nothing"), std::string::npos);
  auto empty_folder = ExpandInputs({dir.path()});
  ASSERT_FALSE(empty_folder.ok());
  EXPECT_NE(empty_folder.status().message().find("holds no crawl files"), std::string::npos);
  EXPECT_FALSE(ExpandInputs({}).ok());
}

TEST(InputsTest, CrawlFileNames) {
  EXPECT_TRUE(LooksLikeCrawlFileName("CC-MAIN-2024-00001.warc.gz"));
  EXPECT_TRUE(LooksLikeCrawlFileName("x.warc.bz2.headerless-e843b4e"));
  EXPECT_TRUE(LooksLikeCrawlFileName("x.arc"));
  EXPECT_TRUE(LooksLikeCrawlFileName("x.warc.wet.gz"));
  EXPECT_FALSE(LooksLikeCrawlFileName("INVENTORY.md"));
  EXPECT_TRUE(LooksLikeCrawlFileName("000001.jsonl.zst"));
  EXPECT_TRUE(LooksLikeCrawlFileName("v1_5r2_sample-0000.json.gz"));
  EXPECT_TRUE(LooksLikeCrawlFileName("docs.ndjson"));
  EXPECT_FALSE(LooksLikeCrawlFileName("stats.json"));
  EXPECT_FALSE(LooksLikeCrawlFileName(".x.warc"));
  EXPECT_TRUE(LooksLikeHtmlFileName("page.html"));
  EXPECT_TRUE(LooksLikeHtmlFileName("PAGE.HTM"));
  EXPECT_TRUE(LooksLikeHtmlFileName("page.xhtml.gz"));
  EXPECT_FALSE(LooksLikeHtmlFileName("page.html.txt"));
  EXPECT_FALSE(LooksLikeHtmlFileName("notes.txt"));
}

}  // namespace
}  // namespace stocktake::pipeline
