// Main-content detection, after Mozilla Readability (readability.js, Apache
// 2.0; the algorithm, not its code). The steps and constants follow it so that
// its published behaviour is what users get:
//
//   prepare   runs of two or more <br> become paragraphs; <font> is a span
//   walk      remove hidden nodes, the byline, a heading that repeats the
//             title, and (first attempt) unlikely candidates by class/id and
//             ARIA role; turn divs without block children into paragraphs
//   score     each p/td/pre/section/h2-h6 with >= 25 characters scores
//             1 + commas + 1 + min(length/100, 3), shared by up to five
//             ancestors (1, 1/2, then 1/(3*level)); ancestors start from a tag
//             prior and a class weight (+/-25)
//   choose    best score x (1 - link density); prefer a common ancestor of
//             several near-best candidates; climb while the parent scores
//             higher; then gather siblings that score >= 20% of the best or
//             read like paragraphs
//   clean     remove forms, embeds, footers, asides, share widgets, inputs,
//             negative-weight headings, and tables/lists/divs whose text is
//             mostly links, images or inputs (data tables are kept)
//   retry     under 500 characters: repeat on the page as parsed with the
//             unlikely filter, then class weights, then conditional cleaning
//             off; keep the longest result. A retry whose relaxed filters
//             changed nothing in the last attempt would repeat it, and is
//             not run
//
// Lengths are counted in code points with whitespace runs as one, as
// Readability counts textContent after normalizing spaces. Every node visit
// counts toward max_work.
#include "crawler/main_content.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include "common/hash_inline.h"
#include "crawler/html_text.h"
#include "crawler/readability_measure.h"

namespace stocktake::crawler::html {

namespace {

constexpr uint32_t kStripUnlikely = 1u << 0;
constexpr uint32_t kWeightClasses = 1u << 1;
constexpr uint32_t kCleanConditionally = 1u << 2;
constexpr uint32_t kAllFlags = kStripUnlikely | kWeightClasses | kCleanConditionally;
constexpr size_t kCharThreshold = 500;
constexpr size_t kTopCandidates = 5;

inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline bool IsWordAscii(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

void LowerInto(std::string_view s, std::string* out) {
  const size_t at = out->size();
  out->resize(at + s.size());
  char* to = out->data() + at;
  for (size_t i = 0; i < s.size(); ++i) to[i] = Lower(s[i]);
}

// " hid " as a whole space-separated word.
bool HasWordHid(std::string_view m) {
  for (size_t i = m.find("hid"); i != std::string_view::npos; i = m.find("hid", i + 1)) {
    bool start = i == 0 || m[i - 1] == ' ';
    bool end = i + 3 == m.size() || m[i + 3] == ' ';
    if (start && end) return true;
  }
  return false;
}

// Readability's class-and-id patterns. A word can be in several.
enum ClassSet : uint8_t {
  sUnlikely = 1u << 0,
  sMaybeCandidate = 1u << 1,
  sPositive = 1u << 2,
  sNegative = 1u << 3,
  sByline = 1u << 4,
  sShare = 1u << 5,     // has "share" (ShareElement then decides)
  sFallback = 1u << 6,  // has "fallback-image"
};
constexpr int kClassSetBits = 7;

// All the patterns' words, found in one pass over a lowercased class or id:
// only positions whose byte starts some word are compared, and every word
// found adds its sets (one pass for all the tests, where each test was a
// pass of its own).
class ClassPatterns {
 public:
  ClassPatterns() {
    Add(sUnlikely, {"-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap",
                    "disqus", "extra", "footer", "gdpr", "header", "legends", "menu", "related", "remark", "replies",
                    "rss", "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "supplemental", "ad-break",
                    "agegate", "pagination", "pager", "popup", "yom-remote"});
    Add(sMaybeCandidate, {"and", "article", "body", "column", "content", "main", "shadow"});
    Add(sPositive, {"article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination", "post",
                    "text", "blog", "story"});
    Add(sNegative, {"-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "foot", "footer", "footnote",
                    "gdpr", "masthead", "media", "meta", "outbrain", "promo", "related", "scroll", "share",
                    "shoutbox", "sidebar", "skyscraper", "sponsor", "shopping", "tags", "tool", "widget"});
    Add(sByline, {"byline", "author", "dateline", "writtenby", "p-author"});
    Add(sShare, {"share"});
    Add(sFallback, {"fallback-image"});
  }

  // The sets with a word in `lower`; " hid " as a whole word is negative.
  uint8_t SetsIn(std::string_view lower) const {
    uint8_t sets = 0;
    for (size_t i = 0; i + 1 < lower.size(); ++i) {
      const unsigned pair = static_cast<unsigned char>(lower[i]) << 8 | static_cast<unsigned char>(lower[i + 1]);
      if ((pairs_[pair >> 6] >> (pair & 63) & 1) == 0) continue;  // most positions
      for (const Word& w : by_first_[static_cast<unsigned char>(lower[i])]) {
        // The second byte first: most positions that start a word's first
        // byte (a vowel, an 's') fail there without a comparison call.
        if (lower[i + 1] == w.text[1] && w.text.size() <= lower.size() - i &&
            std::memcmp(lower.data() + i + 2, w.text.data() + 2, w.text.size() - 2) == 0) {
          sets |= w.sets;
        }
      }
    }
    if (HasWordHid(lower)) sets |= sNegative;
    return sets;
  }

 private:
  struct Word {
    std::string_view text;  // at least two bytes
    uint8_t sets;
  };

  void Add(ClassSet set, std::initializer_list<std::string_view> words) {
    for (std::string_view w : words) {
      const unsigned pair = static_cast<unsigned char>(w[0]) << 8 | static_cast<unsigned char>(w[1]);
      pairs_[pair >> 6] |= uint64_t{1} << (pair & 63);
      std::vector<Word>& list = by_first_[static_cast<unsigned char>(w[0])];
      auto it = std::find_if(list.begin(), list.end(), [&](const Word& x) { return x.text == w; });
      if (it != list.end()) {
        it->sets |= set;
      } else {
        list.push_back({w, set});
      }
    }
  }

  std::vector<Word> by_first_[256];
  uint64_t pairs_[65536 / 64] = {};  // the first two bytes of some word
};

const ClassPatterns& Patterns() {
  static const ClassPatterns kPatterns;
  return kPatterns;
}

// (\b|_)(share|sharedaddy)(\b|_)
bool ShareElement(std::string_view m) {
  for (size_t i = m.find("share"); i != std::string_view::npos; i = m.find("share", i + 1)) {
    bool start = i == 0 || !IsWordAscii(m[i - 1]) || m[i - 1] == '_';
    size_t end = i + 5;
    if (m.compare(i, 10, "sharedaddy") == 0) end = i + 10;
    bool stop = end >= m.size() || !IsWordAscii(m[end]) || m[end] == '_';
    if (start && stop) return true;
  }
  return false;
}

bool UnlikelyRole(std::string_view role) {
  static constexpr std::string_view kRoles[] = {"menu",  "menubar",     "complementary", "navigation",
                                                "alert", "alertdialog", "dialog"};
  if (role.empty()) return false;  // most elements
  for (std::string_view r : kRoles) {
    if (role == r) return true;
  }
  return false;
}

// Readability's phrasing elements (<font> is a span there).
bool PhrasingTag(Tag t) {
  switch (t) {
    case Tag::kAbbr: case Tag::kAudio: case Tag::kB: case Tag::kBdo: case Tag::kBr: case Tag::kButton:
    case Tag::kCite: case Tag::kCode: case Tag::kData: case Tag::kDatalist: case Tag::kDfn: case Tag::kEm:
    case Tag::kEmbed: case Tag::kI: case Tag::kImg: case Tag::kInput: case Tag::kKbd: case Tag::kLabel:
    case Tag::kMark: case Tag::kMath: case Tag::kMeter: case Tag::kNoscript: case Tag::kObject:
    case Tag::kOutput: case Tag::kProgress: case Tag::kQ: case Tag::kRuby: case Tag::kSamp: case Tag::kScript:
    case Tag::kSelect: case Tag::kSmall: case Tag::kSpan: case Tag::kStrong: case Tag::kSub: case Tag::kSup:
    case Tag::kTextarea: case Tag::kTime: case Tag::kVar: case Tag::kWbr: case Tag::kFont:
      return true;
    default:
      return false;
  }
}

bool DivToPElement(Tag t) {
  switch (t) {
    case Tag::kBlockquote: case Tag::kDl: case Tag::kDiv: case Tag::kImg: case Tag::kOl: case Tag::kP:
    case Tag::kPre: case Tag::kTable: case Tag::kUl:
      return true;
    default:
      return false;
  }
}

bool TagToScore(Tag t) {
  switch (t) {
    case Tag::kSection: case Tag::kH2: case Tag::kH3: case Tag::kH4: case Tag::kH5: case Tag::kH6: case Tag::kP:
    case Tag::kTd: case Tag::kPre:
      return true;
    default:
      return false;
  }
}

// Tags whose descendant counts the cleaning rules ask for.
enum Counted : uint8_t { cP, cImg, cLi, cInput, cObject, cEmbed, cIframe, cBr, cHr, cCaption, cCol, cColgroup,
                         cTfoot, cThead, cTh, cTable, cCountedTags };

int CountedIndex(Tag t) {
  switch (t) {
    case Tag::kP: return cP;
    case Tag::kImg: return cImg;
    case Tag::kLi: return cLi;
    case Tag::kInput: return cInput;
    case Tag::kObject: return cObject;
    case Tag::kEmbed: return cEmbed;
    case Tag::kIframe: return cIframe;
    case Tag::kBr: return cBr;
    case Tag::kHr: return cHr;
    case Tag::kCaption: return cCaption;
    case Tag::kCol: return cCol;
    case Tag::kColgroup: return cColgroup;
    case Tag::kTfoot: return cTfoot;
    case Tag::kThead: return cThead;
    case Tag::kTh: return cTh;
    case Tag::kTable: return cTable;
    default: return -1;
  }
}

}  // namespace

// What the scoring and cleaning rules need to know about a subtree, combined
// bottom-up from the children so each node is measured once. The text part
// is a monoid for "textContent, trimmed, whitespace runs counted as one":
// non-space characters, the runs between them, and whether the text begins
// or ends with whitespace. All values include the node itself.
struct Summary {
  uint32_t chars = 0;
  uint32_t runs = 0;
  uint32_t commas = 0;
  bool lead_space = false;
  bool trail_space = false;
  bool any = false;           // has a non-space character
  double link = 0;            // sum over <a>: text length x (0.3 for "#..." links, else 1)
  double heading = 0;         // sum over h1-h6: text length
  double list = 0;            // sum over ul/ol: text length
  std::array<uint32_t, cCountedTags> counts{};

