#include "crawler/html_parser.h"

#include <gtest/gtest.h>

namespace stocktake::crawler::html {
namespace {

// The tree as "tag(child child)" with text as 'text', for compact assertions.
std::string Dump(const Document& d, NodeId id) {
  const Node& n = d[id];
  if (n.tag == Tag::kText) return "'" + std::string(n.text) + "'";
  std::string out = n.tag == Tag::kDocument ? "#doc" : n.tag == Tag::kUnknown ? std::string(n.text)
                                                                              : std::string(TagName(n.tag));
  if (n.first_child == kNoNode) return out;
  out += "(";
  for (NodeId c = n.first_child; c != kNoNode; c = d[c].next) {
    if (c != n.first_child) out += " ";
    out += Dump(d, c);
  }
  return out + ")";
}

std::string Parse(std::string_view html, ParseOptions o = {}) {
  static Document d;
  d.Parse(html, o);
  return Dump(d, d.body());
}

TEST(HtmlParserTest, ImpliedEndTags) {
  EXPECT_EQ(Parse("<p>a<p>b<div>c</div>"), "#doc(p('a') p('b') div('c'))");
  EXPECT_EQ(Parse("<ul><li>a<li>b</ul>"), "#doc(ul(li('a') li('b')))");
  EXPECT_EQ(Parse("<dl><dt>t<dd>d<dt>u</dl>"), "#doc(dl(dt('t') dd('d') dt('u')))");
  EXPECT_EQ(Parse("<table><tr><td>1<td>2<tr><td>3</table>"), "#doc(table(tr(td('1') td('2')) tr(td('3'))))");
  EXPECT_EQ(Parse("<select><option>a<option>b</select>x"), "#doc(select 'x')");  // select content is skipped
  EXPECT_EQ(Parse("<h1>a<h2>b</h2>"), "#doc(h1('a') h2('b'))");
  EXPECT_EQ(Parse("<a href=x>1<a href=y>2</a>"), "#doc(a('1') a('2'))");
  EXPECT_EQ(Parse("<p>a<table><tr><td>x</td></tr></table>"), "#doc(p('a') table(tr(td('x'))))");
}

TEST(HtmlParserTest, VoidRawTextCommentsAndUnknown) {
  EXPECT_EQ(Parse("a<br>b<img src=x>c<hr/>d"), "#doc('a' br 'b' img 'c' hr 'd')");
  EXPECT_EQ(Parse("<p>x<script>var s='</p><p>';</script>y</p>"), "#doc(p('x' 'y'))");
  EXPECT_EQ(Parse("<style>p{}</style><!-- <p>no</p> -->z<!--->w"), "#doc('z' 'w')");
  EXPECT_EQ(Parse("<my-card>x</my-card><foo>y</FOO>"), "#doc(my-card('x') foo('y'))");
  EXPECT_EQ(Parse("a < b <3 </> c"), "#doc('a ' '<' ' b ' '<' '3 ' ' c')");
  EXPECT_EQ(Parse("<!DOCTYPE html><?xml x?>t"), "#doc('t')");
  EXPECT_EQ(Parse("<svg><text>drawn</text></svg>t<svg/>u"), "#doc(svg 't' svg 'u')");
}

TEST(HtmlParserTest, UnmatchedAndMisnestedTags) {
  EXPECT_EQ(Parse("<div>a</span>b</div>c"), "#doc(div('a' 'b') 'c')");
  EXPECT_EQ(Parse("<b><i>x</b>y</i>"), "#doc(b(i('x')) 'y')");
  EXPECT_EQ(Parse("</p>x</br>y"), "#doc('x' br 'y')");
  EXPECT_EQ(Parse("<table><tr><td><div>a</td><td>b</table>"), "#doc(table(tr(td(div('a')) td('b'))))");
}

TEST(HtmlParserTest, HeadBodyAndTitle) {
  Document d;
  d.Parse("<html><head><title>T &amp; t</title><meta property='og:title' content='OG'>"
          "<script>x</script></head><body class=b><p>text</p></body></html>after");
  EXPECT_EQ(d.title(), "T &amp; t");
  EXPECT_EQ(d.meta_title(), "OG");
  EXPECT_EQ(d[d.body()].tag, Tag::kBody);
  EXPECT_EQ(Dump(d, d.body()), "body(p('text') 'after')");
  // Body content without <body>: the head closes and a body starts.
  d.Parse("<head><title>x</title></head>hello");
  EXPECT_EQ(Dump(d, d.body()), "body('hello')");
}

TEST(HtmlParserTest, Attributes) {
  Document d;
  d.Parse("<div id=main class='a b' data-x=\"1>2\" role=navigation><a href=\"/x\" rel=author>l</a>"
          "<span hidden>h</span><span aria-hidden=true>a</span><span style='color:red; DISPLAY : none'>s</span>"
          "<span style=\"visibility:hidden\">v</span><span itemprop=author>i</span></div>");
  NodeId div = d[d.body()].first_child;
  EXPECT_EQ(d[div].id, "main");
  EXPECT_EQ(d[div].cls, "a b");
  EXPECT_EQ(d.extras(div).role, "navigation");
  NodeId a = d[div].first_child;
  EXPECT_EQ(d.extras(a).href, "/x");
  EXPECT_EQ(d.extras(a).rel, "author");
  NodeId s = d[a].next;
  EXPECT_EQ(d[s].flags & kHiddenAttr, kHiddenAttr);
  s = d[s].next;
  EXPECT_EQ(d[s].flags & kAriaHidden, kAriaHidden);
  s = d[s].next;
  EXPECT_EQ(d[s].flags & kStyleHidden, kStyleHidden);
  s = d[s].next;
  EXPECT_EQ(d[s].flags & kStyleHidden, kStyleHidden);
  s = d[s].next;
  EXPECT_EQ(d.extras(s).itemprop, "author");
  EXPECT_FALSE(d[s].Hidden());
  // Elements without href/role/itemprop/rel share the empty extras.
  EXPECT_EQ(d[s].next, kNoNode);
  EXPECT_EQ(d[d.body()].extras, kNoExtras);
  EXPECT_TRUE(d.extras(d.body()).href.empty());

  // A later parse starts with no extras; an element created by an edit has none.
  d.Parse("<a>plain</a><a href=y>y</a>");
  NodeId plain = d[d.body()].first_child;
  EXPECT_TRUE(d.extras(plain).href.empty());
  EXPECT_EQ(d.extras(d[plain].next).href, "y");
  EXPECT_EQ(d.extras(d.CreateElement(Tag::kA)).href, "");
  // <body>'s attributes are its extras; a second <body> changes nothing.
  d.Parse("x<body role=main>y</body>");
  EXPECT_EQ(d.extras(d.body()).role, "main");
  d.Parse("<body role=a><body role=b>");
  EXPECT_EQ(d.extras(d.body()).role, "a");
}

// The '<' of a tag, the closing quote of an attribute and the '<' of an
// end tag after raw text are found 16 bytes at a time: every offset from a
// block's start, runs shorter and longer than a block, and a quote left open
// at the end of the input.
TEST(HtmlParserTest, ScansFindEveryDelimiterAtEveryOffset) {
  Document d;
  for (size_t text = 0; text <= 40; ++text) {
    for (size_t value = 0; value <= 40; value += 3) {
      const std::string before(text, 'a');
      const std::string cls(value, 'c');
      const std::string html = before + "<p class=\"" + cls + "\">t<script>" + std::string(value, 'x') + "</script>u</p>";
      d.Parse(html);  // the tree's text and attributes are views into it
      NodeId first = d[d.body()].first_child;
      if (text > 0) {
        ASSERT_EQ(d[first].tag, Tag::kText);
        EXPECT_EQ(d[first].text, before);
        first = d[first].next;
      }
      ASSERT_NE(first, kNoNode);
      EXPECT_EQ(d[first].tag, Tag::kP) << text << " " << value;
      EXPECT_EQ(d[first].cls, cls);
      EXPECT_EQ(Dump(d, first), "p('t' 'u')");
      // The attribute's quote never closes: the tag is no tag.
      const std::string open = before + "<p class=\"" + cls;
      d.Parse(open);
      const NodeId only = d[d.body()].first_child;
      EXPECT_TRUE(only == kNoNode || (d[only].tag == Tag::kText && d[only].next == kNoNode)) << open;
    }
  }
}

TEST(HtmlParserTest, BrokenInputNeverHurts) {
  EXPECT_EQ(Parse("<p>cut <a href=\"x"), "#doc(p('cut '))");       // input ends inside a tag
  EXPECT_EQ(Parse("<p>x<!-- never closed"), "#doc(p('x'))");
  EXPECT_EQ(Parse("<script>never closed <p>y"), "#doc");
  EXPECT_EQ(Parse(std::string("a\0b", 3)), std::string("#doc('a\0b')", 11));
  EXPECT_EQ(Parse("<"), "#doc('<')");
  EXPECT_EQ(Parse(""), "#doc");
}

TEST(HtmlParserTest, DepthIsBounded) {
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "<div>";
  deep += "bottom";
  Document d;
  ParseOptions o;
  o.max_depth = 100;
  d.Parse(deep, o);
  EXPECT_TRUE(d.stats().depth_limited);
  // Follow the nesting down: beyond the limit, elements are flattened into
  // siblings of the deepest container, and the text is its last child.
  size_t depth = 0;
  NodeId n = d.body();
  while (d[n].first_child != kNoNode && d[d[n].first_child].first_child != kNoNode) {
    n = d[n].first_child;
    ++depth;
  }
  EXPECT_LE(depth, 100u);
  EXPECT_EQ(d[d[n].last_child].text, "bottom");
}

TEST(HtmlParserTest, TreeEdits) {
  Document d;
  d.Parse("<div><p>a</p><p>b</p></div>");
  NodeId div = d[d.body()].first_child;
  NodeId p1 = d[div].first_child, p2 = d[p1].next;
  d.Detach(p1);
  EXPECT_EQ(Dump(d, d.body()), "#doc(div(p('b')))");
  d.InsertBefore(div, p1, p2);
  EXPECT_EQ(Dump(d, d.body()), "#doc(div(p('a') p('b')))");
  NodeId span = d.CreateElement(Tag::kSpan);
  d.AppendChild(p2, span);
  d.AppendChild(span, p1);
  EXPECT_EQ(Dump(d, d.body()), "#doc(div(p('b' span(p('a')))))");
  EXPECT_EQ(d.NextInOrder(div, div), p2);
  EXPECT_EQ(d.NextSkippingChildren(p2, div), kNoNode);
}

}  // namespace
}  // namespace stocktake::crawler::html
