#include "common/hash.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

TEST(HashTest, StableKnownValues) {
  // XXH3 is specified to be stable across versions and platforms; these values
  // pin it so stored run directories stay comparable.
  EXPECT_EQ(HexOf(Hash64("")), "2d06800538d394c2");
  EXPECT_EQ(HexOf(Hash128Of("")), "99aa06d3014798d86001c324468d497f");
}

TEST(HashTest, SeedAndInputChangeTheHash) {
  EXPECT_NE(Hash64("abc"), Hash64("abd"));
  EXPECT_NE(Hash64("abc", 1), Hash64("abc", 2));
  EXPECT_NE(Hash128Of("abc"), Hash128Of("abc", 7));
  EXPECT_EQ(Hash128Of("abc"), Hash128Of(std::string("abc")));
  EXPECT_EQ(HexOf(Hash128Of("x")).size(), 32u);
}

}  // namespace
}  // namespace stocktake