  size_t Length() const { return chars + runs; }

  void Append(const Summary& b) {
    if (!b.any) {
      if (!any) lead_space = lead_space || b.lead_space;
      trail_space = trail_space || b.lead_space || b.trail_space;
    } else if (!any) {
      bool lead = lead_space || trail_space || b.lead_space;
      chars = b.chars;
      runs = b.runs;
      lead_space = lead;
      trail_space = b.trail_space;
      any = true;
    } else {
      runs += b.runs + ((trail_space || b.lead_space) ? 1 : 0);
      chars += b.chars;
      trail_space = b.trail_space;
    }
    commas += b.commas;
    link += b.link;
    heading += b.heading;
    list += b.list;
    // Through a copy: `b` and this summary are both in the summary array, so
    // without it the compiler must assume they overlap and adds one by one.
    const std::array<uint32_t, cCountedTags> add = b.counts;
    for (size_t i = 0; i < counts.size(); ++i) counts[i] += add[i];
  }
};

struct MainContentFinder::Attempt {
  size_t text_length = 0;
  NodeId article = kNoNode;
  bool whole_page = false;
  uint32_t fired = 0;  // the flags that changed something (Grabber::fired)
};

struct MainContentFinder::State {
  std::vector<double> score;
  std::vector<uint8_t> scored;
  std::vector<uint8_t> data_table;
  std::vector<Summary> summary;
  // What is known of node i's subtree (Grabber::kSummed, kHasText, kNoText
  // or nothing); an edit forgets it for the nodes above (Invalidate).
  std::vector<uint8_t> valid;
  std::vector<NodeId> order;   // scratch for summary computation
  std::vector<uint8_t> removed;                   // PrepArticle: removed from the article
  std::vector<uint16_t> class_sets;               // per node, for all of a page's attempts
  // The pattern sets of class and id strings, across pages (Grabber::PartSets).
  struct PartSetsEntry {
    uint64_t hash = 0;
    uint8_t length = 0;  // 0: empty
    uint8_t sets = 0;
    char bytes[54];
  };
  static constexpr size_t kPartSetsEntries = 1024;  // a power of two
  std::vector<PartSetsEntry> part_sets;
  std::array<std::vector<NodeId>, 9> prep;        // PrepArticle: the article's elements by step
  std::string match;
  std::string scratch;
  uint64_t work = 0;
  uint64_t max_work = 0;
  std::string article_title;
  bool have_byline = false;
  Document parsed;  // the page as parsed, before any attempt edited it
  Document best;    // the tree of the longest attempt so far
  bool every_retry = false;

  void Reset(size_t nodes) {
    score.assign(nodes, 0.0);
    scored.assign(nodes, 0);
    data_table.assign(nodes, 0);
    summary.resize(nodes);
    valid.assign(nodes, 0);
    removed.assign(nodes, 0);
  }
};

// The per-attempt algorithm. Kept as one class so helpers share the document
// and the budget without threading them through every call.
class Grabber {
 public:
  Grabber(Document* doc, uint32_t flags, MainContentFinder::State* state)
      : d_(*doc),
        flags_(flags),
        st_(*state),
        score_(state->score),
        scored_(state->scored),
        data_table_(state->data_table),
        match_(state->match),
        scratch_(state->scratch),
        work_(state->work),
        max_work_(state->max_work),
        title_(state->article_title),
        have_byline_(state->have_byline) {}

  bool OverBudget() const { return work_ > max_work_; }

  bool whole_page() const { return whole_page_; }

  // The flags whose filter changed something in this attempt: a node removed
  // as unlikely, a non-zero class weight, a node cleaned conditionally. An
  // attempt without a flag that never fired here would do exactly the same
  // (the checks behind the flags only read the tree and fill caches).
  uint32_t fired() const { return fired_; }

  // Returns the article container, or kNoNode.
  NodeId Run() {
    page_ = d_.body();
    Prepare();
    std::vector<NodeId> to_score;
    Walk(&to_score);
    if (OverBudget()) return kNoNode;
    std::vector<NodeId> candidates;
    Score(to_score, &candidates);
    if (OverBudget()) return kNoNode;
    NodeId article = Choose(candidates);
    if (OverBudget() || article == kNoNode) return kNoNode;
    PrepArticle(article);
    return OverBudget() ? kNoNode : article;
  }

