// HTML parsing in one forward pass.
//
// The tokenizer finds each '<' 16 bytes at a time and classifies what
// follows (start tag, end tag, comment, doctype, or a literal '<');
// everything between is a text node whose bytes are a view into the input.
// The tree builder keeps the HTML5 stack of open elements and applies the
// implied-end-tag rules that decide where text belongs. Elements whose
// content is never visible text (script, style, template, svg, ...) are
// skipped by searching for their end tag, as the HTML5 tokenizer's raw-text
// states do, and never become nodes.
#include "crawler/html_parser.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "common/byte_scan.h"

namespace stocktake::crawler::html {

namespace {

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool EqualsLower(std::string_view any_case, std::string_view lower) {
  if (any_case.size() != lower.size()) return false;
  for (size_t i = 0; i < lower.size(); ++i) {
    if (Lower(any_case[i]) != lower[i]) return false;
  }
  return true;
}

bool AllSpace(std::string_view s) {
  for (char c : s) {
    if (!IsSpace(c)) return false;
  }
  return true;
}

// Position of "</name" (case-insensitive) followed by a delimiter, or npos.
size_t FindEndTag(std::string_view html, size_t from, std::string_view lower_name) {
  while (from < html.size()) {
    const size_t lt = FindChar(html, from, '<');
    if (lt == html.size()) return std::string_view::npos;
    size_t after = lt + 2 + lower_name.size();
    if (lt + 1 < html.size() && html[lt + 1] == '/' && after <= html.size() &&
        EqualsLower(html.substr(lt + 2, lower_name.size()), lower_name) &&
        (after == html.size() || IsSpace(html[after]) || html[after] == '>' || html[after] == '/')) {
      return lt;
    }
    from = lt + 1;
  }
  return std::string_view::npos;
}

// Style attribute says the element is not rendered.
bool StyleHides(std::string_view style) {
  for (size_t i = 0; i < style.size(); ++i) {
    char c = Lower(style[i]);
    if (c != 'd' && c != 'v') continue;
    std::string_view rest = style.substr(i);
    std::string_view prop = c == 'd' ? "display" : "visibility";
    std::string_view value = c == 'd' ? "none" : "hidden";
    if (rest.size() < prop.size() || !EqualsLower(rest.substr(0, prop.size()), prop)) continue;
    size_t k = prop.size();
    while (k < rest.size() && IsSpace(rest[k])) ++k;
    if (k >= rest.size() || rest[k] != ':') continue;
    ++k;
    while (k < rest.size() && IsSpace(rest[k])) ++k;
    if (rest.size() - k >= value.size() && EqualsLower(rest.substr(k, value.size()), value)) return true;
  }
  return false;
}

// Kept under 128 bytes: GCC clears larger structs with `rep stosq`, whose
// start-up cost showed at one clearing per tag.
struct TagAttributes {
  std::string_view id, cls, href, role, itemprop, rel;
  uint8_t flags = 0;
  bool self_closing = false;
};
static_assert(sizeof(void*) != 8 || sizeof(TagAttributes) <= 128);

// Read for <meta> only.
struct MetaAttributes {
  std::string_view name, property, content;
};

constexpr size_t kEndTagSearchDepth = 64;

}  // namespace

class TreeBuilder {
 public:
  TreeBuilder(Document* doc, std::string_view html, const ParseOptions& options)
      : doc_(doc), nodes_(doc->nodes_), html_(html), options_(options) {}

  void Run() {
    nodes_.clear();
    doc_->extras_.clear();
    nodes_.emplace_back();
    nodes_[0].tag = Tag::kDocument;
    doc_->body_ = kNoNode;
    doc_->title_ = {};
    doc_->meta_title_ = {};
    doc_->meta_title_rank_ = 0;
    doc_->stats_ = ParseStats{};
    stack_.clear();
    stack_.push_back(0);
    open_count_.fill(0);
    head_ = kNoNode;

    const size_t n = html_.size();
    size_t pos = 0;
    while (pos < n) {
      const size_t lt = FindChar(html_, pos, '<');
      if (lt > pos) Text(html_.substr(pos, lt - pos));
      if (lt >= n) break;
      pos = Markup(lt);
    }
  }

