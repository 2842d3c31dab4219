#include "crawler/html_entities.h"

#include <gtest/gtest.h>

namespace stocktake::crawler::html {
namespace {

std::string Decode(std::string_view s) {
  std::string out;
  AppendDecoded(s, &out);
  return out;
}

TEST(HtmlEntitiesTest, NamedNumericAndInvalid) {
  EXPECT_EQ(Decode("a &amp; b &lt;c&gt; &quot;q&quot; &apos;"), "a & b <c> \"q\" '");
  EXPECT_EQ(Decode("&eacute;&Eacute;&szlig;&yuml;&nbsp;"), "\xC3\xA9\xC3\x89\xC3\x9F\xC3\xBF\xC2\xA0");
  EXPECT_EQ(Decode("&alpha;&Omega;&mdash;&hellip;&euro;&trade;"),
            "\xCE\xB1\xCE\xA9\xE2\x80\x94\xE2\x80\xA6\xE2\x82\xAC\xE2\x84\xA2");
  EXPECT_EQ(Decode("&#65;&#x42;&#X43;&#8212;"), "ABC\xE2\x80\x94");
  EXPECT_EQ(Decode("&#150;&#x93;"), "\xE2\x80\x93\xE2\x80\x9C");  // windows-1252 remap
  EXPECT_EQ(Decode("&#0;&#xD800;&#99999999999;"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(Decode("&amp"), "&");   // legacy: no semicolon
  EXPECT_EQ(Decode("AT&T &bogus; &#; & &"), "AT&T &bogus; &#; & &");
  EXPECT_EQ(Decode("&"), "&");
  EXPECT_EQ(Decode(""), "");
}

TEST(HtmlEntitiesTest, AllLatin1Names) {
  // The 96 Latin-1 names map to U+00A0..U+00FF in order.
  std::string out;
  EXPECT_GT(DecodeReference("&iquest;", &out), 0u);
  EXPECT_EQ(out, "\xC2\xBF");
  out.clear();
  EXPECT_EQ(DecodeReference("&thorn;x", &out), 7u);
  EXPECT_EQ(out, "\xC3\xBE");
}

}  // namespace
}  // namespace stocktake::crawler::html