  size_t InnerLength(NodeId id) { return Sum(id).Length(); }

 private:
  // ------------------------------------------------------------- helpers --
  // Called before most reads of the per-node state: the check inline, the
  // growing (after an edit created nodes) out of line.
  void Grow() {
    if (score_.size() < d_.size() || st_.class_sets.size() < d_.size()) GrowTo();
  }
  [[gnu::noinline]] void GrowTo() {
    if (score_.size() < d_.size()) {
      score_.resize(d_.size(), 0.0);
      scored_.resize(d_.size(), 0);
      data_table_.resize(d_.size(), 0);
      st_.summary.resize(d_.size());
      st_.valid.resize(d_.size(), 0);
      st_.removed.resize(d_.size(), 0);
    }
    // Per page, not per attempt: reset by Find, grown like the others.
    if (st_.class_sets.size() < d_.size()) st_.class_sets.resize(d_.size(), 0);
  }

  const std::string& MatchString(const Node& n) {
    match_.clear();
    LowerInto(n.cls, &match_);
    match_.push_back(' ');
    LowerInto(n.id, &match_);
    return match_;
  }

  // The class-pattern sets of a node's class (bits 0-6) and id (bits 7-13).
  // Attributes never change and an attempt starts from a copy of the page's
  // parse, so node ids are the same in every attempt and a page's answers
  // are kept for all of its attempts (State::class_sets).
  static constexpr uint16_t kSetsKnown = 1u << 15;

  uint16_t ClassSets(NodeId id) {
    Grow();
    uint16_t& cached = st_.class_sets[id];
    if (cached & kSetsKnown) return cached;
    const Node& n = d_[id];
    uint16_t sets = kSetsKnown;
    int shift = 0;
    for (std::string_view part : {n.cls, n.id}) {
      if (!part.empty()) sets |= static_cast<uint16_t>(PartSets(part) << shift);
      shift += kClassSetBits;
    }
    cached = sets;
    return sets;
  }

  // The pattern sets of one class or id string. A site's pages use the same
  // few hundred class names on most of their elements, so short strings'
  // answers are kept across pages (State::part_sets, direct-mapped).
  uint8_t PartSets(std::string_view part) {
    using Entry = MainContentFinder::State::PartSetsEntry;
    const bool keep = part.size() <= sizeof(Entry::bytes);
    Entry* entry = nullptr;
    uint64_t hash = 0;
    if (keep) {
      if (st_.part_sets.empty()) st_.part_sets.resize(MainContentFinder::State::kPartSetsEntries);
      hash = Hash64Inline(part);
      entry = &st_.part_sets[hash & (st_.part_sets.size() - 1)];
      if (entry->hash == hash && entry->length == part.size() &&
          std::memcmp(entry->bytes, part.data(), part.size()) == 0) {
        return entry->sets;
      }
    }
    scratch_.clear();
    LowerInto(part, &scratch_);
    const uint8_t sets = Patterns().SetsIn(scratch_);
    if (keep) {
      entry->hash = hash;
      entry->length = static_cast<uint8_t>(part.size());
      entry->sets = sets;
      std::memcpy(entry->bytes, part.data(), part.size());
    }
    return sets;
  }

  // Readability tests "class id" as one string; no pattern has a space, so
  // that is the class or the id.
  bool ClassOrId(NodeId id, ClassSet set) {
    const uint16_t sets = ClassSets(id);
    return ((sets | sets >> kClassSetBits) & set) != 0;
  }

  // What st_.valid says of a node's subtree. kSummed: its summary is
  // current, and so are its descendants'. kNoText: it holds no text, and its
  // descendants are all known. kHasText: it holds text, and the nodes from
  // a witness (text, or a summary that says so) up to it are all known.
  // So an edit forgets enough by clearing the nodes above it up to the
  // first one with nothing known: past that, no summary covers the edit and
  // no witness can be in the edited subtree.
  static constexpr uint8_t kSummed = 1;
  static constexpr uint8_t kHasText = 2;
  static constexpr uint8_t kNoText = 3;

  // Tree edits go through these so cached summaries stay right: an edit
  // invalidates the summaries of the nodes above it, nothing else.
  void Invalidate(NodeId id) {
    for (NodeId p = id; p != kNoNode && p < st_.valid.size() && st_.valid[p]; p = d_[p].parent) st_.valid[p] = 0;
  }
  void Detach(NodeId id) {
    if (track_removed_) MarkRemoved(id);
    Invalidate(d_[id].parent);
    d_.Detach(id);
  }
  void AppendChild(NodeId parent, NodeId child) {
    Invalidate(d_[child].parent);
    Invalidate(parent);
    d_.AppendChild(parent, child);
  }
  void InsertBefore(NodeId parent, NodeId child, NodeId before) {
    Invalidate(d_[child].parent);
    Invalidate(parent);
    d_.InsertBefore(parent, child, before);
  }
  void SetTag(NodeId id, Tag tag) {
    Invalidate(id);
    d_[id].tag = tag;
  }
  NodeId CreateElement(Tag tag) {
    NodeId id = d_.CreateElement(tag);
    Grow();
    return id;
  }

  // Fills `s`, which is zero.
  static void TextSummary(std::string_view text, Summary* s) {
    TextMeasure m;
    m.Add(text);
    s->commas = static_cast<uint32_t>(m.commas);
    s->any = m.any;
    if (!text.empty()) {
      s->lead_space = IsSpace(text.front());
      s->trail_space = IsSpace(text.back());
    }
    if (m.any) {
      // m.length counts inner runs as one character each; split them out.
      s->runs = static_cast<uint32_t>(m.length - m.chars);
      s->chars = static_cast<uint32_t>(m.chars);
    }
  }

  // The summary of `id`'s subtree, computing only what an edit invalidated.
  const Summary& Sum(NodeId id) {
    Grow();
    if (st_.valid[id] == kSummed) return st_.summary[id];
    std::vector<NodeId>& order = st_.order;
    order.clear();
    for (NodeId n = id; n != kNoNode;) {
      order.push_back(n);
      ++work_;
      n = (st_.valid[n] != kSummed && d_[n].first_child != kNoNode) ? d_[n].first_child
                                                                    : d_.NextSkippingChildren(n, id);
    }
    for (size_t i = order.size(); i-- > 0;) {
      NodeId n = order[i];
      if (st_.valid[n] == kSummed) continue;
      const Node& node = d_[n];
      // Built in place: a summary built on the stack and copied was stored
      // field by field and loaded back 16 bytes at a time, and those loads
      // waited for the stores (a failed store-to-load forward per node).
      // Cleared by a copy of a zero summary: `Summary{}` compiles to `rep
      // stosq`, whose start-up cost was a fifth of this function's time.
      Summary& s = st_.summary[n];
      static constexpr Summary kZero{};
      std::memcpy(&s, &kZero, sizeof(Summary));
      if (node.tag == Tag::kText) {
        TextSummary(node.text, &s);
      } else {
        for (NodeId c = node.first_child; c != kNoNode; c = d_[c].next) s.Append(st_.summary[c]);
        int counted = CountedIndex(node.tag);
        if (counted >= 0) ++s.counts[static_cast<size_t>(counted)];
        double length = static_cast<double>(s.Length());
        if (node.tag == Tag::kA) {
          const std::string_view href = d_.extras(n).href;
          s.link += length * (href.size() > 1 && href[0] == '#' ? 0.3 : 1.0);
        }
        if (HasFlag(node.tag, kHeading)) s.heading += length;
        if (node.tag == Tag::kUl || node.tag == Tag::kOl) s.list += length;
      }
      st_.valid[n] = kSummed;
    }
    return st_.summary[id];
  }