 private:
  NodeId Current() const { return stack_.back(); }

  // The stack of open elements, with a count per tag so that "is a <p> open?"
  // is answered without scanning it.
  void Push(NodeId id) {
    stack_.push_back(id);
    ++open_count_[static_cast<size_t>(nodes_[id].tag)];
  }
  void PopBack() {
    --open_count_[static_cast<size_t>(nodes_[stack_.back()].tag)];
    stack_.pop_back();
  }

  NodeId NewNode(Tag tag) {
    nodes_.emplace_back();
    nodes_.back().tag = tag;
    return static_cast<NodeId>(nodes_.size() - 1);
  }

  void Append(NodeId parent, NodeId child) {
    Node& p = nodes_[parent];
    Node& c = nodes_[child];
    c.parent = parent;
    c.prev = p.last_child;
    if (p.last_child != kNoNode) {
      nodes_[p.last_child].next = child;
    } else {
      p.first_child = child;
    }
    p.last_child = child;
  }

  // Handles what starts at html_[lt] == '<'; returns the position after it.
  size_t Markup(size_t lt) {
    const size_t n = html_.size();
    if (lt + 1 >= n) {
      Text(html_.substr(lt));
      return n;
    }
    char c = html_[lt + 1];
    if (IsAlpha(c)) return StartTagAt(lt);
    if (c == '/') {
      if (lt + 2 < n && IsAlpha(html_[lt + 2])) return EndTagAt(lt);
      size_t gt = html_.find('>', lt + 2);  // "</>" or a bogus comment
      return gt == std::string_view::npos ? n : gt + 1;
    }
    if (c == '!') {
      if (html_.compare(lt + 2, 2, "--") == 0) {
        if (html_.compare(lt + 4, 1, ">") == 0) return lt + 5;   // <!-->
        if (html_.compare(lt + 4, 2, "->") == 0) return lt + 6;  // <!--->
        size_t end = html_.find("-->", lt + 4);
        return end == std::string_view::npos ? n : end + 3;
      }
      size_t gt = html_.find('>', lt + 2);  // doctype, CDATA, bogus comment
      return gt == std::string_view::npos ? n : gt + 1;
    }
    if (c == '?') {
      size_t gt = html_.find('>', lt + 2);
      return gt == std::string_view::npos ? n : gt + 1;
    }
    Text(html_.substr(lt, 1));  // a literal '<'
    return lt + 1;
  }

  // Reads attributes from `p` to the end of the tag. Returns the position after
  // '>', or npos if the input ends inside the tag.
  // `meta` (null for other tags) receives a <meta> tag's name, property and
  // content.
  size_t ReadAttributes(size_t p, TagAttributes* a, MetaAttributes* meta) {
    const size_t n = html_.size();
    for (;;) {
      while (p < n && (IsSpace(html_[p]) || html_[p] == '/')) {
        a->self_closing = html_[p] == '/';
        ++p;
      }
      if (p >= n) return std::string_view::npos;
      if (html_[p] == '>') return p + 1;
      a->self_closing = false;
      size_t name_start = p++;
      while (p < n && !IsSpace(html_[p]) && html_[p] != '/' && html_[p] != '>' && html_[p] != '=') ++p;
      std::string_view name = html_.substr(name_start, p - name_start);
      while (p < n && IsSpace(html_[p])) ++p;
      std::string_view value;
      bool has_value = false;
      if (p < n && html_[p] == '=') {
        has_value = true;
        ++p;
        while (p < n && IsSpace(html_[p])) ++p;
        if (p < n && (html_[p] == '"' || html_[p] == '\'')) {
          const size_t end = FindChar(html_, p + 1, html_[p]);
          if (end == n) return std::string_view::npos;
          value = html_.substr(p + 1, end - p - 1);
          p = end + 1;
        } else {
          size_t start = p;
          while (p < n && !IsSpace(html_[p]) && html_[p] != '>') ++p;
          value = html_.substr(start, p - start);
        }
      }
      Capture(name, value, has_value, a, meta);
    }
  }

