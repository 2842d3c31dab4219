#include "quality/normalize.h"

#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

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

// The rules of CanonicalizeWhitespace one code point at a time (valid
// UTF-8): what its per-line bulk path must agree with.
std::string CanonByCodePoint(std::string_view in, size_t* removed) {
  std::string out, spaces;
  size_t newlines = 0;
  *removed = 0;
  for (size_t i = 0; i < in.size();) {
    const auto c = static_cast<unsigned char>(in[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(in[i + k]) & 0x3F);
    std::string_view bytes = in.substr(i, len);
    i += len;
    if (cp == '\r' && i < in.size() && in[i] == '\n') continue;
    if (cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) {
      ++newlines;
      spaces.clear();
    } else if (cp == ' ' || cp == '\t') {
      spaces += static_cast<char>(cp);
    } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000) {
      ++*removed;
    } else {
      if (!out.empty()) out += (newlines > 1 ? "\n\n" : newlines == 1 ? "\n" : "") + spaces;
      newlines = 0;
      spaces.clear();
      out += bytes;
    }
  }
  return out;
}

TEST(NormalizeTest, LinesTakeTheBulkPathOnlyWhenNothingChanges) {
  const std::vector<std::string> pieces = {
      "word", "a", "ASCII letters past sixteen bytes", " ", "  ", "\t", "\n", "\n\n", "\r", "\r\n",
      std::string(1, '\0'), "\x07", "\x1F", "\x7F",
      "\xC2\x85" /* C1 */, "\xC2\x9F" /* C1 */, "\xC2\xA0" /* NBSP */, "\xC2\xA9" /* (c) */,
      "\xC3\xA9" /* e acute */, "\xE2\x80\x99" /* right quote */, "\xE2\x80\x94" /* em dash */,
      "\xE2\x80\xA8" /* U+2028 */, "\xE2\x80\xA9" /* U+2029 */, "\xE2\x80\xA7" /* U+2027 */,
      "\xEE\x80\x80" /* U+E000 */, "\xEF\xA3\xBF" /* U+F8FF */, "\xEF\xA4\x80" /* U+F900 */,
      "\xEF\xBC\xA1" /* fullwidth A */, "\xF0\x9F\x98\x80" /* emoji */, "\xF3\xB0\x80\x80" /* plane 15 */,
      "\xF3\xAF\xBF\xBF" /* plane 14 */, "\xF4\x8F\xBF\xBF" /* U+10FFFF */, "\xE4\xB8\xAD" /* CJK */};
  std::mt19937_64 random(7);
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text;
    const size_t n = random() % 40;
    for (size_t k = 0; k < n; ++k) {
      // Mostly ordinary characters, so that many lines have nothing to change.
      const size_t pick = random() % 4 == 0 ? random() % pieces.size() : random() % 3;
      text += pieces[pick];
      if (random() % 3 == 0) text += " ";
    }
    size_t removed = 0, want_removed = 0;
    const std::string want = CanonByCodePoint(text, &want_removed);
    EXPECT_EQ(Canon(text, &removed), want) << testing::PrintToString(text);
    EXPECT_EQ(removed, want_removed) << testing::PrintToString(text);
    if (HasFailure()) break;
  }
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
  // The quick-path checks read 16 bytes at a time: a combining mark (lead
  // byte 0xCC) or any other non-ASCII byte is seen at every position of a
  // longer text, the overlapping tail included.
  const std::string letters = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrst";
  for (size_t at = 0; at <= letters.size(); ++at) {
    const std::string head = letters.substr(0, at), tail = letters.substr(at);
    EXPECT_EQ(nfc.Normalize(head + "e\xCC\x81" + tail, &stats), head + "\xC3\xA9" + tail) << at;
    EXPECT_TRUE(stats.recomposed) << at;
    EXPECT_EQ(std::string(nfc.DedupForm(head + "\xC3\x89" + tail)), head + "e" + tail) << at;  // É
  }
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

