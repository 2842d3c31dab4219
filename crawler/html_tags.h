// HTML element names and the properties the parser and extractors need.
//
// Tag names are mapped to a small enum once, in the tokenizer, so every later
// stage compares integers. Unknown names (custom elements, typos) map to
// kUnknown and behave like <span>. Pure data; thread-safe.
#ifndef STOCKTAKE_CRAWLER_HTML_TAGS_H_
#define STOCKTAKE_CRAWLER_HTML_TAGS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace stocktake::crawler::html {

#define STOCKTAKE_HTML_TAGS(X)                                                                                     \
  X(A, "a") X(Abbr, "abbr") X(Address, "address") X(Applet, "applet") X(Area, "area") X(Article, "article")       \
  X(Aside, "aside") X(Audio, "audio") X(B, "b") X(Base, "base") X(Basefont, "basefont") X(Bdi, "bdi")             \
  X(Bdo, "bdo") X(Bgsound, "bgsound") X(Big, "big") X(Blockquote, "blockquote") X(Body, "body") X(Br, "br")       \
  X(Button, "button") X(Canvas, "canvas") X(Caption, "caption") X(Center, "center") X(Cite, "cite")               \
  X(Code, "code") X(Col, "col") X(Colgroup, "colgroup") X(Data, "data") X(Datalist, "datalist") X(Dd, "dd")       \
  X(Del, "del") X(Details, "details") X(Dfn, "dfn") X(Dialog, "dialog") X(Dir, "dir") X(Div, "div")              \
  X(Dl, "dl") X(Dt, "dt") X(Em, "em") X(Embed, "embed") X(Fieldset, "fieldset") X(Figcaption, "figcaption")      \
  X(Figure, "figure") X(Font, "font") X(Footer, "footer") X(Form, "form") X(Frame, "frame")                       \
  X(Frameset, "frameset") X(H1, "h1") X(H2, "h2") X(H3, "h3") X(H4, "h4") X(H5, "h5") X(H6, "h6")                \
  X(Head, "head") X(Header, "header") X(Hgroup, "hgroup") X(Hr, "hr") X(Html, "html") X(I, "i")                  \
  X(Iframe, "iframe") X(Img, "img") X(Input, "input") X(Ins, "ins") X(Kbd, "kbd") X(Keygen, "keygen")            \
  X(Label, "label") X(Legend, "legend") X(Li, "li") X(Link, "link") X(Listing, "listing") X(Main, "main")         \
  X(Map, "map") X(Mark, "mark") X(Marquee, "marquee") X(Math, "math") X(Menu, "menu") X(Meta, "meta")            \
  X(Meter, "meter") X(Nav, "nav") X(Nobr, "nobr") X(Noembed, "noembed") X(Noframes, "noframes")                  \
  X(Noscript, "noscript") X(Object, "object") X(Ol, "ol") X(Optgroup, "optgroup") X(Option, "option")            \
  X(Output, "output") X(P, "p") X(Param, "param") X(Picture, "picture") X(Plaintext, "plaintext") X(Pre, "pre")   \
  X(Progress, "progress") X(Q, "q") X(Rp, "rp") X(Rt, "rt") X(Ruby, "ruby") X(S, "s") X(Samp, "samp")            \
  X(Script, "script") X(Search, "search") X(Section, "section") X(Select, "select") X(Slot, "slot")               \
  X(Small, "small") X(Source, "source") X(Span, "span") X(Strike, "strike") X(Strong, "strong")                  \
  X(Style, "style") X(Sub, "sub") X(Summary, "summary") X(Sup, "sup") X(Svg, "svg") X(Table, "table")            \
  X(Tbody, "tbody") X(Td, "td") X(Template, "template") X(Textarea, "textarea") X(Tfoot, "tfoot") X(Th, "th")    \
  X(Thead, "thead") X(Time, "time") X(Title, "title") X(Tr, "tr") X(Track, "track") X(Tt, "tt") X(U, "u")        \
  X(Ul, "ul") X(Var, "var") X(Video, "video") X(Wbr, "wbr") X(Xmp, "xmp")

enum class Tag : uint8_t {
  kUnknown = 0,  // any other element name
  kText,         // not an element: a text node
  kDocument,     // not an element: the root of the tree
#define STOCKTAKE_HTML_TAG_ENUM(name, str) k##name,
  STOCKTAKE_HTML_TAGS(STOCKTAKE_HTML_TAG_ENUM)
#undef STOCKTAKE_HTML_TAG_ENUM
      kCount
};

// The tag for a name of any case ("DIV" -> kDiv), kUnknown if not listed.
Tag LookupTag(std::string_view name);
// Lower-case name of a known tag; "" for kUnknown, kText, kDocument.
std::string_view TagName(Tag tag);

enum TagFlag : uint32_t {
  kVoid = 1u << 0,          // never has children (<br>, <img>, ...)
  kRawText = 1u << 1,       // content is text up to the end tag (<script>, <style>, ...)
  kEscapableRaw = 1u << 2,  // raw text with character references (<title>, <textarea>)
  kInvisible = 1u << 3,     // content is never visible text (<script>, <svg>, <head>, ...)
  kBlock = 1u << 4,         // starts and ends a line
  kParagraph = 1u << 5,     // separated from neighbours by a blank line
  kClosesP = 1u << 6,       // its start tag closes an open <p> (HTML tree construction)
  kPhrasing = 1u << 7,      // phrasing content (may live inside a <p>)
  kHeading = 1u << 8,       // h1-h6
  kListItem = 1u << 9,      // li, dt, dd
  kTableCell = 1u << 10,    // td, th
  kFormatting = 1u << 11,   // b, i, a, ... (closed by a mismatched end tag without harm)
};

// Flags per tag (built at compile time in html_tags.cc).
extern const std::array<uint32_t, static_cast<size_t>(Tag::kCount)> kTagFlagTable;
inline uint32_t TagFlags(Tag tag) { return kTagFlagTable[static_cast<size_t>(tag)]; }
inline bool HasFlag(Tag tag, uint32_t flag) { return (TagFlags(tag) & flag) != 0; }

}  // namespace stocktake::crawler::html

#endif  // STOCKTAKE_CRAWLER_HTML_TAGS_H_
