#include "common/byte_scan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace stocktake {
namespace {

TEST(ByteScanTest, PopCount16CountsEveryMask) {
  for (uint32_t x = 0; x <= 0xFFFFu; ++x) {
    uint32_t bits = 0;
    for (uint32_t y = x; y != 0; y >>= 1) bits += y & 1;
    ASSERT_EQ(PopCount16(x), bits) << x;
  }
}

// The 16-byte and the per-byte forms of a scan agree at every start and
// length, including tails shorter than 16 bytes and matches at block edges.
TEST(ByteScanTest, FindByteAndForEachByteMatchAPlainLoop) {
  std::mt19937 rng(7);
  auto is_mark = [](unsigned char c) { return c == '#' || c == 0xE2; };
  auto block = [](const auto& v) { return Mask16(_mm_or_si128(Equal16(v, '#'), Equal16(v, 0xE2))); };
  for (int round = 0; round < 300; ++round) {
    std::string text(rng() % 70, 'a');
    for (char& c : text) {
      const uint32_t r = rng() % 20;
      c = r == 0 ? '#' : r == 1 ? '\xE2' : static_cast<char>('a' + r);
    }
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    for (size_t from = 0; from <= n; ++from) {
      size_t expected = from;
      while (expected < n && !is_mark(p[expected])) ++expected;
      ASSERT_EQ(FindByte(p, from, n, block, is_mark), expected) << text << " from " << from;
    }
    std::vector<size_t> expected, found;
    for (size_t i = 0; i < n; ++i) {
      if (is_mark(p[i])) expected.push_back(i);
    }
    ForEachByte(p, n, block, is_mark, [&](size_t i) { found.push_back(i); });
    ASSERT_EQ(found, expected) << text;
  }
}

TEST(ByteScanTest, FindCharMatchesStringFind) {
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    std::string text(rng() % 70, 'a');
    for (char& c : text) c = static_cast<char>(rng() % 8 == 0 ? '<' : rng() % 9 == 0 ? '\xFF' : 'a' + rng() % 26);
    for (char target : {'<', '\xFF', 'z'}) {
      for (size_t from = 0; from <= text.size(); ++from) {
        const size_t expected = std::min(text.find(target, from), text.size());
        ASSERT_EQ(FindChar(text, from, target), expected) << text << " from " << from;
      }
    }
  }
}

}  // namespace
}  // namespace stocktake
