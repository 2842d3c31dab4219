#include "pipeline/tokens.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <string>

#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

std::string CountWith(const TokensOptions& options, const std::vector<std::string>& files) {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  EXPECT_EQ(RunTokens(options, files, out, err), 0);
  std::string text(static_cast<size_t>(std::ftell(out)), '\0');
  std::rewind(out);
  EXPECT_EQ(std::fread(text.data(), 1, text.size(), out), text.size());
  std::fclose(out);
  std::fclose(err);
  return text;
}

// A file is read in blocks and counted in parts; the parts must add up to
// the counts of the whole text, for every encoding and both word counts.
TEST(TokensTest, CountingInPartsEqualsCountingTheWhole) {
  simdjson::dom::parser parser;
  std::string all;
  for (simdjson::dom::element line :
       parser.load_many(testing::SourcePath("tests/stats/tokens/texts.jsonl"))) {
    all += std::string(std::string_view(line["text"]));
    all += "\n";
  }
  // Line breaks before letters after spaces, punctuation and other line
  // breaks, where cutting would be wrong.
  all += "a \nb !\nc\n\nd x\r\ny ?\n/z end";
  testing::TempDir dir;
  testing::WriteFile(dir.File("all.txt"), all);
  TokensOptions options;
  options.encodings = {"cl100k_base", "o200k_base", "r50k_base"};
  options.words = true;
  options.block_bytes = size_t{1} << 30;
  const std::string whole = CountWith(options, {dir.File("all.txt")});
  for (size_t block : {size_t{17}, size_t{4096}, size_t{100000}}) {
    options.block_bytes = block;
    EXPECT_EQ(CountWith(options, {dir.File("all.txt")}), whole) << "block " << block;
  }
}

TEST(TokensTest, JsonLinesAcrossBlocks) {
  testing::TempDir dir;
  std::string lines;
  for (int i = 0; i < 200; ++i) lines += "{\"text\": \"line " + std::to_string(i) + " says hello\"}\n";
  testing::WriteFile(dir.File("d.jsonl"), lines + "{\"text\": \"no newline at the end\"}");
  TokensOptions options;
  options.jsonl = true;
  const std::string whole = CountWith(options, {dir.File("d.jsonl")});
  EXPECT_EQ(std::count(whole.begin(), whole.end(), '\n'), 201);
  options.block_bytes = 23;
  EXPECT_EQ(CountWith(options, {dir.File("d.jsonl")}), whole);
}

}  // namespace
}  // namespace stocktake::pipeline
