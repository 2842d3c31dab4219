#include "dedup/exact_key.h"

#include <gtest/gtest.h>

namespace stocktake::dedup {
namespace {

TEST(ExactKeyTest, EqualTextsEqualKeys) {
  EXPECT_EQ(TextKey("same text"), TextKey(std::string("same text")));
  EXPECT_NE(TextKey("same text"), TextKey("same text."));
  // Seeded: a text key differs from a plain hash of the same bytes.
  EXPECT_NE(TextKey("x"), Hash128Of("x"));
}

TEST(ExactKeyTest, CountDistinct) {
  std::vector<ExactKey> keys = {TextKey("b"), TextKey("a"), TextKey("b"), TextKey("c"), TextKey("a")};
  EXPECT_EQ(CountDistinct(&keys), 3u);
  std::vector<ExactKey> none;
  EXPECT_EQ(CountDistinct(&none), 0u);
}

}  // namespace
}  // namespace stocktake::dedup