  // Sum over the children: the values of the descendants, not the node itself
  // (as getElementsByTagName and Readability's link density see them).
  template <typename F>
  double OverChildren(NodeId id, F f) {
    Sum(id);
    double total = 0;
    for (NodeId c = d_[id].first_child; c != kNoNode; c = d_[c].next) total += f(st_.summary[c]);
    return total;
  }

  TextMeasure Measure(NodeId id) {
    TextMeasure m;
    const Node& root = d_[id];
    if (root.tag == Tag::kText) {
      m.Add(root.text);
      return m;
    }
    for (NodeId n = root.first_child; n != kNoNode; n = d_.NextInOrder(n, id)) {
      ++work_;
      if (d_[n].tag == Tag::kText) m.Add(d_[n].text);
    }
    return m;
  }

  // Element children, in order.
  template <typename F>
  void ForEachElementChild(NodeId id, F f) {
    for (NodeId c = d_[id].first_child; c != kNoNode;) {
      NodeId next = d_[c].next;
      if (d_[c].IsElement()) f(c);
      c = next;
    }
  }

  size_t ElementChildCount(NodeId id) {
    size_t n = 0;
    ForEachElementChild(id, [&](NodeId) { ++n; });
    return n;
  }

  NodeId FirstElementChild(NodeId id) {
    for (NodeId c = d_[id].first_child; c != kNoNode; c = d_[c].next) {
      if (d_[c].IsElement()) return c;
    }
    return kNoNode;
  }

  NodeId NextElementSibling(NodeId id) {
    for (NodeId c = d_[id].next; c != kNoNode; c = d_[c].next) {
      if (d_[c].IsElement()) return c;
    }
    return kNoNode;
  }

  // Readability's _getNextNode: elements only, pre-order.
  NodeId NextNode(NodeId id, bool skip_children) {
    ++work_;
    if (!skip_children) {
      NodeId c = FirstElementChild(id);
      if (c != kNoNode) return c;
    }
    NodeId s = NextElementSibling(id);
    if (s != kNoNode) return s;
    for (NodeId p = d_[id].parent; p != kNoNode; p = d_[p].parent) {
      NodeId ps = NextElementSibling(p);
      if (ps != kNoNode) return ps;
    }
    return kNoNode;
  }

  NodeId RemoveAndGetNext(NodeId id) {
    NodeId next = NextNode(id, true);
    Detach(id);
    return next;
  }

  // All descendants with one of `tags`, in document order.
  void Collect(NodeId root, std::initializer_list<Tag> tags, std::vector<NodeId>* out) {
    out->clear();
    for (NodeId n = d_[root].first_child; n != kNoNode; n = d_.NextInOrder(n, root)) {
      ++work_;
      for (Tag t : tags) {
        if (d_[n].tag == t) {
          out->push_back(n);
          break;
        }
      }
    }
  }

  size_t CountTag(NodeId root, Tag tag) {
    int counted = CountedIndex(tag);
    if (counted >= 0) {
      return static_cast<size_t>(
          OverChildren(root, [&](const Summary& s) { return s.counts[static_cast<size_t>(counted)]; }));
    }
    size_t count = 0;
    for (NodeId n = d_[root].first_child; n != kNoNode; n = d_.NextInOrder(n, root)) {
      ++work_;
      if (d_[n].tag == tag) ++count;
    }
    return count;
  }

  bool HasAncestorTag(NodeId id, Tag tag, int max_depth, bool need_data_table = false) {
    int depth = 0;
    for (NodeId p = d_[id].parent; p != kNoNode; p = d_[p].parent) {
      if (max_depth > 0 && depth > max_depth) return false;
      if (d_[p].tag == tag && (!need_data_table || (p < data_table_.size() && data_table_[p]))) return true;
      ++depth;
    }
    return false;
  }

  double LinkDensity(NodeId id) {
    size_t text = InnerLength(id);
    if (text == 0) return 0;
    return OverChildren(id, [](const Summary& s) { return s.link; }) / static_cast<double>(text);
  }

  int ClassWeight(NodeId id) {
    if (!(flags_ & kWeightClasses)) return 0;
    const uint16_t sets = ClassSets(id);
    int weight = 0;
    for (int part : {0, kClassSetBits}) {
      if (sets >> part & sNegative) weight -= 25;
      if (sets >> part & sPositive) weight += 25;
    }
    if (weight != 0) fired_ |= kWeightClasses;
    return weight;
  }

  void Initialize(NodeId id) {
    Grow();
    scored_[id] = 1;
    double s = 0;
    switch (d_[id].tag) {
      case Tag::kDiv: s = 5; break;
      case Tag::kPre: case Tag::kTd: case Tag::kBlockquote: s = 3; break;
      case Tag::kAddress: case Tag::kOl: case Tag::kUl: case Tag::kDl: case Tag::kDd: case Tag::kDt: case Tag::kLi:
      case Tag::kForm: s = -3; break;
      case Tag::kH1: case Tag::kH2: case Tag::kH3: case Tag::kH4: case Tag::kH5: case Tag::kH6: case Tag::kTh:
        s = -5; break;
      default: break;
    }
    score_[id] = s + ClassWeight(id);
  }

  bool IsScored(NodeId id) const { return id < scored_.size() && scored_[id] != 0; }

  bool IsWhitespaceNode(NodeId id) {
    const Node& n = d_[id];
    if (n.tag == Tag::kText) {
      for (char c : n.text) {
        if (!IsSpace(c)) return false;
      }
      return true;
    }
    return n.tag == Tag::kBr;
  }

  bool IsPhrasing(NodeId id) {
    const Node& n = d_[id];
    if (n.tag == Tag::kText || PhrasingTag(n.tag)) return true;
    if (n.tag == Tag::kA || n.tag == Tag::kDel || n.tag == Tag::kIns) {
      for (NodeId c = n.first_child; c != kNoNode; c = d_[c].next) {
        ++work_;
        if (!IsPhrasing(c)) return false;
      }
      return true;
    }
    return false;
  }

  bool HasChildBlockElement(NodeId id) {
    for (NodeId c = d_[id].first_child; c != kNoNode; c = d_[c].next) {
      ++work_;
      if (DivToPElement(d_[c].tag) || HasChildBlockElement(c)) return true;
    }
    return false;
  }

  bool HasSingleTagInside(NodeId id, Tag tag) {
    if (ElementChildCount(id) != 1 || d_[FirstElementChild(id)].tag != tag) return false;
    for (NodeId c = d_[id].first_child; c != kNoNode; c = d_[c].next) {
      if (d_[c].tag != Tag::kText) continue;
      std::string_view t = d_[c].text;
      if (!t.empty() && !IsSpace(t.back())) return false;  // /\S$/
    }
    return true;
  }

