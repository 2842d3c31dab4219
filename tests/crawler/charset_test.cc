#include "crawler/charset.h"

#include <gtest/gtest.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace stocktake::crawler {
namespace {

TEST(CharsetTest, LabelsFromHeadersAndMeta) {
  EXPECT_EQ(CharsetFromContentType("text/html; charset=\"ISO-8859-1\""), "ISO-8859-1");
  EXPECT_EQ(CharsetFromContentType("text/html;Charset = utf-8"), "utf-8");
  EXPECT_EQ(CharsetFromContentType("text/html"), "");
  EXPECT_EQ(CharsetFromMeta("<head><meta charset='gbk'>"), "gbk");
  EXPECT_EQ(CharsetFromMeta("<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=windows-1251\">"),
            "windows-1251");
  EXPECT_EQ(CharsetFromMeta("<meta name=x><p>charset=koi8-r"), "");
  std::string late = std::string(5000, ' ') + "<meta charset=gbk>";
  EXPECT_EQ(CharsetFromMeta(late), "");  // beyond the prescan window
}

TEST(CharsetTest, WhatwgLabelMapping) {
  EXPECT_EQ(CanonicalCharset("ISO-8859-1"), "windows-1252");
  EXPECT_EQ(CanonicalCharset("us-ascii"), "windows-1252");
  EXPECT_EQ(CanonicalCharset("GB2312"), "GBK");
  EXPECT_EQ(CanonicalCharset("utf8"), "UTF-8");
  EXPECT_EQ(CanonicalCharset("Shift_JIS"), "windows-31j");
  EXPECT_EQ(CanonicalCharset("iso-8859-2"), "iso-8859-2");
  EXPECT_EQ(CanonicalCharset("no-such-charset"), "");
  EXPECT_EQ(CanonicalCharset(""), "");
}

TEST(CharsetTest, ValidUtf8IsNotCopied) {
  CharsetConverter c;
  std::string page = "<p>caf\xC3\xA9 \xE4\xB8\xAD</p>";
  Utf8Text t = c.ToUtf8(page, "text/html; charset=utf-8", true);
  EXPECT_EQ(t.charset, "UTF-8");
  EXPECT_EQ(t.source, CharsetSource::kHttpHeader);
  EXPECT_EQ(t.text.data(), page.data());
  EXPECT_EQ(t.replaced, 0u);
}

TEST(CharsetTest, InvalidUtf8IsReplacedAndCounted) {
  CharsetConverter c;
  Utf8Text t = c.ToUtf8(std::string("a\xFF" "b\xE2\x82" "c", 6), "text/html; charset=utf-8", true);
  EXPECT_EQ(t.text, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c");
  EXPECT_EQ(t.replaced, 2u);
}

TEST(CharsetTest, ConvertsLegacyCharsets) {
  CharsetConverter c;
  // windows-1252 under its "iso-8859-1" label: 0x93/0x94 are curly quotes.
  Utf8Text t = c.ToUtf8("\x93quoted\x94 caf\xE9", "text/html; charset=iso-8859-1", true);
  EXPECT_EQ(t.text, "\xE2\x80\x9Cquoted\xE2\x80\x9D caf\xC3\xA9");
  // GBK from <meta>.
  t = c.ToUtf8("<meta charset=gb2312><p>\xD6\xD0\xCE\xC4</p>", "", true);
  EXPECT_EQ(t.source, CharsetSource::kMeta);
  EXPECT_EQ(t.charset, "GBK");
  EXPECT_NE(t.text.find("\xE4\xB8\xAD\xE6\x96\x87"), std::string_view::npos);  // 中文
  // windows-1251 by detection (no label anywhere).
  std::string russian =
      "\xcf\xf0\xe8\xe2\xe5\xf2, \xec\xe8\xf0! \xdd\xf2\xee \xf2\xe5\xea\xf1\xf2 \xed\xe0 \xf0\xf3\xf1\xf1\xea\xee\xec "
      "\xff\xe7\xfb\xea\xe5, \xea\xee\xf2\xee\xf0\xfb\xe9 \xed\xf3\xe6\xed\xee \xf3\xe7\xed\xe0\xf2\xfc.";
  t = c.ToUtf8(russian + " " + russian + " " + russian, "", true);
  EXPECT_EQ(t.source, CharsetSource::kDetected);
  EXPECT_EQ(t.charset, "windows-1251");
  EXPECT_EQ(t.text.substr(0, 12), "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");  // Привет
}

TEST(CharsetTest, BomWinsAndUnknownLabelsAreFlagged) {
  CharsetConverter c;
  Utf8Text t = c.ToUtf8("\xEF\xBB\xBFhello", "text/html; charset=windows-1251", true);
  EXPECT_EQ(t.source, CharsetSource::kBom);
  EXPECT_EQ(t.text, "hello");
  t = c.ToUtf8(std::string("\xFF\xFEh\0i\0", 6), "", false);
  EXPECT_EQ(t.charset, "UTF-16LE");
  EXPECT_EQ(t.text, "hi");
  t = c.ToUtf8("plain ascii", "text/html; charset=x-bogus-42", true);
  EXPECT_TRUE(t.unknown_label);
  EXPECT_EQ(t.text, "plain ascii");
}

TEST(CharsetTest, ValidUtf8Prefix) {
  EXPECT_EQ(ValidUtf8Prefix("abc"), 3u);
  EXPECT_EQ(ValidUtf8Prefix("ab\xC3"), 2u);
  EXPECT_EQ(ValidUtf8Prefix("\xED\xA0\x80"), 0u);  // surrogate
  EXPECT_EQ(ValidUtf8Prefix("\xF0\x9F\x98\x80x"), 5u);
}

// Inputs that end where their allocation ends, in ASCII blocks of every
// size: nothing past the end is read (AddressSanitizer checks in CI).
TEST(CharsetTest, ValidUtf8PrefixReadsNothingPastTheEnd) {
  for (size_t n = 0; n <= 100; ++n) {
    std::unique_ptr<char[]> bytes(new char[n == 0 ? 1 : n]);
    std::fill(bytes.get(), bytes.get() + n, 'a');
    EXPECT_EQ(ValidUtf8Prefix(std::string_view(bytes.get(), n)), n);
    if (n > 0) {
      bytes[n - 1] = '\xC3';  // a sequence cut off by the end
      EXPECT_EQ(ValidUtf8Prefix(std::string_view(bytes.get(), n)), n - 1);
    }
  }
}

// ASCII runs of every length around the 8- and 32-byte blocks, valid
// multi-byte characters, and now and then a broken one, against ICU's strict
// decoder.
TEST(CharsetTest, ValidUtf8PrefixAgreesWithIcuOnRandomText) {
  const std::vector<std::string> other = {"\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80", "\xC2\xA0"};
  const std::vector<std::string> broken = {"\xC3", "\xE4\xB8", "\xED\xA0\x80", "\xC0\xAF", "\xFF", "\x80",
                                           "\xF4\x90\x80\x80"};
  std::mt19937_64 random(11);
  size_t mismatches = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text;
    const size_t pieces = random() % 6;
    for (size_t k = 0; k < pieces; ++k) {
      text += std::string(random() % 70, static_cast<char>('a' + random() % 26));
      const size_t pick = random() % 10;
      if (pick < 6) text += other[random() % other.size()];
      if (pick == 9) text += broken[random() % broken.size()];
    }
    const auto* s = reinterpret_cast<const uint8_t*>(text.data());
    const auto n = static_cast<int32_t>(text.size());
    int32_t want = 0;
    for (int32_t i = 0; i < n;) {
      UChar32 c;
      U8_NEXT(s, i, n, c);
      if (c < 0) break;
      want = i;
    }
    if (ValidUtf8Prefix(text) != static_cast<size_t>(want) && ++mismatches <= 5) {
      ADD_FAILURE() << "trial " << trial << ": " << ValidUtf8Prefix(text) << " vs " << want;
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

}  // namespace
}  // namespace stocktake::crawler