  static void Capture(std::string_view name, std::string_view value, bool has_value, TagAttributes* a,
                      MetaAttributes* meta) {
    switch (name.size()) {
      case 2:
        if (EqualsLower(name, "id") && a->id.empty()) a->id = value;
        break;
      case 3:
        if (EqualsLower(name, "rel")) a->rel = value;
        break;
      case 4:
        if (EqualsLower(name, "href")) a->href = value;
        if (EqualsLower(name, "role")) a->role = value;
        if (meta != nullptr && EqualsLower(name, "name")) meta->name = value;
        break;
      case 5:
        if (EqualsLower(name, "class") && a->cls.empty()) a->cls = value;
        if (EqualsLower(name, "style") && StyleHides(value)) a->flags |= kStyleHidden;
        break;
      case 6:
        if (EqualsLower(name, "hidden")) a->flags |= kHiddenAttr;
        break;
      case 7:
        if (meta != nullptr && EqualsLower(name, "content")) meta->content = value;
        break;
      case 8:
        if (EqualsLower(name, "itemprop")) a->itemprop = value;
        if (meta != nullptr && EqualsLower(name, "property")) meta->property = value;
        break;
      case 10:
        if (EqualsLower(name, "aria-modal") && EqualsLower(value, "true")) a->flags |= kAriaModal;
        break;
      case 11:
        if (EqualsLower(name, "aria-hidden") && has_value && EqualsLower(value, "true")) a->flags |= kAriaHidden;
        break;
      default:
        break;
    }
  }

  size_t StartTagAt(size_t lt) {
    const size_t n = html_.size();
    size_t p = lt + 1;
    while (p < n && !IsSpace(html_[p]) && html_[p] != '/' && html_[p] != '>') ++p;
    std::string_view name = html_.substr(lt + 1, p - lt - 1);
    Tag tag = LookupTag(name);
    TagAttributes attrs;
    MetaAttributes meta;
    size_t end = ReadAttributes(p, &attrs, tag == Tag::kMeta ? &meta : nullptr);
    if (end == std::string_view::npos) return n;  // the input ends inside a tag: HTML5 drops it
    if (tag == Tag::kMeta) MetaTitle(meta);
    return StartTag(tag, name, attrs, end);
  }

  size_t EndTagAt(size_t lt) {
    const size_t n = html_.size();
    size_t p = lt + 2;
    while (p < n && !IsSpace(html_[p]) && html_[p] != '/' && html_[p] != '>') ++p;
    std::string_view name = html_.substr(lt + 2, p - lt - 2);
    size_t gt = html_.find('>', p);
    EndTag(LookupTag(name), name);
    return gt == std::string_view::npos ? n : gt + 1;
  }

  // Skips the content of an element that is never text, returns the position
  // after its end tag (or the end of input).
  size_t SkipContent(size_t from, Tag tag) {
    size_t end = FindEndTag(html_, from, TagName(tag));
    if (end == std::string_view::npos) return html_.size();
    size_t gt = html_.find('>', end);
    return gt == std::string_view::npos ? html_.size() : gt + 1;
  }

  bool InHeadOnly(Tag tag) const {
    switch (tag) {
      case Tag::kMeta: case Tag::kLink: case Tag::kBase: case Tag::kTitle: case Tag::kStyle:
      case Tag::kScript: case Tag::kNoscript: case Tag::kTemplate: case Tag::kBasefont: case Tag::kBgsound:
        return true;
      default:
        return false;
    }
  }

  // Readability's order of preference for the title among <meta> tags.
  void MetaTitle(const MetaAttributes& a) {
    if (a.content.empty()) return;
    static constexpr std::string_view kRanked[] = {"dc:title", "dcterm:title", "og:title", "weibo:article:title",
                                                   "weibo:webpage:title", "title", "twitter:title"};
    for (std::string_view key : {a.property, a.name}) {
      for (size_t i = 0; i < std::size(kRanked); ++i) {
        int rank = static_cast<int>(std::size(kRanked) - i);
        if (EqualsLower(TrimSpaces(key), kRanked[i]) && rank > doc_->meta_title_rank_) {
          doc_->meta_title_ = a.content;
          doc_->meta_title_rank_ = rank;
        }
      }
    }
  }

