#include "stats/word_count.h"

#include <gtest/gtest.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <random>
#include <string>

namespace stocktake::stats {
namespace {

TEST(WordCountTest, AsciiAndUnicodeWhitespace) {
  EXPECT_EQ(CountWhitespaceWords(""), 0u);
  EXPECT_EQ(CountWhitespaceWords("   "), 0u);
  EXPECT_EQ(CountWhitespaceWords("one"), 1u);
  EXPECT_EQ(CountWhitespaceWords(" one  two\tthree\nfour "), 4u);
  // NBSP, ideographic space and em space separate words; punctuation does not.
  EXPECT_EQ(CountWhitespaceWords("a\xC2\xA0" "b\xE3\x80\x80" "c\xE2\x80\x83" "d, e."), 5u);
  // CJK without spaces is one whitespace word (UAX #29 words come later).
  EXPECT_EQ(CountWhitespaceWords("\xE4\xB8\xAD\xE6\x96\x87\xE6\x96\x87\xE6\x9C\xAC"), 1u);
  // Invalid bytes are not whitespace.
  EXPECT_EQ(CountWhitespaceWords("a \xFF b"), 3u);
}

// Every code point above ASCII between two letters: two words exactly when
// ICU calls it White_Space.
TEST(WordCountTest, EveryNonAsciiCodePointSplitsWordsAsIcuWhiteSpaceSays) {
  size_t mismatches = 0;
  for (UChar32 c = 0x80; c <= 0x10FFFF; ++c) {
    if (U_IS_SURROGATE(c)) continue;
    char text[8] = {'a'};
    int32_t n = 1;
    U8_APPEND_UNSAFE(text, n, c);
    text[n++] = 'b';
    const uint64_t want = u_isUWhiteSpace(c) ? 2 : 1;
    if (CountWhitespaceWords(std::string_view(text, static_cast<size_t>(n))) != want && ++mismatches <= 5) {
      ADD_FAILURE() << "U+" << std::hex << c;
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

// Character by character, the definition: a word starts at every character
// that is not White_Space (or ASCII 0x1C-0x1F, as Python's str.split) after
// one that is.
uint64_t ReferenceCount(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  uint64_t words = 0;
  bool in_word = false;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    const bool space = c >= 0 && (u_isUWhiteSpace(c) || (c >= 0x1C && c <= 0x1F));
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

TEST(WordCountTest, BlocksOfSixteenCountAsCharacterByCharacter) {
  // Runs that straddle the 16-byte blocks of the fast path, multi-byte and
  // invalid bytes among them, every ASCII space.
  const char* pieces[] = {"a", "word", "longerwordthanablock", " ", "  ", "\t", "\n", "\r\n", "\v", "\f",
                          "\x1c", "\x1f", "\x1b", "\x21", "\x08", "\x0e", ".", ",;", "\xC2\xA0", "\xE3\x80\x80",
                          "\xC3\xA9", "\xE4\xB8\xAD\xE6\x96\x87", "\xFF", "\xC3", "\x7f", "0123456789"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> pick(0, std::size(pieces) - 1);
  std::uniform_int_distribution<int> length(0, 80);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (int k = length(rng); k > 0; --k) text += pieces[pick(rng)];
    ASSERT_EQ(CountWhitespaceWords(text), ReferenceCount(text)) << testing::PrintToString(text);
    // Every suffix start: the blocks fall at every alignment.
    if (round % 100 == 0) {
      for (size_t from = 1; from < text.size() && from < 17; ++from) {
        std::string_view tail(text.data() + from, text.size() - from);
        ASSERT_EQ(CountWhitespaceWords(tail), ReferenceCount(tail)) << testing::PrintToString(text) << " from " << from;
      }
    }
  }
}

}  // namespace
}  // namespace stocktake::stats
