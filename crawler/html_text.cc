// Text layout by one walk over the subtree with explicit enter/exit steps
// (parent pointers, no recursion, so depth cannot overflow the stack). A
// small writer turns "break requests" into at most one blank line and
// collapses whitespace, so the output needs no second pass.
#include "crawler/html_text.h"

#include "crawler/html_entities.h"

namespace stocktake::crawler::html {

namespace {

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

class Writer {
 public:
  Writer(std::string* out, TextStats* stats) : out_(out), stats_(stats), start_(out->size()) {}

  void Break(int level) { pending_break_ = std::max(pending_break_, level); }
  void Space() { pending_space_ = true; }
  void Tab() { pending_tab_ = true; }
  void HardNewline() {
    // <br>: a line break even inside a line; two in a row make a blank line.
    if (out_->size() == start_) return;
    ++newlines_;
    pending_break_ = std::max(pending_break_, std::min(newlines_, 2));
  }

  // Appends text, collapsing whitespace (or keeping it, in <pre>).
  void Text(std::string_view s, bool pre, bool in_link) {
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (pre) {
        if (c == '\n') {
          Flush();
          if (out_->size() > start_) out_->push_back('\n');
          continue;
        }
        if (c == '\r') continue;
        if (c == ' ' || c == '\t') {
          Flush();
          out_->push_back(c);
          continue;
        }
      } else if (IsSpace(c)) {
        pending_space_ = true;
        continue;
      }
      if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') {  // U+00A0
        ++i;
        pending_space_ = true;
        continue;
      }
      if (pre) {
        Flush();
        out_->push_back(c);
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
          ++stats_->chars;
          if (in_link) ++stats_->link_chars;
        }
        continue;
      }
      // Outside <pre>: the run of bytes up to the next white space or
      // possible U+00A0 goes out in one piece.
      size_t end = i + 1;
      while (end < s.size() && !IsSpace(s[end]) && s[end] != '\xC2') ++end;
      Flush();
      out_->append(s.data() + i, end - i);
      size_t chars = 0;
      for (size_t k = i; k < end; ++k) chars += (static_cast<unsigned char>(s[k]) & 0xC0) != 0x80;
      stats_->chars += chars;
      if (in_link) stats_->link_chars += chars;
      i = end - 1;
    }
  }

 private:
  // Newlines already at the end of the output (from <pre>), at most 2.
  int TrailingNewlines() const {
    int n = 0;
    for (size_t i = out_->size(); i > start_ && n < 2 && (*out_)[i - 1] == '\n'; --i) ++n;
    return n;
  }

  void Flush() {
    if (out_->size() == start_) {
      stats_->paragraphs = 1;
    } else if (pending_break_ >= 2) {
      out_->append(static_cast<size_t>(2 - TrailingNewlines()), '\n');
      ++stats_->paragraphs;
    } else if (pending_break_ == 1) {
      if (TrailingNewlines() == 0) out_->push_back('\n');
    } else if (pending_tab_) {
      out_->push_back('\t');
    } else if (pending_space_) {
      out_->push_back(' ');
    }
    pending_break_ = 0;
    pending_space_ = pending_tab_ = false;
    newlines_ = 0;
  }

  std::string* out_;
  TextStats* stats_;
  size_t start_;
  int pending_break_ = 0;
  int newlines_ = 0;
  bool pending_space_ = false;
  bool pending_tab_ = false;
};

bool Skipped(const Node& n) { return n.Hidden() || HasFlag(n.tag, kInvisible); }

}  // namespace

void RenderText(const Document& doc, NodeId root, std::string* out, TextStats* stats, std::string* scratch) {
  Writer w(out, stats);
  int pre = 0;
  int link = 0;
  auto enter = [&](NodeId id) -> bool {  // returns whether to descend
    const Node& n = doc[id];
    if (n.tag == Tag::kText) {
      std::string_view text = n.text;
      if (text.find('&') != std::string_view::npos) {
        scratch->clear();
        AppendDecoded(text, scratch);
        text = *scratch;
      }
      w.Text(text, pre > 0, link > 0);
      return false;
    }
    if (n.tag == Tag::kDocument) return true;
    if (Skipped(n)) return false;
    if (n.tag == Tag::kBr) {
      w.HardNewline();
      return false;
    }
    uint32_t f = TagFlags(n.tag);
    if (f & kBlock) w.Break((f & kParagraph) ? 2 : 1);
    if (f & kTableCell) w.Tab();
    if (n.tag == Tag::kPre || n.tag == Tag::kListing) ++pre;
    if (n.tag == Tag::kA && !doc.extras(id).href.empty()) ++link;
    return true;
  };
  auto exit = [&](NodeId id) {
    const Node& n = doc[id];
    if (!n.IsElement()) return;
    uint32_t f = TagFlags(n.tag);
    if (f & kBlock) w.Break((f & kParagraph) ? 2 : 1);
    if (f & kTableCell) w.Space();
    if (n.tag == Tag::kPre || n.tag == Tag::kListing) --pre;
    if (n.tag == Tag::kA && !doc.extras(id).href.empty()) --link;
  };

  if (!enter(root)) return;
  NodeId cur = doc[root].first_child;
  while (cur != kNoNode) {
    if (enter(cur) && doc[cur].first_child != kNoNode) {
      cur = doc[cur].first_child;
      continue;
    }
    if (doc[cur].IsElement() && !Skipped(doc[cur]) && doc[cur].tag != Tag::kBr) exit(cur);
    // Next sibling, or climb, leaving each ancestor.
    while (cur != kNoNode && doc[cur].next == kNoNode) {
      cur = doc[cur].parent;
      if (cur == root || cur == kNoNode) return;
      exit(cur);
    }
    if (cur != kNoNode) cur = doc[cur].next;
  }
}

void CollapseText(std::string_view raw, std::string* out) {
  std::string decoded;
  AppendDecoded(raw, &decoded);
  out->clear();
  bool space = false;
  for (size_t i = 0; i < decoded.size(); ++i) {
    char c = decoded[i];
    bool is_space = IsSpace(c);
    if (c == '\xC2' && i + 1 < decoded.size() && decoded[i + 1] == '\xA0') {
      is_space = true;
      ++i;
    }
    if (is_space) {
      space = !out->empty();
      continue;
    }
    if (space) out->push_back(' ');
    space = false;
    out->push_back(c);
  }
}

}  // namespace stocktake::crawler::html
