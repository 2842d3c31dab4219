#include "pipeline/config.h"

#include <gtest/gtest.h>

#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

Result<Config> LoadText(const std::string& text) {
  static testing::TempDir dir;
  std::string path = dir.File("c.toml");
  testing::WriteFile(path, text);
  return LoadConfig(path);
}

TEST(ConfigTest, ShippedDefaultEqualsBuiltInDefaults) {
  auto shipped = LoadConfig(testing::SourcePath("configs/default.toml"));
  ASSERT_TRUE(shipped.ok()) << shipped.status().message();
  EXPECT_EQ(ConfigJson(*shipped, 0), ConfigJson(Config{}, 0));
  EXPECT_EQ(ConfigHash(*shipped), ConfigHash(Config{}));
  EXPECT_EQ(shipped->threads, 0);
}

TEST(ConfigTest, ValuesAreApplied) {
  auto c = LoadText("[reader]\nmax_record_bytes = 1048576\ngzip_engine = \"zlib\"\n[run]\nthreads = 3\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->max_record_bytes, 1048576u);
  EXPECT_EQ(c->gzip_engine, "zlib");
  EXPECT_EQ(c->threads, 3);
  EXPECT_NE(ConfigHash(*c), ConfigHash(Config{}));
}

TEST(ConfigTest, ExtractSection) {
  auto c = LoadText("[extract]\nmode = \"full\"\nmax_html_bytes = 1048576\nmax_depth = 64\nmax_work = 100000\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->extract.mode, crawler::ExtractMode::kFull);
  EXPECT_EQ(c->extract.max_html_bytes, 1048576u);
  EXPECT_EQ(c->extract.max_depth, 64u);
  EXPECT_EQ(c->extract.max_work, 100000u);
  EXPECT_NE(ConfigHash(*c), ConfigHash(Config{}));
  auto bad = LoadText("[extract]\nmode = \"article\"\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("\"main\", \"full\""), std::string::npos) << bad.status().message();
  EXPECT_FALSE(LoadText("[extract]\nmax_depth = 2\n").ok());
}

TEST(ConfigTest, ThreadsDoNotChangeTheHash) {
  auto c = LoadText("[run]\nthreads = 7\n");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(ConfigHash(*c), ConfigHash(Config{}));
}

TEST(ConfigTest, ErrorsNameFileLineAndKey) {
  auto typo = LoadText("[reader]\n\nmax_recrod_bytes = 5\n");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("line 3"), std::string::npos) << typo.status().message();
  EXPECT_NE(typo.status().message().find("reader.max_recrod_bytes"), std::string::npos);
  EXPECT_NE(typo.status().message().find("not a known key"), std::string::npos);

  auto type = LoadText("[reader]\nmax_record_bytes = \"big\"\n");
  ASSERT_FALSE(type.ok());
  EXPECT_NE(type.status().message().find("must be an integer"), std::string::npos);

  auto range = LoadText("[reader]\nmax_record_bytes = 10\n");
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.status().message().find("between 1024 and"), std::string::npos);

  auto choice = LoadText("[reader]\ngzip_engine = \"fast\"\n");
  ASSERT_FALSE(choice.ok());
  EXPECT_NE(choice.status().message().find("\"isal\", \"zlib\""), std::string::npos);

  auto section = LoadText("[readr]\n");
  ASSERT_FALSE(section.ok());
  EXPECT_NE(section.status().message().find("not a known section"), std::string::npos);

  auto syntax = LoadText("[reader\nx=1\n");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("line 1"), std::string::npos) << syntax.status().message();

  auto missing = LoadConfig("/nonexistent/stocktake.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/stocktake.toml"), std::string::npos);
  for (const auto* r : {&typo, &type, &range, &choice, &section, &syntax, &missing}) {
    EXPECT_EQ(r->status().message().find('\n'), std::string::npos) << "messages are one line";
  }
}

}  // namespace
}  // namespace stocktake::pipeline
