#include "quality/normalize.h"

#include <gtest/gtest.h>

#include <string>

namespace stocktake::quality {
namespace {

std::string Canon(std::string_view in, size_t* removed = nullptr) {
  std::string out;
  size_t r = CanonicalizeWhitespace(in, &out);
  if (removed != nullptr) *removed = r;
  return out;
}

TEST(NormalizeTest, LineEndingsBlankLinesAndTrailingSpace) {
  EXPECT_EQ(Canon("a\r\nb\rc\n"), "a\nb\nc");
  EXPECT_EQ(Canon("\n\n  para one  \n\n\n\npara two\t\n"), "para one\n\npara two");
  EXPECT_EQ(Canon("keep  inner\tspacing"), "keep  inner\tspacing");
  EXPECT_EQ(Canon("line\n   indented"), "line\n   indented");
  EXPECT_EQ(Canon(""), "");
  EXPECT_EQ(Canon(" \n\t\r\n"), "");
  // The bulk path (ordinary lines) and the careful path (lines with
  // controls or special characters) agree on indentation and blank lines.
  EXPECT_EQ(Canon("a\n\n\n  b\x07\n\n\n  c  "), "a\n\n  b\n\n  c");
}

TEST(NormalizeTest, ControlAndPrivateUseCharactersAreRemovedUtf8Kept) {
  size_t removed = 0;
  EXPECT_EQ(Canon(std::string("a\0b\x07" "c\x7f" "d \xC3\xA9\xE2\x80\x94", 13), &removed), "abcd \xC3\xA9\xE2\x80\x94");
  EXPECT_EQ(removed, 3u);
  // C1 control U+0085, private use U+E000 and U+F8FF, plane-15 private use.
  EXPECT_EQ(Canon("x\xC2\x85y\xEE\x80\x80z\xEF\xA3\xBFw\xF3\xB0\x80\x80v", &removed), "xyzwv");
  EXPECT_EQ(removed, 4u);
  // U+2028 and U+2029 are line breaks.
  EXPECT_EQ(Canon("one\xE2\x80\xA8two\xE2\x80\xA9\xE2\x80\xA9three"), "one\ntwo\n\nthree");
}

TEST(NormalizeTest, NfcRecomposesAndNfkcFoldsCompatibilityForms) {
  TextNormalizer nfc(NormalForm::kNFC);
  NormalizeStats stats;
  // e + combining acute -> é
  EXPECT_EQ(nfc.Normalize("cafe\xCC\x81", &stats), "caf\xC3\xA9");
  EXPECT_TRUE(stats.recomposed);
  EXPECT_EQ(nfc.Normalize("plain ascii", &stats), "plain ascii");
  EXPECT_FALSE(stats.recomposed);
  // Latin-1 text is already NFC and takes the quick path.
  EXPECT_EQ(nfc.Normalize("na\xC3\xAFve", &stats), "na\xC3\xAFve");
  EXPECT_FALSE(stats.recomposed);
  // NFC keeps the ligature fi (U+FB01); NFKC folds it.
  EXPECT_EQ(nfc.Normalize("\xEF\xAC\x81n"), "\xEF\xAC\x81n");
  TextNormalizer nfkc(NormalForm::kNFKC);
  EXPECT_EQ(nfkc.Normalize("\xEF\xAC\x81n"), "fin");
  // Full-width letters fold under NFKC.
  EXPECT_EQ(nfkc.Normalize("\xEF\xBC\xA1\xEF\xBC\xA2"), "AB");
}

TEST(NormalizeTest, DedupFormMatchesDatatrove) {
  TextNormalizer n;
  // Case, accents, numbers, punctuation and spacing all vanish.
  std::string a(n.DedupForm("The Café opened in 1998, at 10.30!"));
  std::string b(n.DedupForm("the  cafe   opened in 2024 at 7.15"));
  EXPECT_EQ(a, "the cafe opened in 0 at 0");
  EXPECT_EQ(a, b);
  // Other scripts: Cyrillic case folds; Arabic-Indic digits become 0.
  EXPECT_EQ(std::string(n.DedupForm("\xD0\x9C\xD0\x98\xD0\xA0 \xD9\xA1\xD9\xA2\xD9\xA3")), "\xD0\xBC\xD0\xB8\xD1\x80 0");
  EXPECT_EQ(std::string(n.DedupForm("")), "");
  EXPECT_EQ(std::string(n.DedupForm("?!...")), "");
}

}  // namespace
}  // namespace stocktake::quality
