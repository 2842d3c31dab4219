#include "common/hash.h"

#include <gtest/gtest.h>

#include <string>

#include "common/hash_inline.h"

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

// Every XXH3 input-length path (0, 1-3, 4-8, 9-16, 17-128, 129-240, longer)
// gives the library's value when inlined.
TEST(HashTest, InlineHashEqualsTheLibrarys) {
  std::string bytes;
  for (size_t n = 0; n <= 600; ++n) {
    for (uint64_t seed : {0ULL, 1ULL, 0x9E3779B97F4A7C15ULL}) {
      EXPECT_EQ(Hash64Inline(bytes, seed), Hash64(bytes, seed)) << n << " bytes, seed " << seed;
    }
    bytes.push_back(static_cast<char>(n * 131 + 7));
  }
}

}  // namespace
}  // namespace stocktake
