#include "crawler/html_text.h"

#include <gtest/gtest.h>

#include <random>

namespace stocktake::crawler::html {
namespace {

std::string Text(std::string_view html, TextStats* stats = nullptr) {
  Document d;
  d.Parse(html);
  std::string out, scratch;
  TextStats local;
  RenderText(d, d.body(), &out, stats != nullptr ? stats : &local, &scratch);
  return out;
}

TEST(HtmlTextTest, BlocksParagraphsAndInlines) {
  EXPECT_EQ(Text("<h1>Title</h1><p>One <b>bold</b> <i>and</i> more.</p><p>Two</p>"),
            "Title\n\nOne bold and more.\n\nTwo");
  EXPECT_EQ(Text("<div>a</div><div>b<span>c</span></div>"), "a\nbc");
  EXPECT_EQ(Text("line<br>break<br><br>blank"), "line\nbreak\n\nblank");
  EXPECT_EQ(Text("<p>  lots \n of\t space  </p>"), "lots of space");
}

TEST(HtmlTextTest, ListsTablesAndPre) {
  EXPECT_EQ(Text("<p>Intro</p><ul><li>first</li><li>second <b>item</b></li></ul>"), "Intro\n\nfirst\nsecond item");
  EXPECT_EQ(Text("<table><tr><th>h1</th><th>h2</th></tr><tr><td>a</td><td>b</td></tr></table>"), "h1\th2\na\tb");
  EXPECT_EQ(Text("<p>x</p><pre>\n  indented\n    code &lt;b&gt;\n</pre><p>y</p>"), "x\n\n  indented\n    code <b>\n\ny");
}

TEST(HtmlTextTest, HiddenAndInvisibleContentIsDropped) {
  EXPECT_EQ(Text("<p>shown</p><p hidden>no</p><div style='display:none'>no</div><span aria-hidden=true>no</span>"
                 "<noscript>no</noscript><template><p>no</p></template><svg><text>no</text></svg>"
                 "<iframe>no</iframe><textarea>no</textarea><p>end</p>"),
            "shown\n\nend");
}

TEST(HtmlTextTest, EntitiesAndSpaces) {
  EXPECT_EQ(Text("a&nbsp;&nbsp;b &amp; c&#x2014;d"), "a b & c\xE2\x80\x94" "d");
}

TEST(HtmlTextTest, Stats) {
  TextStats s;
  std::string t = Text("<p>abc <a href='/x'>link</a></p><p>\xC3\xA9t\xC3\xA9</p><p>z</p>", &s);
  EXPECT_EQ(t, "abc link\n\n\xC3\xA9t\xC3\xA9\n\nz");
  EXPECT_EQ(s.paragraphs, 3u);
  EXPECT_EQ(s.chars, 11u);  // code points, spaces excluded
  EXPECT_EQ(s.link_chars, 4u);
}

// Text outside <pre> against a plain reference: white space and U+00A0 runs
// become one space, the ends are trimmed, and the characters other than those
// are counted. Pieces are chosen to hit the 16-byte paths: long words, a
// 0xC2 lead byte of another character (U+00A9), U+00A0 at every offset.
TEST(HtmlTextTest, FlowMatchesAPlainCollapse) {
  const std::vector<std::string> pieces = {"a", "word", "abcdefghijklmnopqrstuvwxyz0123456789", " ", "  ", "\n",
                                           "\t", "\r\n", "\f", "\xC2\xA0", "\xC2\xA9", "\xC3\xA9", "\xE2\x80\x94", "."};
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::string raw;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) raw += pieces[rng() % pieces.size()];
    std::string expected;
    size_t chars = 0;
    bool space = false;
    for (size_t i = 0; i < raw.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(raw[i]);
      const bool nbsp = c == 0xC2 && i + 1 < raw.size() && static_cast<unsigned char>(raw[i + 1]) == 0xA0;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || nbsp) {
        space = !expected.empty();
        i += nbsp;
        continue;
      }
      if (space) expected.push_back(' ');
      space = false;
      expected.push_back(static_cast<char>(c));
      chars += (c & 0xC0) != 0x80;
    }
    TextStats stats;
    // Split into two text nodes by an inline element at a random byte.
    const size_t cut = raw.empty() ? 0 : rng() % (raw.size() + 1);
    std::string one = Text("<p>" + raw + "</p>", &stats);
    ASSERT_EQ(one, expected) << round;
    ASSERT_EQ(stats.chars, chars) << round;
    if (cut > 0 && cut < raw.size() && (static_cast<unsigned char>(raw[cut]) & 0xC0) != 0x80 &&
        !(raw[cut - 1] == '\xC2' && raw[cut] == '\xA0')) {
      TextStats split_stats;
      std::string two = Text("<p>" + raw.substr(0, cut) + "<b></b>" + raw.substr(cut) + "</p>", &split_stats);
      ASSERT_EQ(two, expected) << round;
      ASSERT_EQ(split_stats.chars, chars) << round;
    }
  }
}

TEST(HtmlTextTest, CollapseText) {
  std::string out;
  CollapseText("  A &amp;\n  B&nbsp; ", &out);
  EXPECT_EQ(out, "A & B");
}

}  // namespace
}  // namespace stocktake::crawler::html