  static std::string_view TrimSpaces(std::string_view s) {
    while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
    return s;
  }

  static bool KeepsNode(Tag tag) {
    switch (tag) {
      case Tag::kIframe: case Tag::kObject: case Tag::kEmbed: case Tag::kApplet: case Tag::kVideo:
      case Tag::kAudio: case Tag::kCanvas: case Tag::kSvg: case Tag::kMath: case Tag::kSelect:
      case Tag::kTextarea: case Tag::kMap:
        return true;
      default:
        return false;
    }
  }

  // Leaves <head> for the body when body content shows up (also after an
  // explicit </head>: the body is implied).
  void LeaveHead() {
    if (head_ == kNoNode || doc_->body_ != kNoNode) return;
    if (Current() == head_) {
      PopBack();
    } else if (Current() != 0) {
      return;
    }
    {
      NodeId body = NewNode(Tag::kBody);
      Append(Current(), body);
      Push(body);
      doc_->body_ = body;
    }
  }

  size_t StartTag(Tag tag, std::string_view name, const TagAttributes& a, size_t after) {
    switch (tag) {
      case Tag::kHtml:
        return after;
      case Tag::kHead:
        if (head_ == kNoNode && doc_->body_ == kNoNode) {
          head_ = NewNode(Tag::kHead);
          Append(Current(), head_);
          Push(head_);
        }
        return after;
      case Tag::kBody:
        if (doc_->body_ == kNoNode) {
          if (head_ != kNoNode && Current() == head_) PopBack();
          NodeId body = NewNode(Tag::kBody);
          ApplyAttributes(body, a);
          Append(Current(), body);
          Push(body);
          doc_->body_ = body;
        }
        return after;
      case Tag::kTitle: {
        size_t end = FindEndTag(html_, after, "title");
        size_t stop = end == std::string_view::npos ? html_.size() : end;
        if (doc_->title_.empty()) doc_->title_ = html_.substr(after, stop - after);
        return end == std::string_view::npos ? html_.size() : SkipContent(end, Tag::kTitle);
      }
      case Tag::kPlaintext:
        LeaveHead();
        Text(html_.substr(after));
        return html_.size();
      default:
        break;
    }
    if (!InHeadOnly(tag)) LeaveHead();
    if (HasFlag(tag, kInvisible)) {
      // Content that is never text is skipped whole. Embedded objects stay as
      // childless nodes: main-content detection counts them.
      size_t resume = after;
      if (!HasFlag(tag, kVoid) && !(a.self_closing && (tag == Tag::kSvg || tag == Tag::kMath))) {
        resume = SkipContent(after, tag);
      }
      if (KeepsNode(tag)) {
        NodeId el = NewNode(tag);
        ApplyAttributes(el, a);
        Append(Current(), el);
      }
      return resume;
    }
    ImpliedEnds(tag);
    NodeId el = NewNode(tag);
    ApplyAttributes(el, a);
    if (tag == Tag::kUnknown) nodes_[el].text = name;
    Append(Current(), el);
    ++doc_->stats_.elements;
    if ((tag == Tag::kPre || tag == Tag::kListing) && after < html_.size()) {
      // A newline right after <pre> is not content (HTML5).
      if (html_[after] == '\n') {
        ++after;
      } else if (html_.compare(after, 2, "\r\n") == 0) {
        after += 2;
      }
    }
    if (!HasFlag(tag, kVoid)) {
      if (stack_.size() < options_.max_depth) {
        Push(el);
      } else {
        doc_->stats_.depth_limited = true;  // flattened: its content joins the current element
      }
    }
    return after;
  }

