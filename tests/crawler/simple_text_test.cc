#include "crawler/simple_text.h"

#include <gtest/gtest.h>

namespace stocktake::crawler {
namespace {

TEST(SimpleTextTest, BlocksInlinesAndTitle) {
  SimpleTextExtractor x;
  ExtractedText t = x.Extract(
      "<html><head><title>The &amp; Title</title><style>p{color:red}</style>"
      "<script>var a = '<p>no</p>';</script></head>"
      "<body><h1>Heading</h1><p>One <b>bold</b> and <a href='x>y'>link</a>.</p>"
      "<ul><li>first</li><li>second</li></ul>line<br>break<!-- hidden --></body></html>");
  EXPECT_EQ(t.title, "The & Title");
  EXPECT_EQ(t.text, "Heading\nOne bold and link.\nfirst\nsecond\nline\nbreak");
}

TEST(SimpleTextTest, EntitiesAndWhitespace) {
  SimpleTextExtractor x;
  EXPECT_EQ(x.Extract("a&nbsp;&nbsp;b &lt;tag&gt; &#8212; &#x41; &#150; &bogus; AT&T &amp").text,
            "a b <tag> \xE2\x80\x94 A \xE2\x80\x93 &bogus; AT&T &");
  EXPECT_EQ(x.Extract("  lots\n\n of \t space  ").text, "lots of space");
  EXPECT_EQ(x.Extract("x < y and 3<4").text, "x < y and 3<4");
}

TEST(SimpleTextTest, DroppedElementsAndBrokenMarkup) {
  SimpleTextExtractor x;
  EXPECT_EQ(x.Extract("<noscript>enable js</noscript><svg><text>s</text></svg>kept").text, "kept");
  EXPECT_EQ(x.Extract("<template><p>t</p></template><p>a</p>").text, "a");
  EXPECT_EQ(x.Extract("<p>unclosed <script>never ends").text, "unclosed");
  EXPECT_EQ(x.Extract("<p>cut tag <a href=\"x").text, "cut tag");
  EXPECT_EQ(x.Extract("<!DOCTYPE html><?xml ?><P>Upper</P>").text, "Upper");
  EXPECT_EQ(x.Extract("").text, "");
  EXPECT_EQ(x.Extract("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>").text, "a b\nc");
}

TEST(SimpleTextTest, DecodeEntitiesHelper) {
  std::string out;
  AppendDecodedEntities("&quot;x&quot; &#0; &#xD800;", &out);
  EXPECT_EQ(out, "\"x\" \xEF\xBF\xBD \xEF\xBF\xBD");
}

}  // namespace
}  // namespace stocktake::crawler
