#include "stats/extraction_score.h"

#include <gtest/gtest.h>

namespace stocktake::stats {
namespace {

TEST(ExtractionScoreTest, Tokens) {
  EXPECT_EQ(WordTokens("Hello, world_1! 3.14 caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87"),
            (std::vector<std::string>{"Hello", "world_1", "3", "14", "caf\xC3\xA9", "\xE4\xB8\xAD\xE6\x96\x87"}));
  EXPECT_TRUE(WordTokens(" ,.;!? ").empty());
}

TEST(ExtractionScoreTest, ShingleCountsAsTheBenchmarkDoes) {
  // Identical: all true positives.
  ShingleMatch same = MatchShingles("a b c d e f", "a b c d e f");
  EXPECT_DOUBLE_EQ(same.tp, 1.0);
  EXPECT_DOUBLE_EQ(PagePrecision(same), 1.0);
  // expected "a b c d e" -> shingles abcd, bcde; predicted "a b c d x" -> abcd, bcdx.
  ShingleMatch half = MatchShingles("a b c d e", "a b c d x");
  EXPECT_NEAR(half.tp, 1.0 / 3, 1e-12);
  EXPECT_NEAR(half.fp, 1.0 / 3, 1e-12);
  EXPECT_NEAR(half.fn, 1.0 / 3, 1e-12);
  EXPECT_NEAR(PagePrecision(half), 0.5, 1e-12);
  EXPECT_NEAR(PageRecall(half), 0.5, 1e-12);
  // Multisets: a repeated shingle counts twice.
  ShingleMatch repeated = MatchShingles("w x y z w x y z", "w x y z");
  EXPECT_GT(repeated.fn, 0.0);
  EXPECT_DOUBLE_EQ(repeated.fp, 0.0);
  // Fewer than four tokens: one shingle of what there is.
  EXPECT_DOUBLE_EQ(MatchShingles("two words", "two words").tp, 1.0);
  EXPECT_DOUBLE_EQ(MatchShingles("two words", "two other").tp, 0.0);
  // Empty both: no shingles at all; precision and recall are defined as 1.
  ShingleMatch empty = MatchShingles("", "");
  EXPECT_DOUBLE_EQ(PagePrecision(empty), 1.0);
  EXPECT_DOUBLE_EQ(PageRecall(empty), 1.0);
  // Nothing predicted: recall 0, and precision undefined (left out of the mean).
  ShingleMatch none = MatchShingles("a b c d", "");
  EXPECT_DOUBLE_EQ(PageRecall(none), 0.0);
}

TEST(ExtractionScoreTest, AggregateAveragesPagesThenTakesF1) {
  std::vector<ShingleMatch> pages = {MatchShingles("a b c d e", "a b c d e"),  // P=1, R=1
                                     MatchShingles("a b c d e", "a b c d x"),  // P=.5, R=.5
                                     MatchShingles("a b c d", "")};            // P left out, R=0
  ExtractionScore s = Aggregate(pages);
  EXPECT_NEAR(s.precision, 0.75, 1e-12);
  EXPECT_NEAR(s.recall, 0.5, 1e-12);
  EXPECT_NEAR(s.f1, 0.6, 1e-12);
  EXPECT_EQ(s.pages, 3u);
}

}  // namespace
}  // namespace stocktake::stats
