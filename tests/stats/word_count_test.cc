#include "stats/word_count.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace stocktake::stats
