#include "quality/normalize.h"

#include <gtest/gtest.h>

namespace stocktake::quality {
namespace {

std::string Canon(std::string_view in, size_t* removed = nullptr) {
  std::string out;
  size_t r = CanonicalizeWhitespace(in, &out);
  if (removed != nullptr) *removed = r;
  return out;
}

TEST(TextCanonTest, LineEndingsBlankLinesAndTrailingSpace) {
  EXPECT_EQ(Canon("a\r\nb\rc\n"), "a\nb\nc");
  EXPECT_EQ(Canon("\n\n  para one  \n\n\n\npara two\t\n"), "para one\n\npara two");
  EXPECT_EQ(Canon("keep  inner\tspacing"), "keep  inner\tspacing");
  EXPECT_EQ(Canon("line\n   indented"), "line\n   indented");
  EXPECT_EQ(Canon(""), "");
  EXPECT_EQ(Canon(" \n\t\r\n"), "");
}

TEST(TextCanonTest, ControlCharactersAreRemovedUtf8Kept) {
  size_t removed = 0;
  EXPECT_EQ(Canon(std::string("a\0b\x07" "c\x7f" "d \xC3\xA9\xE2\x80\x94", 13), &removed), "abcd \xC3\xA9\xE2\x80\x94");
  EXPECT_EQ(removed, 3u);
}

}  // namespace
}  // namespace stocktake::quality