// NFC through the quick paths against ICU for every BMP character alone,
// between letters, before a combining acute, and after an 'e' or a leading
// jamo (where a mark or a conjoining jamo composes)...
TEST(NormalizeTest, NfcOfEveryBmpCharacterMatchesIcu) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  ASSERT_TRUE(U_SUCCESS(status));
  TextNormalizer n;
  size_t mismatches = 0;
  for (UChar32 c = 1; c < 0x10000; ++c) {
    if (U_IS_SURROGATE(c)) continue;
    std::string ch;
    icu::UnicodeString(c).toUTF8String(ch);
    // ...and before U+0334 (combining class 1: marks of a higher class
    // before it are reordered).
    for (const std::string& text :
         {ch, "x" + ch + "y", ch + "\xCC\x81", "e" + ch, "\xE1\x84\x80" + ch, "a" + ch + "\xCC\xB4"}) {
      std::string canon = Canon(text);
      std::string expected;
      status = U_ZERO_ERROR;
      nfc->normalize(icu::UnicodeString::fromUTF8(canon), status).toUTF8String(expected);
      if (std::string(n.Normalize(text)) != expected && ++mismatches <= 5) {
        ADD_FAILURE() << "NFC differs from ICU for U+" << std::hex << c << " in \"" << text << "\"";
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

// The dedup form the plain way: ICU's case folding and NFD on the whole
// text, then one code point at a time.
std::string DedupFormReference(const std::string& text) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
  u.foldCase();
  u = icu::Normalizer2::getNFDInstance(status)->normalize(u, status);
  EXPECT_TRUE(U_SUCCESS(status));
  std::vector<UChar32> cps;
  for (int32_t k = 0; k < u.length(); k = u.moveIndex32(k, 1)) cps.push_back(u.char32At(k));
  auto ascii_digit = [&](size_t k) { return k < cps.size() && cps[k] >= '0' && cps[k] <= '9'; };
  std::string out;
  bool pending_space = false;
  auto put = [&](UChar32 c) {
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    icu::UnicodeString(c).toUTF8String(out);
  };
  for (size_t k = 0; k < cps.size();) {
    const UChar32 c = cps[k];
    if (ascii_digit(k)) {  // ASCII digits, perhaps one decimal part: "0"
      while (ascii_digit(k)) ++k;
      if (k + 1 < cps.size() && cps[k] == '.' && ascii_digit(k + 1)) {
        ++k;
        while (ascii_digit(k)) ++k;
      }
      put('0');
      continue;
    }
    ++k;
    if (c >= 0x80 && u_charType(c) == U_NON_SPACING_MARK) continue;
    if (c >= 0x80 && u_charType(c) == U_DECIMAL_DIGIT_NUMBER) {  // any digits after it too
      while (k < cps.size() && u_charType(cps[k]) == U_DECIMAL_DIGIT_NUMBER) ++k;
      put('0');
      continue;
    }
    // ASCII: string.punctuation, symbols included (datatrove's set).
    const bool ascii_punct = c < 0x80 && std::ispunct(static_cast<int>(c)) != 0;
    if (ascii_punct || u_ispunct(c) || u_isUWhiteSpace(c)) {
      pending_space = true;
      continue;
    }
    put(c);
  }
  return out;
}

// Random texts of letter runs (also longer than the 16 bytes the ASCII path
// takes at a time), digits, numbers with decimals, symbols, punctuation,
// white space, controls and non-ASCII letters, marks and digits.
TEST(NormalizeTest, DedupFormMatchesAPlainImplementation) {
  const std::vector<std::string> pieces = {
      "a", "Z", "word", "MiXeD", "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZabc", "7", "42",
      "3.14", ".", ",", "!", "'", "-", "_", "@", "[", "{", "$", "+", "<", "=", ">", "^", "`", "|", "~", " ",
      "  ", "\t", "\n", "\r\n", "\x01", "\x7F", "\xC3\x89" /* É */, "\xC3\xA9" /* é */,
      "e\xCC\x81" /* e + U+0301 */, "\xD0\x96" /* Ж */, "\xD9\xA3" /* ٣ */, "\xC3\x9F" /* ß */,
      "\xC4\xB0" /* İ */, "\xE4\xB8\xAD" /* 中 */, "\xE3\x80\x80" /* U+3000 */, "\xE2\x80\x94" /* — */,
      "\xE2\x82\xAC" /* € */, "\xC2\xA0" /* NBSP */,
      // Past the BMP (no table there): a digit (U+1D7CF, U+104A0), a mark
      // (U+1D167), punctuation (U+10100), a capital that folds (U+10400),
      // a symbol (U+1F600).
      "\xF0\x9D\x9F\x8F", "\xF0\x90\x92\xA0", "\xF0\x9D\x85\xA7", "\xF0\x90\x84\x80",
      "\xF0\x90\x90\x80", "\xF0\x9F\x98\x80"};
  std::mt19937_64 random(41);
  TextNormalizer n;
  size_t mismatches = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text;
    const size_t count = random() % 40;
    // Half the texts ASCII only (the path without ICU).
    const size_t choices = trial % 2 == 0 ? 34 : pieces.size();
    for (size_t k = 0; k < count; ++k) text += pieces[random() % choices];
    const std::string got(n.DedupForm(text));
    if (got != DedupFormReference(text) && ++mismatches <= 5) {
      ADD_FAILURE() << "dedup form of \"" << text << "\": \"" << got << "\", expected \""
                    << DedupFormReference(text) << "\"";
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

// ICU folds and decomposes only the stretches around non-ASCII characters;
// ASCII runs of 32 bytes or more between them are copied. Runs of 31, 32
// and 33 bytes next to characters whose folding or NFD reaches past
// themselves: marks that follow an ASCII letter or need reordering, and
// characters that fold to several (ß, ﬁ, ᾳ) or to ASCII (K, the Kelvin sign).
TEST(NormalizeTest, DedupFormFoldsOnlyAroundNonAsciiAsTheWholeTextWould) {
  const std::vector<std::string> ascii = {
      std::string(31, 'A'), std::string(32, 'b'), std::string(33, 'C'), "The Quick Brown Fox Jumps Over 12 Dogs.",
      "x", "9", "e", " ", "\n"};
  const std::vector<std::string> other = {
      "\xCC\x81" /* U+0301 */, "\xCC\xA3\xCC\x81" /* U+0323 U+0301 */, "\xCC\x81\xCC\xA3" /* reordered */,
      "\xC3\x9F" /* ß */, "\xEF\xAC\x81" /* ﬁ */, "\xE1\xBE\xB3" /* ᾳ */, "\xE2\x84\xAA" /* K */,
      "\xCE\xA3" /* Σ */, "\xC3\x89" /* É */, "\xD9\xA3" /* ٣ */, "\xE4\xB8\xAD\xE6\x96\x87" /* 中文 */,
      "\xEA\xB0\x80" /* 가 */, "\xE2\x80\x94" /* — */, "\xF0\x9F\x98\x80" /* U+1F600 */};
  std::mt19937_64 random(7);
  TextNormalizer n;
  size_t mismatches = 0, long_runs = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    std::string text;
    const size_t count = 1 + random() % 12;
    for (size_t k = 0; k < count; ++k) {
      const std::string& a = ascii[random() % ascii.size()];
      long_runs += a.size() >= 32;
      text += a;
      if (random() % 3 != 0) text += other[random() % other.size()];
    }
    const std::string got(n.DedupForm(text));
    if (got != DedupFormReference(text) && ++mismatches <= 5) {
      ADD_FAILURE() << "dedup form of \"" << text << "\": \"" << got << "\", expected \""
                    << DedupFormReference(text) << "\"";
    }
  }
  EXPECT_GT(long_runs, 1000u);
  EXPECT_EQ(mismatches, 0u);
}

}  // namespace
}  // namespace stocktake::quality