  // Sum(id).any, without summing: the walk detection makes over the page
  // asks this of most containers, and needs no more than the first text in
  // each. Stops at the first text in document order, and remembers what it
  // saw (kHasText up from the text, kNoText for subtrees without any), so
  // nested containers do not read the same nodes again.
  bool HasText(NodeId id) {
    Grow();
    if (st_.valid[id] == kSummed) return st_.summary[id].any;
    if (st_.valid[id] != 0) return st_.valid[id] == kHasText;
    for (NodeId n = id;;) {
      ++work_;
      const uint8_t known = st_.valid[n];
      const Node& node = d_[n];
      bool text = false;
      if (known == kSummed) {
        text = st_.summary[n].any;
      } else if (known != 0) {
        text = known == kHasText;
      } else if (node.tag == Tag::kText) {
        text = HasCharacter(node.text);
      } else if (node.first_child != kNoNode) {
        n = node.first_child;  // not known: look inside
        continue;
      }
      if (text) {
        // The nodes entered on the way here were all unknown.
        for (NodeId p = n;; p = d_[p].parent) {
          if (st_.valid[p] == 0) st_.valid[p] = kHasText;
          if (p == id) return true;
        }
      }
      // n's subtree holds no text; so does that of each parent whose last
      // child this is.
      if (known == 0) st_.valid[n] = kNoText;
      while (n != id && d_[n].next == kNoNode) {
        n = d_[n].parent;
        st_.valid[n] = kNoText;
      }
      if (n == id) return false;
      n = d_[n].next;
    }
  }

  // A character other than white space (TextMeasure's `any`).
  static bool HasCharacter(std::string_view text) {
    for (char c : text) {
      if (!IsSpace(c) && (static_cast<unsigned char>(c) & 0xC0) != 0x80) return true;
    }
    return false;
  }

  bool WithoutContent(NodeId id) {
    if (HasText(id)) return false;
    size_t children = ElementChildCount(id);
    if (children == 0) return true;
    return children == CountTag(id, Tag::kBr) + CountTag(id, Tag::kHr);
  }

  void ReplaceWith(NodeId old_node, NodeId new_node) {
    NodeId parent = d_[old_node].parent;
    if (parent == kNoNode) return;
    InsertBefore(parent, new_node, old_node);
    Detach(old_node);
  }

  static std::vector<std::string> AsciiWords(std::string_view s) {
    std::vector<std::string> words;
    std::string cur;
    for (char c : s) {
      if (IsWordAscii(c)) {
        cur.push_back(Lower(c));
      } else if (!cur.empty()) {
        words.push_back(std::move(cur));
        cur.clear();
      }
    }
    if (!cur.empty()) words.push_back(std::move(cur));
    return words;
  }

  // Readability's _textSimilarity: share of b's text made of tokens also in a.
  static double TextSimilarity(std::string_view a, std::string_view b) {
    std::vector<std::string> ta = AsciiWords(a), tb = AsciiWords(b);
    if (ta.empty() || tb.empty()) return 0;
    size_t total = 0, uniq = 0;
    size_t uniq_count = 0;
    for (size_t i = 0; i < tb.size(); ++i) {
      total += tb[i].size() + (i > 0 ? 1 : 0);
      if (std::find(ta.begin(), ta.end(), tb[i]) == ta.end()) {
        uniq += tb[i].size() + (uniq_count > 0 ? 1 : 0);
        ++uniq_count;
      }
    }
    return 1.0 - static_cast<double>(uniq) / static_cast<double>(total);
  }

  std::string RawInnerText(NodeId id) {
    std::string out;
    for (NodeId n = d_[id].first_child; n != kNoNode; n = d_.NextInOrder(n, id)) {
      ++work_;
      if (d_[n].tag == Tag::kText) out.append(d_[n].text);
    }
    std::string collapsed;
    CollapseText(out, &collapsed);
    return collapsed;
  }

  // ------------------------------------------------------------- prepare --
  // Two or more <br> in a row end a paragraph: wrap the phrasing content that
  // follows the first in a <p> (Readability's _replaceBrs).
  NodeId NextNonWhitespace(NodeId id) {
    while (id != kNoNode && !d_[id].IsElement() && IsWhitespaceNode(id)) id = d_[id].next;
    return id;
  }

  void Prepare() {
    std::vector<NodeId> brs;
    Collect(page_, {Tag::kBr}, &brs);
    for (NodeId br : brs) {
      if (d_[br].parent == kNoNode) continue;
      NodeId next = d_[br].next;
      bool replaced = false;
      while ((next = NextNonWhitespace(next)) != kNoNode && d_[next].tag == Tag::kBr) {
        replaced = true;
        NodeId after = d_[next].next;
        Detach(next);
        next = after;
      }
      if (!replaced) continue;
      NodeId parent = d_[br].parent;
      NodeId p = CreateElement(Tag::kP);
      InsertBefore(parent, p, br);
      Detach(br);
      next = d_[p].next;
      while (next != kNoNode) {
        ++work_;
        if (d_[next].tag == Tag::kBr) {
          NodeId following = NextNonWhitespace(d_[next].next);
          if (following != kNoNode && d_[following].tag == Tag::kBr) break;
        }
        if (!IsPhrasing(next)) break;
        NodeId sibling = d_[next].next;
        AppendChild(p, next);
        next = sibling;
      }
      while (d_[p].last_child != kNoNode && IsWhitespaceNode(d_[p].last_child)) Detach(d_[p].last_child);
      if (d_[parent].tag == Tag::kP) SetTag(parent, Tag::kDiv);
    }
  }

  // ---------------------------------------------------------------- walk --
  bool CheckByline(NodeId id) {
    if (have_byline_) return false;
    const NodeExtras& extras = d_.extras(id);
    bool author =
        extras.rel == "author" || extras.itemprop.find("author") != std::string_view::npos || ClassOrId(id, sByline);
    if (!author) return false;
    size_t len = InnerLength(id);
    if (len == 0 || len >= 100) return false;
    have_byline_ = true;
    return true;
  }

  bool HeaderDuplicatesTitle(NodeId id) {
    Tag t = d_[id].tag;
    if (t != Tag::kH1 && t != Tag::kH2) return false;
    return TextSimilarity(title_, RawInnerText(id)) > 0.75;
  }

  void Walk(std::vector<NodeId>* to_score) {
    bool remove_title_header = true;
    NodeId node = d_.root();
    while (node != kNoNode && !OverBudget()) {
      Node& n = d_[node];
      if (n.tag == Tag::kDocument) {
        node = NextNode(node, false);
        continue;
      }
      bool aria_fallback = (n.flags & kAriaHidden) && ClassOrId(node, sFallback);
      bool hidden = (n.flags & (kHiddenAttr | kStyleHidden)) || ((n.flags & kAriaHidden) && !aria_fallback);
      if (hidden) {
        node = RemoveAndGetNext(node);
        continue;
      }
      if ((n.flags & kAriaModal) && d_.extras(node).role == "dialog") {
        node = RemoveAndGetNext(node);
        continue;
      }
      if (CheckByline(node)) {
        node = RemoveAndGetNext(node);
        continue;
      }
      if (remove_title_header && HeaderDuplicatesTitle(node)) {
        remove_title_header = false;
        node = RemoveAndGetNext(node);
        continue;
      }
      if (flags_ & kStripUnlikely) {
        if (ClassOrId(node, sUnlikely) && !ClassOrId(node, sMaybeCandidate) && !HasAncestorTag(node, Tag::kTable, 3) &&
            !HasAncestorTag(node, Tag::kCode, 3) && n.tag != Tag::kBody && n.tag != Tag::kA) {
          fired_ |= kStripUnlikely;
          node = RemoveAndGetNext(node);
          continue;
        }
        if (UnlikelyRole(d_.extras(node).role)) {
          fired_ |= kStripUnlikely;
          node = RemoveAndGetNext(node);
          continue;
        }
      }
      Tag t = n.tag;
      if ((t == Tag::kDiv || t == Tag::kSection || t == Tag::kHeader || HasFlag(t, kHeading)) &&
          WithoutContent(node)) {
        node = RemoveAndGetNext(node);
        continue;
      }
      if (TagToScore(t)) to_score->push_back(node);
      if (t == Tag::kDiv) node = DivToParagraphs(node, to_score);
      node = NextNode(node, false);
    }
  }

