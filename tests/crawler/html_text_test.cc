#include "crawler/html_text.h"

#include <gtest/gtest.h>

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

TEST(HtmlTextTest, CollapseText) {
  std::string out;
  CollapseText("  A &amp;\n  B&nbsp; ", &out);
  EXPECT_EQ(out, "A & B");
}

}  // namespace
}  // namespace stocktake::crawler::html