  void ApplyAttributes(NodeId el, const TagAttributes& a) {
    Node& node = nodes_[el];
    node.id = a.id;
    node.cls = a.cls;
    node.flags = a.flags;
    // Called once per element, right after NewNode.
    if (!a.href.empty() || !a.role.empty() || !a.itemprop.empty() || !a.rel.empty()) {
      node.extras = static_cast<uint32_t>(doc_->extras_.size());
      doc_->extras_.push_back(NodeExtras{a.href, a.role, a.itemprop, a.rel});
    }
  }

  // Index in stack_ of the innermost open `tag`, searching at most the
  // kEndTagSearchDepth innermost elements and stopping at any of `stops`.
  size_t FindOpen(Tag tag, std::initializer_list<Tag> stops) const {
    if (open_count_[static_cast<size_t>(tag)] == 0) return 0;
    size_t lowest = stack_.size() > kEndTagSearchDepth ? stack_.size() - kEndTagSearchDepth : 1;
    for (size_t i = stack_.size(); i-- > lowest;) {
      Tag t = nodes_[stack_[i]].tag;
      if (t == tag) return i;
      for (Tag s : stops) {
        if (t == s) return 0;
      }
    }
    return 0;
  }

  void PopTo(size_t index) {  // pops stack_[index] and everything above it
    if (index < 1) return;
    while (stack_.size() > index) PopBack();
  }

  void ClosePInButtonScope() {
    PopTo(FindOpen(Tag::kP, {Tag::kButton, Tag::kTable, Tag::kTd, Tag::kTh, Tag::kCaption, Tag::kHtml,
                             Tag::kTemplate, Tag::kMarquee, Tag::kObject, Tag::kApplet}));
  }

  void ImpliedEnds(Tag tag) {
    if (HasFlag(tag, kClosesP)) ClosePInButtonScope();
    switch (tag) {
      case Tag::kLi:
        PopTo(FindOpen(Tag::kLi, {Tag::kUl, Tag::kOl, Tag::kMenu, Tag::kTable, Tag::kTd, Tag::kTh, Tag::kBody}));
        break;
      case Tag::kDd:
      case Tag::kDt: {
        size_t dd = FindOpen(Tag::kDd, {Tag::kDl, Tag::kTable, Tag::kTd, Tag::kTh, Tag::kBody});
        size_t dt = FindOpen(Tag::kDt, {Tag::kDl, Tag::kTable, Tag::kTd, Tag::kTh, Tag::kBody});
        PopTo(std::max(dd, dt));
        break;
      }
      case Tag::kTr:
        PopTo(FindOpen(Tag::kTr, {Tag::kTable, Tag::kTbody, Tag::kThead, Tag::kTfoot}));
        break;
      case Tag::kTd:
      case Tag::kTh: {
        size_t td = FindOpen(Tag::kTd, {Tag::kTr, Tag::kTable});
        size_t th = FindOpen(Tag::kTh, {Tag::kTr, Tag::kTable});
        PopTo(std::max(td, th));
        break;
      }
      case Tag::kTbody:
      case Tag::kThead:
      case Tag::kTfoot:
        PopTo(std::max({FindOpen(Tag::kTbody, {Tag::kTable}), FindOpen(Tag::kThead, {Tag::kTable}),
                        FindOpen(Tag::kTfoot, {Tag::kTable})}));
        break;
      case Tag::kOption:
        if (nodes_[Current()].tag == Tag::kOption) PopBack();
        break;
      case Tag::kA:
        PopTo(FindOpen(Tag::kA, {Tag::kTable, Tag::kTd, Tag::kTh}));
        break;
      case Tag::kButton:
        PopTo(FindOpen(Tag::kButton, {Tag::kTable, Tag::kTd, Tag::kTh}));
        break;
      default:
        if (HasFlag(tag, kHeading) && HasFlag(nodes_[Current()].tag, kHeading)) PopBack();
        break;
    }
  }