  NodeId DivToParagraphs(NodeId node, std::vector<NodeId>* to_score) {
    NodeId p = kNoNode;
    for (NodeId child = d_[node].first_child; child != kNoNode;) {
      ++work_;
      NodeId next = d_[child].next;
      if (IsPhrasing(child)) {
        if (p != kNoNode) {
          AppendChild(p, child);
        } else if (!IsWhitespaceNode(child)) {
          p = CreateElement(Tag::kP);
          InsertBefore(node, p, child);
          AppendChild(p, child);
        }
      } else if (p != kNoNode) {
        while (d_[p].last_child != kNoNode && IsWhitespaceNode(d_[p].last_child)) Detach(d_[p].last_child);
        p = kNoNode;
      }
      child = next;
    }
    if (HasSingleTagInside(node, Tag::kP) && LinkDensity(node) < 0.25) {
      NodeId inner = FirstElementChild(node);
      ReplaceWith(node, inner);
      to_score->push_back(inner);
      return inner;
    }
    if (!HasChildBlockElement(node)) {
      SetTag(node, Tag::kP);
      to_score->push_back(node);
    }
    return node;
  }

  // --------------------------------------------------------------- score --
  // True for the elements Readability would see as having a tagName and a
  // parent with one: anything attached below the root.
  bool Attached(NodeId id) const { return d_[id].parent != kNoNode; }

  void Score(const std::vector<NodeId>& to_score, std::vector<NodeId>* candidates) {
    Grow();
    for (NodeId e : to_score) {
      if (OverBudget()) return;
      if (!Attached(e)) continue;
      const Summary& m = Sum(e);
      double length = static_cast<double>(m.Length());
      if (length < 25) continue;
      double content = 1.0 + static_cast<double>(m.commas + 1) + std::min(std::floor(length / 100.0), 3.0);
      NodeId ancestor = d_[e].parent;
      for (int level = 0; level < 5 && ancestor != kNoNode; ++level, ancestor = d_[ancestor].parent) {
        if (d_[ancestor].parent == kNoNode) break;  // the root: Readability's <html>
        if (!IsScored(ancestor)) {
          Initialize(ancestor);
          candidates->push_back(ancestor);
        }
        double divider = level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0;
        score_[ancestor] += content / divider;
      }
    }
  }

  bool IsPageRoot(NodeId id) const { return id == page_ || d_[id].tag == Tag::kBody || d_[id].parent == kNoNode; }

  std::vector<NodeId> Ancestors(NodeId id) {
    std::vector<NodeId> out;
    for (NodeId p = d_[id].parent; p != kNoNode; p = d_[p].parent) out.push_back(p);
    return out;
  }

  NodeId Choose(const std::vector<NodeId>& candidates) {
    std::vector<NodeId> top;
    for (NodeId c : candidates) {
      if (OverBudget()) return kNoNode;
      score_[c] *= 1.0 - LinkDensity(c);
      for (size_t t = 0; t < kTopCandidates; ++t) {
        if (t >= top.size() || score_[c] > score_[top[t]]) {
          top.insert(top.begin() + static_cast<std::ptrdiff_t>(t), c);
          if (top.size() > kTopCandidates) top.pop_back();
          break;
        }
      }
    }

    NodeId best = top.empty() ? kNoNode : top[0];
    if (best == kNoNode || d_[best].tag == Tag::kBody) {
      // No candidate: the whole page is the article.
      whole_page_ = true;
      best = CreateElement(Tag::kDiv);
      while (d_[page_].first_child != kNoNode) AppendChild(best, d_[page_].first_child);
      AppendChild(page_, best);
      Initialize(best);
    } else {
      std::vector<std::vector<NodeId>> alternatives;
      for (size_t i = 1; i < top.size(); ++i) {
        if (score_[best] != 0 && score_[top[i]] / score_[best] >= 0.75) alternatives.push_back(Ancestors(top[i]));
      }
      if (alternatives.size() >= 3) {
        for (NodeId p = d_[best].parent; p != kNoNode && !IsPageRoot(p); p = d_[p].parent) {
          size_t lists = 0;
          for (const auto& a : alternatives) {
            if (std::find(a.begin(), a.end(), p) != a.end()) ++lists;
          }
          if (lists >= 3) {
            best = p;
            break;
          }
        }
      }
      if (!IsScored(best)) Initialize(best);
      double last = score_[best];
      double threshold = last / 3;
      for (NodeId p = d_[best].parent; p != kNoNode && !IsPageRoot(p); p = d_[p].parent) {
        if (!IsScored(p)) continue;
        if (score_[p] < threshold) break;
        if (score_[p] > last) {
          best = p;
          break;
        }
        last = score_[p];
      }
      for (NodeId p = d_[best].parent; p != kNoNode && !IsPageRoot(p) && ElementChildCount(p) == 1;
           p = d_[best].parent) {
        best = p;
      }
      if (!IsScored(best)) Initialize(best);
    }

    NodeId article = CreateElement(Tag::kDiv);
    double sibling_threshold = std::max(10.0, score_[best] * 0.2);
    NodeId parent = d_[best].parent;
    if (parent == kNoNode) {
      AppendChild(article, best);
      return article;
    }
    std::vector<NodeId> siblings;
    ForEachElementChild(parent, [&](NodeId s) { siblings.push_back(s); });
    for (NodeId s : siblings) {
      bool append = s == best;
      if (!append) {
        double bonus = 0;
        if (!d_[best].cls.empty() && d_[s].cls == d_[best].cls) bonus += score_[best] * 0.2;
        if (IsScored(s) && score_[s] + bonus >= sibling_threshold) {
          append = true;
        } else if (d_[s].tag == Tag::kP) {
          double density = LinkDensity(s);
          TextMeasure m = Measure(s);
          if (m.length > 80 && density < 0.25) {
            append = true;
          } else if (m.length < 80 && m.length > 0 && density == 0 && m.EndsSentence()) {
            append = true;
          }
        }
      }
      if (append) {
        Tag t = d_[s].tag;
        if (t != Tag::kDiv && t != Tag::kArticle && t != Tag::kSection && t != Tag::kP) SetTag(s, Tag::kDiv);
        AppendChild(article, s);
      }
    }
    return article;
  }

  // --------------------------------------------------------------- clean --
  // PrepArticle's steps each look at the article's elements of a few tags,
  // and they only remove nodes. So one walk files the article's elements by
  // tag (document order), and a step takes the ones not removed since:
  // Detach marks a removed subtree once, so that test is a load, where a
  // walk per step (ten of them) was most of the cleaning's time.
  enum PrepSet : uint8_t { pTable, pForm, pFieldset, pRemoved1, pRemoved2, pHeader, pUl, pDiv, pP, pNone };

  static_assert(pNone == std::tuple_size_v<decltype(MainContentFinder::State::prep)>);

  static PrepSet PrepSetOf(Tag t) {
    switch (t) {
      case Tag::kTable: return pTable;
      case Tag::kForm: return pForm;
      case Tag::kFieldset: return pFieldset;
      case Tag::kObject: case Tag::kEmbed: case Tag::kFooter: case Tag::kLink: case Tag::kAside: return pRemoved1;
      case Tag::kIframe: case Tag::kInput: case Tag::kTextarea: case Tag::kSelect: case Tag::kButton:
        return pRemoved2;
      case Tag::kH1: case Tag::kH2: return pHeader;
      case Tag::kUl: return pUl;
      case Tag::kDiv: return pDiv;
      case Tag::kP: return pP;
      default: return pNone;
    }
  }

