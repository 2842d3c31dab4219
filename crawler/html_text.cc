// Text layout by one walk over the subtree with explicit enter/exit steps
// (parent pointers, no recursion, so depth cannot overflow the stack). A
// small writer turns "break requests" into at most one blank line and
// collapses whitespace, so the output needs no second pass.
#include "crawler/html_text.h"

#include <cstring>

#include "common/byte_scan.h"
#include "crawler/html_entities.h"

namespace stocktake::crawler::html {

namespace {

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

#if defined(__SSE2__)
// 0xFF where the byte is IsSpace white space.
inline __m128i Blank16(__m128i v) {
  return _mm_or_si128(_mm_or_si128(_mm_or_si128(Equal16(v, ' '), Equal16(v, '\t')),
                                   _mm_or_si128(Equal16(v, '\n'), Equal16(v, '\r'))),
                      Equal16(v, '\f'));
}
#endif

// U+00A0 (C2 A0) at p[i].
inline bool Nbsp(const unsigned char* p, size_t i, size_t n) { return p[i] == 0xC2 && i + 1 < n && p[i + 1] == 0xA0; }

// The end of the white space (U+00A0 included) from p[i].
inline size_t SkipBlank(const unsigned char* p, size_t i, size_t n) {
  for (;;) {
    if (i < n && IsSpace(static_cast<char>(p[i]))) {
      ++i;
    } else if (i < n && Nbsp(p, i, n)) {
      i += 2;
    } else {
      return i;
    }
  }
}

// The end of the run of text from p[i], which is not white space: the next
// white space or U+00A0. A 0xC2 byte of any other character stays in the run.
inline size_t RunEnd(const unsigned char* p, size_t i, size_t n) {
  for (;;) {
    i = FindByte(
        p, i, n,
        [](const auto& v) { return Mask16(_mm_or_si128(Blank16(v), Equal16(v, 0xC2))); },
        [](unsigned char c) { return IsSpace(static_cast<char>(c)) || c == 0xC2; });
    if (i == n || p[i] != 0xC2 || Nbsp(p, i, n)) return i;
    ++i;
  }
}

// Copies p[0, length) to `to`, which has room for 16 bytes more; p has
// `readable` >= length bytes. Most runs are words: one 16-byte load and
// store instead of a call.
inline void CopyRun(const unsigned char* p, size_t length, size_t readable, char* to) {
#if defined(__SSE2__)
  if (length <= 16 && readable >= 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(to), Load16(p));
    return;
  }
#else
  (void)readable;
#endif
  std::memcpy(to, p, length);
}

// The characters Flow counts in `p[0, n)`: code points other than white
// space and U+00A0 (bytes other than continuation bytes, less the white
// space bytes and the lead byte of each U+00A0).
inline size_t TextChars(const unsigned char* p, size_t n) {
  size_t skipped = 0;  // continuation bytes, white space, U+00A0 lead bytes
  size_t i = 0;
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    const __m128i v = Load16(p + i);
    const __m128i blank = Blank16(v);
    const __m128i continuation = AtMost16(Sub16(v, 0x80), 0x3F);
    skipped += PopCount16(Mask16(_mm_or_si128(blank, continuation)));
    for (uint32_t lead = Mask16(Equal16(v, 0xC2)); lead != 0; lead &= lead - 1) {
      skipped += Nbsp(p, i + static_cast<size_t>(__builtin_ctz(lead)), n);
    }
  }
#endif
  for (; i < n; ++i) {
    skipped += IsSpace(static_cast<char>(p[i])) || (p[i] & 0xC0) == 0x80 || Nbsp(p, i, n);
  }
  return n - skipped;
}

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
    if (pre) {
      Pre(s, in_link);
    } else {
      Flow(s, in_link);
    }
  }

 private:
  // Outside <pre>: every run of white space (U+00A0 included) becomes one
  // pending space. After the first run of text, whatever was pending is
  // flushed and only single spaces are left to write, so the rest goes
  // straight into the output, which it cannot outgrow (each space stands for
  // at least one byte read).
  void Flow(std::string_view s, bool in_link) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t i = SkipBlank(p, 0, n);
    if (i > 0) pending_space_ = true;
    if (i == n) return;
    Flush();
    // 16 bytes more than can be written: a run is copied 16 bytes at a time.
    const size_t base = out_->size();
    out_->resize(base + (n - i) + 16);
    char* const begin = out_->data();
    char* o = begin + base;
    for (;;) {
      const size_t end = RunEnd(p, i, n);
      CopyRun(p + i, end - i, n - i, o);
      o += end - i;
      i = SkipBlank(p, end, n);
      if (i == n) {
        if (end < n) pending_space_ = true;
        break;
      }
      *o++ = ' ';
    }
    out_->resize(static_cast<size_t>(o - begin));
    const size_t chars = TextChars(p, n);
    stats_->chars += chars;
    if (in_link) stats_->link_chars += chars;
  }

  void Pre(std::string_view s, bool in_link) {
    for (size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
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
      if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') {  // U+00A0
        ++i;
        pending_space_ = true;
        continue;
      }
      Flush();
      out_->push_back(c);
      if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
        ++stats_->chars;
        if (in_link) ++stats_->link_chars;
      }
    }
  }

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