  void EndTag(Tag tag, std::string_view name) {
    switch (tag) {
      case Tag::kBr: {
        TagAttributes none;
        StartTag(Tag::kBr, name, none, 0);
        return;
      }
      case Tag::kBody:
      case Tag::kHtml:
        return;  // content after </body> still belongs to the body
      case Tag::kHead:
        if (head_ != kNoNode && Current() == head_) PopBack();
        return;
      default:
        break;
    }
    size_t lowest = stack_.size() > kEndTagSearchDepth ? stack_.size() - kEndTagSearchDepth : 1;
    for (size_t i = stack_.size(); i-- > lowest;) {
      const Node& open = nodes_[stack_[i]];
      if (open.tag == tag && (tag != Tag::kUnknown || EqualsLowerBoth(open.text, name))) {
        PopTo(i);
        return;
      }
      // A table cell or table is not closed by end tags of what is outside it.
      if (open.tag == Tag::kTable || open.tag == Tag::kTd || open.tag == Tag::kTh) {
        if (tag != Tag::kTable && tag != Tag::kTd && tag != Tag::kTh && tag != Tag::kTr && tag != Tag::kTbody &&
            tag != Tag::kThead && tag != Tag::kTfoot) {
          return;
        }
      }
    }
  }

  static bool EqualsLowerBoth(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (Lower(a[i]) != Lower(b[i])) return false;
    }
    return true;
  }

  void Text(std::string_view text) {
    if (head_ != kNoNode && doc_->body_ == kNoNode && (Current() == head_ || Current() == 0)) {
      if (AllSpace(text)) return;
      LeaveHead();
    }
    if (Current() == 0 && AllSpace(text)) return;
    NodeId t = NewNode(Tag::kText);
    nodes_[t].text = text;
    Append(Current(), t);
  }

  Document* doc_;
  std::vector<Node>& nodes_;
  std::string_view html_;
  ParseOptions options_;
  std::vector<NodeId> stack_;
  std::array<uint32_t, static_cast<size_t>(Tag::kCount)> open_count_{};
  NodeId head_ = kNoNode;
};

void Document::Parse(std::string_view html, const ParseOptions& options) {
  TreeBuilder builder(this, html, options);
  builder.Run();
}

NodeId Document::CreateElement(Tag tag) {
  nodes_.emplace_back();
  nodes_.back().tag = tag;
  return static_cast<NodeId>(nodes_.size() - 1);
}

void Document::Detach(NodeId id) {
  Node& n = nodes_[id];
  if (n.parent == kNoNode) return;
  Node& p = nodes_[n.parent];
  if (n.prev != kNoNode) nodes_[n.prev].next = n.next; else p.first_child = n.next;
  if (n.next != kNoNode) nodes_[n.next].prev = n.prev; else p.last_child = n.prev;
  n.parent = n.prev = n.next = kNoNode;
}

void Document::AppendChild(NodeId parent, NodeId child) {
  Detach(child);
  Node& p = nodes_[parent];
  Node& c = nodes_[child];
  c.parent = parent;
  c.prev = p.last_child;
  c.next = kNoNode;
  if (p.last_child != kNoNode) nodes_[p.last_child].next = child; else p.first_child = child;
  p.last_child = child;
}

void Document::InsertBefore(NodeId parent, NodeId child, NodeId before) {
  if (before == kNoNode) {
    AppendChild(parent, child);
    return;
  }
  Detach(child);
  Node& c = nodes_[child];
  Node& b = nodes_[before];
  c.parent = parent;
  c.next = before;
  c.prev = b.prev;
  if (b.prev != kNoNode) nodes_[b.prev].next = child; else nodes_[parent].first_child = child;
  b.prev = child;
}

NodeId Document::NextInOrder(NodeId id, NodeId scope) const {
  if (nodes_[id].first_child != kNoNode) return nodes_[id].first_child;
  return NextSkippingChildren(id, scope);
}

NodeId Document::NextSkippingChildren(NodeId id, NodeId scope) const {
  while (id != kNoNode && id != scope) {
    if (nodes_[id].next != kNoNode) return nodes_[id].next;
    id = nodes_[id].parent;
  }
  return kNoNode;
}

}  // namespace stocktake::crawler::html