  void FilePrepSets(NodeId article) {
    for (std::vector<NodeId>& set : st_.prep) set.clear();
    for (NodeId n = d_[article].first_child; n != kNoNode; n = d_.NextInOrder(n, article)) {
      ++work_;
      const PrepSet set = PrepSetOf(d_[n].tag);
      if (set != pNone) st_.prep[set].push_back(n);
    }
  }

  // The nodes of `set` still in the article, in document order.
  const std::vector<NodeId>& Live(PrepSet set) {
    std::vector<NodeId>& nodes = st_.prep[set];
    nodes.erase(std::remove_if(nodes.begin(), nodes.end(), [&](NodeId n) { return st_.removed[n] != 0; }),
                nodes.end());
    return nodes;
  }

  void MarkRemoved(NodeId id) {
    Grow();
    if (st_.removed[id]) return;
    for (NodeId n = id; n != kNoNode; n = d_.NextInOrder(n, id)) {
      ++work_;
      st_.removed[n] = 1;
    }
  }

  // Removes the nodes of `set` still in the article.
  void RemoveAll(PrepSet set) {
    for (NodeId n : Live(set)) Detach(n);
  }

  void MarkDataTables() {
    Grow();
    for (NodeId t : Live(pTable)) {
      bool data = false;
      if (d_.extras(t).role == "presentation") {
        data = false;
      } else if (CountTag(t, Tag::kCaption) > 0 || CountTag(t, Tag::kCol) > 0 || CountTag(t, Tag::kColgroup) > 0 ||
                 CountTag(t, Tag::kTfoot) > 0 || CountTag(t, Tag::kThead) > 0 || CountTag(t, Tag::kTh) > 0) {
        data = true;
      } else if (CountTag(t, Tag::kTable) > 0) {
        data = false;
      } else {
        size_t rows = 0, columns = 0;
        std::vector<NodeId> trs;
        Collect(t, {Tag::kTr}, &trs);
        for (NodeId tr : trs) {
          ++rows;
          size_t cells = 0;
          ForEachElementChild(tr, [&](NodeId c) {
            if (HasFlag(d_[c].tag, kTableCell)) ++cells;
          });
          columns = std::max(columns, cells);
        }
        data = rows >= 10 || columns > 4 || rows * columns > 10;
      }
      data_table_[t] = data ? 1 : 0;
    }
  }

  // Share of the text inside headings.
  double HeadingDensity(NodeId id) {
    size_t text = InnerLength(id);
    if (text == 0) return 0;
    return OverChildren(id, [](const Summary& s) { return s.heading; }) / static_cast<double>(text);
  }

  bool ShouldCleanConditionally(NodeId node, Tag tag) {
    bool is_list = tag == Tag::kUl || tag == Tag::kOl;
    const Summary whole = Sum(node);
    double whole_length = static_cast<double>(whole.Length());
    if (!is_list) {
      double list_length = OverChildren(node, [](const Summary& s) { return s.list; });
      is_list = whole_length > 0 && list_length / whole_length > 0.9;
    }
    if (tag == Tag::kTable && data_table_[node]) return false;
    if (HasAncestorTag(node, Tag::kTable, -1, /*need_data_table=*/true)) return false;
    if (HasAncestorTag(node, Tag::kCode, 3)) return false;
    int weight = ClassWeight(node);
    if (weight < 0) return true;
    if (whole.commas >= 10) return false;
    double p = static_cast<double>(CountTag(node, Tag::kP));
    double img = static_cast<double>(CountTag(node, Tag::kImg));
    double li_total = static_cast<double>(CountTag(node, Tag::kLi));
    double li = li_total - 100;
    double input = static_cast<double>(CountTag(node, Tag::kInput));
    double heading_density = HeadingDensity(node);
    double embeds = static_cast<double>(CountTag(node, Tag::kObject) + CountTag(node, Tag::kEmbed) +
                                        CountTag(node, Tag::kIframe));
    double link_density = LinkDensity(node);
    double length = whole_length;
    bool in_figure = HasAncestorTag(node, Tag::kFigure, 3);
    bool remove = (img > 1 && p / img < 0.5 && !in_figure) || (!is_list && li > p) ||
                  (input > std::floor(p / 3)) ||
                  (!is_list && heading_density < 0.9 && length < 25 && (img == 0 || img > 2) && !in_figure) ||
                  (!is_list && weight < 25 && link_density > 0.2) || (weight >= 25 && link_density > 0.5) ||
                  ((embeds == 1 && length < 75) || embeds > 1);
    if (is_list && remove) {
      bool simple = true;
      ForEachElementChild(node, [&](NodeId c) {
        if (ElementChildCount(c) > 1) simple = false;
      });
      if (simple && img == li_total) return false;  // a list of images
    }
    return remove;
  }

  void CleanConditionally(PrepSet set, Tag tag) {
    if (!(flags_ & kCleanConditionally)) return;
    const std::vector<NodeId>& nodes = Live(set);
    for (size_t i = nodes.size(); i-- > 0;) {
      if (OverBudget()) return;
      if (ShouldCleanConditionally(nodes[i], tag)) {
        fired_ |= kCleanConditionally;
        Detach(nodes[i]);
      }
    }
  }

  void CleanMatchedShare(NodeId top) {
    NodeId end = NextNode(top, true);
    NodeId next = NextNode(top, false);
    while (next != kNoNode && next != end && !OverBudget()) {
      if (ClassOrId(next, sShare) && ShareElement(MatchString(d_[next])) && InnerLength(next) < kCharThreshold) {
        next = RemoveAndGetNext(next);
      } else {
        next = NextNode(next, false);
      }
    }
  }

  void PrepArticle(NodeId article) {
    Grow();
    FilePrepSets(article);
    track_removed_ = true;
    MarkDataTables();
    CleanConditionally(pForm, Tag::kForm);
    CleanConditionally(pFieldset, Tag::kFieldset);
    RemoveAll(pRemoved1);
    std::vector<NodeId> tops;
    ForEachElementChild(article, [&](NodeId c) { tops.push_back(c); });
    for (NodeId c : tops) CleanMatchedShare(c);
    RemoveAll(pRemoved2);
    const std::vector<NodeId>& headers = Live(pHeader);
    for (size_t i = headers.size(); i-- > 0;) {
      if (ClassWeight(headers[i]) < 0) Detach(headers[i]);
    }
    CleanConditionally(pTable, Tag::kTable);
    CleanConditionally(pUl, Tag::kUl);
    CleanConditionally(pDiv, Tag::kDiv);
    const std::vector<NodeId>& paragraphs = Live(pP);
    for (size_t i = paragraphs.size(); i-- > 0;) {
      NodeId p = paragraphs[i];
      size_t media = CountTag(p, Tag::kImg) + CountTag(p, Tag::kEmbed) + CountTag(p, Tag::kObject) +
                     CountTag(p, Tag::kIframe);
      if (media == 0 && InnerLength(p) == 0) Detach(p);
    }
    track_removed_ = false;
  }

