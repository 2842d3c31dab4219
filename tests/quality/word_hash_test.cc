#include "quality/word_hash.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

namespace stocktake::quality {
namespace {

// The masked 16-byte load gives the zero-padded form's value for every
// length and every position in a buffer, including words that end at the
// buffer's end (where it must fall back) and bytes after the word that are
// not zero.
TEST(WordHashTest, InBufferFormEqualsPaddedForm) {
  std::mt19937_64 random(7);
  std::string buffer(96, '\0');
  for (char& c : buffer) c = static_cast<char>(random());
  size_t checked = 0;
  for (size_t begin = 0; begin < buffer.size(); ++begin) {
    for (size_t len = 0; len <= 20 && begin + len <= buffer.size(); ++len) {
      const std::string_view word(buffer.data() + begin, len);
      const std::string copy(word);  // its own buffer: the general form
      ASSERT_EQ(WordHashIn(word, buffer.data() + buffer.size()), WordHash(copy)) << begin << " " << len;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1500u);
}

// Words that differ only in bytes a wrong mask would drop or keep, in a
// trailing NUL (the length tells them apart), or in their last byte: all
// distinct.
TEST(WordHashTest, NearbyWordsDiffer) {
  std::vector<std::string> words = {"", std::string(1, '\0'), std::string(2, '\0'), "a", "a" + std::string(1, '\0'),
                                    "ab", "ba", "abcdefgh", "abcdefgi", "abcdefghi", "abcdefghijklmnop",
                                    "abcdefghijklmnoq", "abcdefghijklmnopq", "abcdefghijklmnopr"};
  for (int len = 1; len <= 24; ++len) {
    for (char last : {'x', 'y', '\x80', '\xFF'}) words.push_back(std::string(len - 1, 'w') + last);
  }
  std::set<uint64_t> hashes;
  std::set<std::string> distinct(words.begin(), words.end());
  for (const std::string& w : distinct) hashes.insert(WordHash(w));
  EXPECT_EQ(hashes.size(), distinct.size());
}

// 200,000 random short words over a small alphabet (many share prefixes and
// lengths): no two distinct ones collide, and every bit of the hash is set
// about half the time.
TEST(WordHashTest, RandomWordsSpreadOverAllBits) {
  std::mt19937_64 random(11);
  std::set<std::string> words;
  while (words.size() < 200000) {
    std::string w(1 + random() % 16, ' ');
    for (char& c : w) c = "etaoinshrdlu'-"[random() % 14];
    words.insert(w);
  }
  std::set<uint64_t> hashes;
  uint64_t ones[64] = {};
  for (const std::string& w : words) {
    const uint64_t h = WordHash(w);
    hashes.insert(h);
    for (int b = 0; b < 64; ++b) ones[b] += (h >> b) & 1;
  }
  EXPECT_EQ(hashes.size(), words.size());
  for (int b = 0; b < 64; ++b) {
    EXPECT_GT(ones[b], 98000u) << "bit " << b;
    EXPECT_LT(ones[b], 102000u) << "bit " << b;
  }
}

}  // namespace
}  // namespace stocktake::quality
