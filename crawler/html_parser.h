// A fast, forgiving HTML parser: tokenizer and tree builder in one pass.
//
// It follows the HTML5 tokenizer (tags, attributes with any quoting,
// comments, raw-text elements such as <script>, character references left for
// later) and the parts of HTML5 tree construction that decide where text ends
// up: void elements, implied end tags (<p>, <li>, <dd>/<dt>, table rows and
// cells, <option>, nested headings and links), unmatched end tags ignored,
// text after </body> kept. It does not do foster parenting or the adoption
// agency algorithm; for text extraction their effect is the order of a few
// inline elements, never whether text is kept.
//
// Only what extraction needs is stored: the tree, raw text spans, and the
// attributes id, class, href, role, itemprop, rel, and visibility flags from
// hidden, aria-hidden and inline style. Script, style and similar elements
// are skipped at parse time and never enter the tree.
//
// Guards: nesting deeper than ParseOptions::max_depth is flattened (counted),
// and an end tag is matched against at most the 64 innermost open elements,
// so parsing is linear in the input whatever it holds.
//
// Lifetime: nodes keep views into the parsed bytes, which must outlive the
// Document until the next Parse(). A Document is reusable (Parse() clears it
// but keeps its memory) and not thread-safe.
#ifndef STOCKTAKE_CRAWLER_HTML_PARSER_H_
#define STOCKTAKE_CRAWLER_HTML_PARSER_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "crawler/html_tags.h"

namespace stocktake::crawler::html {

using NodeId = uint32_t;
inline constexpr NodeId kNoNode = UINT32_MAX;

enum NodeFlag : uint8_t {
  kHiddenAttr = 1u << 0,   // hidden attribute
  kAriaHidden = 1u << 1,   // aria-hidden="true"
  kStyleHidden = 1u << 2,  // style display:none or visibility:hidden
  kAriaModal = 1u << 3,    // aria-modal="true"
};

// Attributes that few elements carry, kept beside the tree (Document::extras)
// so that a Node is 80 bytes rather than 136: every tree walk and every copy
// of a parse touches the nodes.
struct NodeExtras {
  std::string_view href;
  std::string_view role;
  std::string_view itemprop;
  std::string_view rel;
};
inline constexpr uint32_t kNoExtras = UINT32_MAX;

struct Node {
  Tag tag = Tag::kUnknown;
  uint8_t flags = 0;
  NodeId parent = kNoNode;
  NodeId first_child = kNoNode;
  NodeId last_child = kNoNode;
  NodeId next = kNoNode;
  NodeId prev = kNoNode;
  uint32_t extras = kNoExtras;  // index of its NodeExtras, if it has any
  // Text nodes: the raw text (character references not decoded).
  // Unknown elements: their name, to match end tags.
  std::string_view text;
  std::string_view id;
  std::string_view cls;

  bool IsElement() const { return tag != Tag::kText && tag != Tag::kDocument; }
  bool Hidden() const { return (flags & (kHiddenAttr | kAriaHidden | kStyleHidden)) != 0; }
};
static_assert(sizeof(void*) != 8 || sizeof(Node) == 80, "keep Node small: the tree walks are memory-bound");

struct ParseOptions {
  size_t max_depth = 512;
};

struct ParseStats {
  bool depth_limited = false;  // some elements were flattened at max_depth
  size_t elements = 0;
};

class Document {
 public:
  void Parse(std::string_view html, const ParseOptions& options = {});

  NodeId root() const { return 0; }
  // <body> if the page has one, else the root (fragments).
  NodeId body() const { return body_ != kNoNode ? body_ : 0; }
  // Raw text of the first <title> (character references not decoded).
  std::string_view title() const { return title_; }
  // The best title from <meta> tags (dc:title, og:title, twitter:title, ...),
  // raw; empty if none.
  std::string_view meta_title() const { return meta_title_; }
  const ParseStats& stats() const { return stats_; }

  size_t size() const { return nodes_.size(); }
  const Node& operator[](NodeId id) const { return nodes_[id]; }
  Node& operator[](NodeId id) { return nodes_[id]; }
  // href, role, itemprop and rel of a node (all empty for most).
  const NodeExtras& extras(NodeId id) const {
    static constexpr NodeExtras kNone;
    const uint32_t e = nodes_[id].extras;
    return e == kNoExtras ? kNone : extras_[e];
  }

  // Tree edits for extractors.
  NodeId CreateElement(Tag tag);
  void Detach(NodeId id);
  void AppendChild(NodeId parent, NodeId child);
  void InsertBefore(NodeId parent, NodeId child, NodeId before);
  // Next node in document order (pre-order), staying within `scope`.
  NodeId NextInOrder(NodeId id, NodeId scope) const;
  // Next node in document order skipping `id`'s subtree.
  NodeId NextSkippingChildren(NodeId id, NodeId scope) const;

 private:
  friend class TreeBuilder;
  std::vector<Node> nodes_;
  std::vector<NodeExtras> extras_;
  NodeId body_ = kNoNode;
  std::string_view title_;
  std::string_view meta_title_;
  int meta_title_rank_ = 0;
  ParseStats stats_;
};

}  // namespace stocktake::crawler::html

#endif  // STOCKTAKE_CRAWLER_HTML_PARSER_H_