  Document& d_;
  uint32_t flags_;
  MainContentFinder::State& st_;
  std::vector<double>& score_;
  std::vector<uint8_t>& scored_;
  std::vector<uint8_t>& data_table_;
  std::string& match_;
  std::string& scratch_;
  uint64_t& work_;
  uint64_t max_work_;
  const std::string& title_;
  bool& have_byline_;
  NodeId page_ = 0;
  bool whole_page_ = false;
  bool track_removed_ = false;  // PrepArticle: Detach marks st_.removed
  uint32_t fired_ = 0;
};

namespace {

size_t WordCount(std::string_view s) {
  size_t n = 0;
  bool in = false;
  for (char c : s) {
    if (IsSpace(c)) {
      in = false;
    } else if (!in) {
      in = true;
      ++n;
    }
  }
  return std::max<size_t>(n, 1);  // "".split(/\s+/).length == 1
}

bool IsSeparator(std::string_view s, size_t i, size_t* len) {
  // | - – — \ / > »
  static constexpr std::string_view kSeps[] = {"|", "-", "\xE2\x80\x93", "\xE2\x80\x94", "\\", "/", ">",
                                               "\xC2\xBB"};
  for (std::string_view sep : kSeps) {
    if (s.compare(i, sep.size(), sep) == 0) {
      *len = sep.size();
      return true;
    }
  }
  return false;
}

bool IsHierarchicalSeparator(std::string_view s, size_t i) {
  return s.compare(i, 1, "\\") == 0 || s.compare(i, 1, "/") == 0 || s.compare(i, 1, ">") == 0 ||
         s.compare(i, 2, "\xC2\xBB") == 0;
}

// Texts of the document's elements with `tag`, whitespace-collapsed.
std::vector<std::string> TextsOf(const Document& doc, Tag tag) {
  std::vector<std::string> out;
  for (NodeId n = doc.root(); n != kNoNode; n = doc.NextInOrder(n, doc.root())) {
    if (doc[n].tag != tag) continue;
    std::string raw;
    for (NodeId t = doc[n].first_child; t != kNoNode; t = doc.NextInOrder(t, n)) {
      if (doc[t].tag == Tag::kText) raw.append(doc[t].text);
    }
    std::string text;
    CollapseText(raw, &text);
    out.push_back(std::move(text));
  }
  return out;
}

// Readability's article title: the <meta> title if there is one, else the
// <title> with site names split off at separators (_getArticleTitle).
std::string ArticleTitle(const Document& doc) {
  std::string orig;
  CollapseText(doc.meta_title().empty() ? doc.title() : doc.meta_title(), &orig);
  if (!doc.meta_title().empty()) return orig;
  std::string cur = orig;
  bool hierarchical = false;
  size_t last = std::string::npos;  // last " sep " (separator surrounded by spaces)
  for (size_t i = 1; i + 1 < orig.size(); ++i) {
    size_t len = 0;
    if (orig[i - 1] == ' ' && IsSeparator(orig, i, &len) && i + len < orig.size() && orig[i + len] == ' ') {
      last = i - 1;
      if (IsHierarchicalSeparator(orig, i)) hierarchical = true;
    }
  }
  if (last != std::string::npos) {
    cur = orig.substr(0, last);
    if (WordCount(cur) < 3) {
      // Everything after the first separator character.
      for (size_t i = 0; i < orig.size(); ++i) {
        size_t len = 0;
        if (IsSeparator(orig, i, &len)) {
          cur = orig.substr(i + len);
          break;
        }
      }
    }
  } else if (orig.find(": ") != std::string::npos) {
    bool heading_is_title = false;
    for (Tag t : {Tag::kH1, Tag::kH2}) {
      for (const std::string& h : TextsOf(doc, t)) heading_is_title |= h == orig;
    }
    if (!heading_is_title) {
      cur = orig.substr(orig.rfind(':') + 1);
      if (WordCount(cur) < 3) {
        cur = orig.substr(orig.find(':') + 1);
      } else if (WordCount(orig.substr(0, orig.find(':'))) > 5) {
        cur = orig;
      }
    }
  } else if (orig.size() > 150 || orig.size() < 15) {
    std::vector<std::string> h1 = TextsOf(doc, Tag::kH1);
    if (h1.size() == 1) cur = h1[0];
  }
  CollapseText(std::string(cur), &cur);
  size_t words = WordCount(cur);
  if (words <= 4) {
    std::string without;
    for (size_t i = 0; i < orig.size(); ++i) {
      size_t len = 0;
      if (IsSeparator(orig, i, &len)) {
        i += len - 1;
        continue;
      }
      without.push_back(orig[i]);
    }
    if (!hierarchical || words != WordCount(without) - 1) cur = orig;
  }
  return cur;
}

}  // namespace

MainContentFinder::MainContentFinder() : state_(std::make_unique<State>()) {}
MainContentFinder::~MainContentFinder() = default;

uint64_t MainContentFinder::work() const { return state_->work; }

void MainContentFinder::set_run_every_retry(bool every) { state_->every_retry = every; }

const Document& MainContentFinder::parsed() const { return state_->parsed; }

bool MainContentFinder::Grab(Document* doc, uint32_t flags, Attempt* out) {
  state_->Reset(doc->size());
  Grabber g(doc, flags, state_.get());
  NodeId article = g.Run();
  out->fired = g.fired();
  if (g.OverBudget() || article == kNoNode) return false;
  out->article = article;
  out->text_length = g.InnerLength(article);
  out->whole_page = g.whole_page();
  return true;
}

MainContentResult MainContentFinder::Find(std::string_view html, const ParseOptions& parse, uint64_t max_work,
                                          Document* doc) {
  State& st = *state_;
  MainContentResult result;
  st.work = 0;
  st.max_work = max_work;
  st.have_byline = false;
  doc->Parse(html, parse);
  st.class_sets.assign(doc->size(), 0);
  // Attempts edit the tree; each later one starts from a copy of the parse
  // (nodes hold views into `html`, so a copy is the same tree, and far
  // cheaper than parsing again).
  st.parsed = *doc;
  st.article_title = ArticleTitle(*doc);
  result.title = st.article_title;

  // Attempts with fewer and fewer filters, as Readability retries. An
  // attempt that would repeat the last one exactly is not run: the flags it
  // drops never fired there and the byline it starts from is the same (the
  // byline found in one attempt stays found in the next, as in Readability).
  // Skipped attempts cost no work.
  const uint32_t kAttempts[] = {kAllFlags, kAllFlags & ~kStripUnlikely, kCleanConditionally, 0};
  bool have_best = false;
  Attempt best;
  bool ran = false;
  uint32_t last_flags = 0, last_fired = 0;
  bool last_byline = false;  // have_byline when the last attempt started
  for (const uint32_t flags : kAttempts) {
    if (ran && !st.every_retry && (last_flags & ~flags & last_fired) == 0 && last_byline == st.have_byline) continue;
    if (ran) *doc = st.parsed;
    ran = true;
    last_flags = flags;
    last_byline = st.have_byline;
    Attempt attempt;
    const bool grabbed = Grab(doc, flags, &attempt);
    last_fired = attempt.fired;
    if (!grabbed) {
      result.over_budget = st.work > st.max_work;
      if (result.over_budget) return result;
      continue;
    }
    if (attempt.text_length >= kCharThreshold) {
      result.found = true;
      result.article = attempt.article;
      result.whole_page = attempt.whole_page;
      return result;
    }
    if (!have_best || attempt.text_length > best.text_length) {
      // Kept, not rebuilt: the next attempt starts from a copy of the parse
      // in the buffer this one leaves.
      best = attempt;
      have_best = true;
      std::swap(*doc, st.best);
    }
  }
  if (!have_best || best.text_length == 0) return result;
  std::swap(*doc, st.best);
  result.found = true;
  result.article = best.article;
  result.whole_page = best.whole_page;
  return result;
}

}  // namespace stocktake::crawler::html
