// Rule evaluation, check by check in datatrove's order, so the first failing
// check is the reason datatrove would report.
//
// The repetition rule needs counts of repeated n-grams for n = 2..10. Words
// are hashed once (TextFacts); an n-gram's hash is extended from the
// (n-1)-gram's as n grows; each round counts n-grams in a
// generation-stamped open-addressing table and keeps only the positions
// whose n-gram repeats, since a unique n-gram can only start unique longer
// ones; the next round follows a position only if the position after it was
// kept too (an n-gram repeats only if both of its (n-1)-grams do).
// Character lengths come from prefix sums of word lengths, so no n-gram
// string is ever built. C4's per-line analysis is kept in TextFacts and
// shared by every C4 rule evaluated on the same text.
#include "quality/rules.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <span>

#include "common/byte_scan.h"
#include "common/hash.h"
#include "quality/word_hash.h"
#include "quality/classifier.h"

namespace stocktake::quality {

std::string_view RuleKindName(RuleKind kind) {
  switch (kind) {
    case RuleKind::kLanguage: return "language";
    case RuleKind::kGopherQuality: return "gopher_quality";
    case RuleKind::kGopherRepetition: return "gopher_repetition";
    case RuleKind::kC4: return "c4";
    case RuleKind::kFineWeb: return "fineweb";
    case RuleKind::kClassifier: return "classifier";
  }
  return "language";
}

bool ParseRuleKind(std::string_view name, RuleKind* kind) {
  for (RuleKind k : {RuleKind::kLanguage, RuleKind::kGopherQuality, RuleKind::kGopherRepetition, RuleKind::kC4,
                     RuleKind::kFineWeb, RuleKind::kClassifier}) {
    if (RuleKindName(k) == name) {
      *kind = k;
      return true;
    }
  }
  return false;
}

std::string_view RuleStatusName(RuleStatus status) {
  switch (status) {
    case RuleStatus::kPass: return "pass";
    case RuleStatus::kFail: return "fail";
  }
  return "pass";
}

std::vector<RuleSpec> DefaultRules() {
  std::vector<RuleSpec> rules;
  for (RuleKind k : {RuleKind::kLanguage, RuleKind::kGopherRepetition, RuleKind::kGopherQuality, RuleKind::kC4,
                     RuleKind::kFineWeb}) {
    RuleSpec r;
    r.kind = k;
    r.name = std::string(RuleKindName(k));
    rules.push_back(r);
  }
  RuleSpec strict;
  strict.kind = RuleKind::kC4;
  strict.name = "c4_strict";
  strict.c4.terminal_punctuation = true;
  rules.push_back(strict);
  return rules;
}

std::vector<RuleParam> RuleParams(RuleSpec* spec) {
  using T = RuleParam::Type;
  auto number = [](const char* key, double* v, double min = 0, double max = 1e15) {
    RuleParam p{key, T::kNumber};
    p.number = v;
    p.min = min;
    p.max = max;
    return p;
  };
  auto flag = [](const char* key, bool* v) {
    RuleParam p{key, T::kFlag};
    p.flag = v;
    return p;
  };
  auto text = [](const char* key, std::string* v) {
    RuleParam p{key, T::kText};
    p.text = v;
    return p;
  };
  auto list = [](const char* key, std::vector<std::string>* v) {
    RuleParam p{key, T::kTextList};
    p.list = v;
    return p;
  };
  switch (spec->kind) {
    case RuleKind::kLanguage: {
      LanguageParams& p = spec->language;
      return {number("min_score", &p.min_score, 0, 1), list("languages", &p.languages)};
    }
    case RuleKind::kGopherQuality: {
      GopherQualityParams& p = spec->gopher_quality;
      return {number("min_words", &p.min_words),
              number("max_words", &p.max_words),
              number("min_mean_word_length", &p.min_mean_word_length),
              number("max_mean_word_length", &p.max_mean_word_length),
              number("max_hash_ratio", &p.max_hash_ratio),
              number("max_ellipsis_ratio", &p.max_ellipsis_ratio),
              number("max_bullet_lines", &p.max_bullet_lines, 0, 1),
              number("max_ellipsis_lines", &p.max_ellipsis_lines, 0, 1),
              number("min_alpha_words", &p.min_alpha_words, 0, 1),
              number("min_stop_words", &p.min_stop_words),
              list("stop_words", &p.stop_words),
              text("stop_words_language", &p.stop_words_language)};
    }
    case RuleKind::kGopherRepetition: {
      GopherRepetitionParams& p = spec->gopher_repetition;
      return {number("dup_line_frac", &p.dup_line_frac, 0, 1),
              number("dup_para_frac", &p.dup_para_frac, 0, 1),
              number("dup_line_char_frac", &p.dup_line_char_frac, 0, 1),
              number("dup_para_char_frac", &p.dup_para_char_frac, 0, 1),
              number("top_2_gram_frac", &p.top_ngram[0], 0, 1),
              number("top_3_gram_frac", &p.top_ngram[1], 0, 1),
              number("top_4_gram_frac", &p.top_ngram[2], 0, 1),
              number("dup_5_gram_frac", &p.dup_ngram[0], 0, 1),
              number("dup_6_gram_frac", &p.dup_ngram[1], 0, 1),
              number("dup_7_gram_frac", &p.dup_ngram[2], 0, 1),
              number("dup_8_gram_frac", &p.dup_ngram[3], 0, 1),
              number("dup_9_gram_frac", &p.dup_ngram[4], 0, 1),
              number("dup_10_gram_frac", &p.dup_ngram[5], 0, 1)};
    }
    case RuleKind::kC4: {
      C4Params& p = spec->c4;
      return {flag("terminal_punctuation", &p.terminal_punctuation),
              number("min_words_per_line", &p.min_words_per_line),
              number("max_word_length", &p.max_word_length),
              number("min_sentences", &p.min_sentences),
              flag("remove_citations", &p.remove_citations),
              flag("lorem_ipsum", &p.lorem_ipsum),
              flag("javascript", &p.javascript),
              flag("curly_bracket", &p.curly_bracket),
              flag("policy", &p.policy)};
    }
    case RuleKind::kFineWeb: {
      FineWebParams& p = spec->fineweb;
      return {number("min_line_punct_ratio", &p.min_line_punct_ratio, 0, 1),
              number("max_short_line_ratio", &p.max_short_line_ratio, 0, 1),
              number("short_line_length", &p.short_line_length),
              number("max_dup_line_char_ratio", &p.max_dup_line_char_ratio, 0, 1),
              number("max_newline_word_ratio", &p.max_newline_word_ratio)};
    }
    case RuleKind::kClassifier: {
      ClassifierParams& p = spec->classifier;
      return {text("model", &p.model), text("label", &p.label), number("min_score", &p.min_score, 0, 1)};
    }
  }
  return {};
}

namespace {

constexpr std::string_view kAsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

template <typename F>
bool AnyCodePoint(std::string_view s, F f) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t n = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c >= 0 && f(c)) return true;
  }
  return false;
}

UChar32 LastCodePoint(std::string_view s) {
  if (s.empty()) return -1;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int32_t i = static_cast<int32_t>(s.size());
  UChar32 c;
  U8_PREV(p, 0, i, c);
  return c;
}

bool IsSymbolChar(UChar32 c) {
  if (c < 0x80) return kAsciiPunctuation.find(static_cast<char>(c)) != std::string_view::npos;
  int8_t t = u_charType(c);
  return u_ispunct(c) || t == U_MATH_SYMBOL || t == U_CURRENCY_SYMBOL || t == U_MODIFIER_SYMBOL ||
         t == U_OTHER_SYMBOL;
}

// Languages written without spaces between words (UAX #29 segments there are
// dictionary words, much shorter than the Gopher bounds assume).
bool NoSpaceLanguage(std::string_view code) {
  return code == "zh" || code == "zh-Hant" || code == "ja" || code == "th" || code == "lo" || code == "km" ||
         code == "my";
}

// True if `trimmed` (a part of `raw` without its outer spaces and tabs) may
// have UAX #29 segments other than those of `raw` without its blank ones:
// only if leading blanks were removed and the text starts with a character
// that joins the blank before it (WB4: Extend, Format, ZWJ; WB3d: a space
// joins the spaces after it, and they any marks after them). Trailing
// blanks never join a word: WB3d looks at the character right before a
// space, and only a space joins a space, so the segment they join is blank.
bool TrimMayChangeSegments(std::string_view raw, std::string_view trimmed) {
  if (trimmed.empty() || trimmed.data() == raw.data()) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(trimmed.data());
  const int32_t n = static_cast<int32_t>(std::min<size_t>(trimmed.size(), 4));
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(p, i, n, c);
  if (c < 0x80) return false;  // ASCII (or invalid, which the normalizer replaced)
  int32_t wb = u_getIntPropertyValue(c, UCHAR_WORD_BREAK);
  return wb == U_WB_EXTEND || wb == U_WB_FORMAT || wb == U_WB_ZWJ || wb == U_WB_WSEGSPACE;
}

// Languages without sentence-final punctuation in common use.
bool NoTerminalPunctuation(std::string_view code) {
  return code == "th" || code == "lo" || code == "km" || code == "my";
}

// The first '#', '.' or 0xE2 (the lead byte of U+2026) in p[i, n): 16 bytes
// at a time.
inline size_t NextGopherMark(const unsigned char* p, size_t i, size_t n) {
  return FindByte(
      p, i, n,
      [](const auto& v) {
        return Mask16(_mm_or_si128(_mm_or_si128(Equal16(v, '#'), Equal16(v, '.')), Equal16(v, 0xE2)));
      },
      [](unsigned char c) { return c == '#' || c == '.' || c == 0xE2; });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool StartsWithBullet(std::string_view line) {
  line = Trim(line);
  return line.substr(0, 1) == "-" || line.substr(0, 3) == "\xE2\x80\xA2";  // "-" or U+2022
}

bool EndsWithEllipsis(std::string_view line) {
  line = Trim(line);
  return (line.size() >= 3 && line.substr(line.size() - 3) == "...") ||
         (line.size() >= 3 && line.substr(line.size() - 3) == "\xE2\x80\xA6");  // U+2026
}

// datatrove's find_duplicates: elements seen before, and their characters.
void FindDuplicates(const std::vector<std::string_view>& items, CountTable* table, size_t* dup_items,
                    size_t* dup_chars) {
  table->Reset(items.size());
  *dup_items = 0;
  *dup_chars = 0;
  for (std::string_view item : items) {
    if (!table->Insert(Hash64(item))) {
      ++*dup_items;
      *dup_chars += CodePoints(item);
    }
  }
}

// Drops the positions whose n-gram certainly occurs once, so that only the
// rest go through the count table. Two bitmaps of about 8 bits per n-gram,
// indexed by the hash's top bits: "seen" and "seen again". A repeated
// n-gram always sets its "seen again" bit; a unique one does so only when
// another n-gram shares its bit (about one in eight), and then stays a
// candidate to be counted exactly. Branch-free, and the bitmaps fit in L1
// where the table does not.
void DropSingles(const std::vector<uint64_t>& grams, std::vector<uint32_t>* candidates, std::vector<uint64_t>* bits) {
  const size_t m = candidates->size();
  int log2_bits = 9;
  while ((size_t{1} << log2_bits) < 8 * m) ++log2_bits;
  const size_t words = size_t{1} << (log2_bits - 6);
  bits->assign(2 * words, 0);
  uint64_t* const seen = bits->data();
  uint64_t* const again = seen + words;
  const int shift = 64 - log2_bits;
  uint32_t* const c = candidates->data();
  for (size_t k = 0; k < m; ++k) {
    const uint64_t b = grams[c[k]] >> shift;
    const uint64_t bit = uint64_t{1} << (b & 63);
    again[b >> 6] |= seen[b >> 6] & bit;
    seen[b >> 6] |= bit;
  }
  size_t kept = 0;
  for (size_t k = 0; k < m; ++k) {
    const uint32_t i = c[k];
    const uint64_t b = grams[i] >> shift;
    c[kept] = i;
    kept += (again[b >> 6] >> (b & 63)) & 1;
  }
  candidates->resize(kept);
}

inline uint64_t Mix(uint64_t h, uint64_t x) {
  h ^= x + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  return h * 0xBF58476D1CE4E5B9ULL;
}

// [1], [23], [], [edit], [citation needed]
// Appends `line` to `out` without them.
void RemoveCitations(std::string_view line, std::string* out) {
  constexpr std::string_view kEdit = "[edit]";
  constexpr std::string_view kNeeded = "[citation needed]";
  for (size_t i = 0; i < line.size();) {
    if (line[i] == '[') {
      size_t j = i + 1;
      while (j < line.size() && line[j] >= '0' && line[j] <= '9') ++j;
      if (j < line.size() && line[j] == ']') {
        i = j + 1;
        continue;
      }
      std::string_view rest = line.substr(i);
      if (rest.substr(0, kEdit.size()) == kEdit) {
        i += kEdit.size();
        continue;
      }
      if (rest.substr(0, kNeeded.size()) == kNeeded) {
        i += kNeeded.size();
        continue;
      }
    }
    out->push_back(line[i++]);
  }
}

}  // namespace

GopherMarks CountGopherMarks(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  GopherMarks m;
  for (size_t i = NextGopherMark(p, 0, n); i < n; i = NextGopherMark(p, i, n)) {
    if (p[i] == '#') {
      ++m.hashes;
      ++i;
    } else if (p[i] == '.') {
      // str.count("...") counts without overlap: a run of k dots holds k / 3.
      size_t j = i;
      while (j < n && p[j] == '.') ++j;
      m.ellipses += (j - i) / 3;
      i = j;
    } else if (i + 2 < n && p[i + 1] == 0x80 && p[i + 2] == 0xA6) {  // U+2026
      ++m.ellipses;
      i += 3;
    } else {
      ++i;
    }
  }
  return m;
}

bool EndsWithTerminalPunctuation(std::string_view line) {
  UChar32 c = LastCodePoint(line);
  if (c < 0) return false;
  if (c < 0x80) return c == '.' || c == '!' || c == '?' || c == '"' || c == '\'';
  return u_hasBinaryProperty(c, UCHAR_S_TERM) || u_charType(c) == U_FINAL_PUNCTUATION || c == 0x2026;
}

namespace {

// ASCII character kinds for the per-word checks.
struct AsciiKinds {
  bool symbol[128];
  bool letter[128];
  constexpr AsciiKinds() : symbol(), letter() {
    for (char c : kAsciiPunctuation) symbol[static_cast<int>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c) letter[c] = letter[c - 32] = true;
  }
};
constexpr AsciiKinds kKinds;

// What a word's first byte says in Gopher quality's word loop: an ASCII
// letter (bit 0), not an ASCII symbol (bit 1), ASCII (bit 2).
constexpr unsigned kFirstLetter = 1;
struct FirstByteKinds {
  uint8_t kind[256];
  constexpr FirstByteKinds() : kind() {
    for (int c = 0; c < 128; ++c) kind[c] = static_cast<uint8_t>(kKinds.letter[c] | (!kKinds.symbol[c] << 1) | 4);
  }
};
constexpr FirstByteKinds kFirstByte;

}  // namespace

bool IsSymbolWord(std::string_view word) {
  for (char ch : word) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) return !AnyCodePoint(word, [](UChar32 cp) { return !IsSymbolChar(cp); });
    if (!kKinds.symbol[c]) return false;
  }
  return true;
}

bool HasLetter(std::string_view word) {
  for (char ch : word) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) return AnyCodePoint(word, [](UChar32 cp) { return cp < 0x80 ? kKinds.letter[cp] : u_isalpha(cp) != 0; });
    if (kKinds.letter[c]) return true;
  }
  return false;
}

// ----------------------------------------------------------- CountTable ----

void CountTable::Reset(size_t n) {
  size_t size = 64;
  while (size < 2 * n) size *= 2;
  if (slots_.size() < size) {
    slots_.assign(size, Slot{0, 0, 0});
    generation_ = 0;
  }
  mask_ = size - 1;
  if (++generation_ == 0) {  // wrapped: stale stamps could match again
    std::fill(slots_.begin(), slots_.end(), Slot{0, 0, 0});
    generation_ = 1;
  }
}

uint32_t CountTable::Count(uint64_t key) const {
  for (size_t i = Start(key);; i = (i + 1) & mask_) {
    const Slot& slot = slots_[i];
    if (slot.generation != generation_) return 0;
    if (slot.key == key) return slot.count;
  }
}

// ------------------------------------------------------------ TextFacts ----

void TextFacts::Reset(std::string_view text, const LanguageGuess* language, Segmenter* segmenter) {
  text_ = text;
  language_ = language;
  segmenter_ = segmenter;
  have_chars_ = have_words_ = have_lines_ = have_line_chars_ = have_hashes_ = false;
  c4_citations_ = -1;
  source_ = nullptr;
}

void TextFacts::ResetDerived(std::string_view text, TextFacts* source, const std::vector<uint32_t>& kept_lines) {
  Reset(text, source->language_, source->segmenter_);
  if (kept_lines.empty()) return;  // nothing kept: nothing to reuse
  source_ = source;
  source_lines_ = kept_lines;
}

const std::string& TextFacts::language() const {
  static const std::string kUnknown = "un";
  return language_ != nullptr ? language_->code : kUnknown;
}

size_t TextFacts::chars() {
  if (!have_chars_) {
    // The text is its lines joined by newlines.
    chars_ = lines().size() - 1;
    for (size_t n : line_chars()) chars_ += n;
    have_chars_ = true;
  }
  return chars_;
}

const std::vector<size_t>& TextFacts::line_chars() {
  if (!have_line_chars_) {
    line_chars_.clear();
    for (std::string_view line : lines()) line_chars_.push_back(CodePoints(line));
    have_line_chars_ = true;
  }
  return line_chars_;
}

const std::vector<std::string_view>& TextFacts::words() {
  if (!have_words_) {
    words_.clear();
    word_chars_.clear();
    line_words_count_.clear();
    const std::vector<std::string_view>& all = lines();
    const std::vector<size_t>& chars = line_chars();
    for (size_t j = 0; j < all.size(); ++j) {
      const std::string_view line = all[j];
      const size_t before = words_.size();
      segmenter_->LineWords(line, &words_);
      line_words_count_.push_back(static_cast<uint32_t>(words_.size() - before));
      // Code points per word. In a line without continuation bytes (as many
      // code points as bytes) each word has as many code points as bytes.
      word_chars_.resize(words_.size());
      if (chars[j] == line.size()) {
        for (size_t k = before; k < words_.size(); ++k) word_chars_[k] = words_[k].size();
      } else {
        for (size_t k = before; k < words_.size(); ++k) word_chars_[k] = CodePoints(words_[k]);
      }
    }
    have_words_ = true;
  }
  return words_;
}

size_t TextFacts::word_count() {
  if (have_words_ || source_ == nullptr || !source_->have_words_ || source_->c4_citations_ < 0) {
    return words().size();
  }
  // Lines the rule kept unchanged have the words they had in the source.
  const std::vector<std::string_view>& mine = lines();
  if (mine.size() != source_lines_.size()) return words().size();
  size_t n = 0;
  for (size_t j = 0; j < mine.size(); ++j) {
    uint32_t i = source_lines_[j];
    if (source_->c4_lines_[i].cleaned) {
      line_words_.clear();
      segmenter_->LineWords(mine[j], &line_words_);
      n += line_words_.size();
    } else {
      n += source_->line_words_count_[i];
    }
  }
  return n;
}

const std::vector<size_t>& TextFacts::word_chars() {
  words();
  return word_chars_;
}

const std::vector<uint64_t>& TextFacts::word_hashes() {
  if (!have_hashes_) {
    const std::vector<std::string_view>& all = words();
    word_hashes_.resize(all.size());  // every element is written below
    const char* end = text_.data() + text_.size();  // every word lies in text_
    for (size_t i = 0; i < all.size(); ++i) word_hashes_[i] = WordHashIn(all[i], end);
    have_hashes_ = true;
  }
  return word_hashes_;
}

namespace {

// How many words `text` has split on spaces and tabs (line.split()): how
// many bytes start one, after a blank or at the start.
uint32_t CountBlankSplitWords(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  uint32_t words = 0;
  bool after_word = false;  // the byte before i is part of a word
  size_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: the starts are the word bytes whose predecessor
  // (the byte before in the mask, or the last of the previous block) is not.
  auto word_bytes_at = [&](size_t q) {
    const __m128i v = Load16(p + q);
    return ~Mask16(_mm_or_si128(Equal16(v, ' '), Equal16(v, '\t'))) & 0xFFFFu;
  };
  for (; i + 16 <= n; i += 16) {
    const uint32_t word_bytes = word_bytes_at(i);
    const uint32_t starts = word_bytes & ~((word_bytes << 1) | static_cast<uint32_t>(after_word));
    words += PopCount16(starts);
    after_word = (word_bytes >> 15) != 0;
  }
  if (i < n && n >= 16) {
    // The tail: the last 16 bytes, where the bytes before i are counted
    // already but still tell whether the byte before a start is a blank.
    const uint32_t word_bytes = word_bytes_at(n - 16);
    return words + PopCount16(word_bytes & ~(word_bytes << 1) & TailBits(i, n));
  }
#endif
  for (; i < n; ++i) {
    const bool blank = p[i] == ' ' || p[i] == '\t';
    words += !blank && !after_word;
    after_word = !blank;
  }
  return words;
}

// Code points of the longest word of `text` split on spaces and tabs.
uint32_t LongestBlankSplitWord(std::string_view text) {
  uint32_t longest = 0;
  for (size_t i = 0; i < text.size();) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    longest = std::max<uint32_t>(longest, static_cast<uint32_t>(CodePoints(text.substr(start, i - start))));
  }
  return longest;
}

}  // namespace

std::vector<C4Line>& TextFacts::c4_lines(bool remove_citations) {
  if (c4_citations_ == static_cast<int>(remove_citations)) return c4_lines_;
  c4_citations_ = remove_citations;
  c4_lines_.clear();
  c4_cleaned_.clear();
  if (source_ != nullptr && source_->c4_citations_ == static_cast<int>(remove_citations) &&
      lines().size() == source_lines_.size()) {
    // Derived text: an unchanged kept line has the facts it had in the
    // source (the same text); a cleaned one is analyzed again below.
    bool all_unchanged = true;
    for (uint32_t i : source_lines_) all_unchanged = all_unchanged && !source_->c4_lines_[i].cleaned;
    if (all_unchanged) {
      for (size_t j = 0; j < source_lines_.size(); ++j) {
        C4Line line = source_->c4_lines_[source_lines_[j]];
        line.kept = lines_[j];
        c4_lines_.push_back(line);
      }
      return c4_lines_;
    }
  }
  const bool no_spaces = NoSpaceLanguage(language());
  // Cleaned lines live in c4_cleaned_ (which may move while it grows): keep
  // offsets first and make views at the end.
  std::vector<std::pair<size_t, size_t>> cleaned_at;
  // Languages without spaces take a line's UAX #29 words from words(), which
  // segmented the untrimmed line: the same words unless a trimmed blank
  // touches a character UAX #29 could join to it; such a line is segmented
  // again.
  const std::vector<std::string_view>& raw_lines = lines();
  if (no_spaces) words();
  size_t line_first_word = 0;
  for (size_t j = 0; j < raw_lines.size(); ++j) {
    const std::string_view raw = raw_lines[j];
    C4Line line;
    std::string_view text = Trim(raw);
    // Words: line.split() as C4 does, or for languages written without
    // spaces the UAX #29 words that are not punctuation.
    line.bytes = static_cast<uint32_t>(std::min<size_t>(text.size(), UINT32_MAX));
    if (no_spaces) {
      std::span<const std::string_view> segments(words_.data() + line_first_word, line_words_count_[j]);
      line_first_word += line_words_count_[j];
      if (TrimMayChangeSegments(raw, text)) {
        line_words_.clear();
        segmenter_->LineWords(text, &line_words_);
        segments = line_words_;
      }
      line.longest = 0;
      for (std::string_view w : segments) {
        if (IsSymbolWord(w)) continue;
        ++line.words;
        line.longest = std::max<int32_t>(line.longest, static_cast<int32_t>(CodePoints(w)));
      }
    } else {
      line.words = CountBlankSplitWords(text);  // the longest word on demand (C4Longest)
    }
    line.kept = text;
    if (remove_citations && text.find('[') != std::string_view::npos) {
      size_t before = c4_cleaned_.size();
      RemoveCitations(text, &c4_cleaned_);
      line.cleaned = c4_cleaned_.size() - before != text.size();
      cleaned_at.emplace_back(c4_lines_.size(), before);
    }
    c4_lines_.push_back(line);
  }
  for (size_t k = 0; k < cleaned_at.size(); ++k) {
    size_t begin = cleaned_at[k].second;
    size_t end = k + 1 < cleaned_at.size() ? cleaned_at[k + 1].second : c4_cleaned_.size();
    c4_lines_[cleaned_at[k].first].kept = std::string_view(c4_cleaned_).substr(begin, end - begin);
  }
  for (C4Line& line : c4_lines_) line.terminal = EndsWithTerminalPunctuation(line.kept) && !EndsWithEllipsis(line.kept);
  return c4_lines_;
}

namespace {

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// `needle` (lowercase ASCII) at `pos` of `s`, ignoring ASCII case.
bool MatchesAt(std::string_view s, size_t pos, std::string_view needle) {
  if (s.size() - pos < needle.size()) return false;
  for (size_t k = 0; k < needle.size(); ++k) {
    if (AsciiLower(s[pos + k]) != needle[k]) return false;
  }
  return true;
}

}  // namespace

// The first three letters of C4's phrases, lowercase (check() below lists
// the phrases): the 16-byte scan compares all three, the tables below the
// first two.
constexpr const char* kPhraseHeads[] = {"lor", "jav", "ter", "pri", "coo", "use"};

// The first two letters of a head in any ASCII case: a bit per byte pair.
struct PhraseStarts {
  uint64_t bits[65536 / 64];
  constexpr PhraseStarts() : bits() {
    for (const char* start : kPhraseHeads) {
      for (int upper = 0; upper < 4; ++upper) {  // every ASCII case of the two letters
        int a = start[0] - ((upper & 1) ? 32 : 0), b = start[1] - ((upper & 2) ? 32 : 0);
        int pair = (a << 8) | b;
        bits[pair / 64] |= 1ULL << (pair % 64);
      }
    }
  }
  bool Has(unsigned char a, unsigned char b) const {
    int pair = (a << 8) | b;
    return (bits[pair / 64] >> (pair % 64)) & 1;
  }
};
constexpr PhraseStarts kPhraseStarts;

// The first letters of C4's phrases, in either ASCII case: most bytes of a
// line are ruled out by this one lookup before the pair is looked at.
struct PhraseFirstLetters {
  bool yes[256];
  constexpr PhraseFirstLetters() : yes() {
    for (const char* start : kPhraseHeads) {
      yes[static_cast<unsigned char>(start[0])] = yes[static_cast<unsigned char>(start[0] - 32)] = true;
    }
  }
};
constexpr PhraseFirstLetters kPhraseFirst;

const C4Line& TextFacts::C4Checked(size_t i) {
  C4Line& line = c4_lines_[i];
  if (line.checked) return line;
  line.checked = true;
  // One pass over the line; only the first two letters of a phrase (in any
  // ASCII case, like C4's line.lower()) start a comparison.
  std::string_view t = line.kept;
  const auto* u = reinterpret_cast<const unsigned char*>(t.data());
  auto check = [&](size_t p) {
    if (!kPhraseStarts.Has(u[p], u[p + 1])) return;
    switch (AsciiLower(t[p])) {
      case 'l':
        line.lorem_ipsum = line.lorem_ipsum || MatchesAt(t, p, "lorem ipsum");
        break;
      case 'j':
        line.javascript = line.javascript || MatchesAt(t, p, "javascript");
        break;
      case 't':
        line.policy = line.policy || MatchesAt(t, p, "terms of use");
        break;
      case 'p':
        line.policy = line.policy || MatchesAt(t, p, "privacy policy");
        break;
      case 'c':
        line.policy = line.policy || MatchesAt(t, p, "cookie policy");
        break;
      default:  // 'u'
        line.policy = line.policy || MatchesAt(t, p, "uses cookies") || MatchesAt(t, p, "use of cookies") ||
                      MatchesAt(t, p, "use cookies");
        break;
    }
  };
  size_t p = 0;
#if defined(__SSE2__)
  // 16 positions at a time: the positions where some phrase's first three
  // letters start, in any ASCII case (OR 0x20 lowercases ASCII letters and
  // leaves no other byte on one); check() compares the whole phrase.
  // The same pass looks for '{' (C4's curly-bracket rule).
  const __m128i lower = _mm_set1_epi8(0x20);
  const __m128i curly = _mm_set1_epi8('{');
  constexpr size_t kPhrases = std::size(kPhraseHeads);
  __m128i head[kPhrases][3];
  for (size_t k = 0; k < kPhrases; ++k) {
    for (size_t j = 0; j < 3; ++j) head[k][j] = _mm_set1_epi8(kPhraseHeads[k][j]);
  }
  // Bit j of the result: a phrase head starts at q + j; bit j of *curlies:
  // byte q + j is '{'. Reads t[q, q + 18).
  auto block = [&](size_t q, uint32_t* curlies) {
    const __m128i bytes = Load16(u + q);
    *curlies = Mask16(_mm_cmpeq_epi8(bytes, curly));
    const __m128i at[3] = {_mm_or_si128(bytes, lower), _mm_or_si128(Load16(u + q + 1), lower),
                           _mm_or_si128(Load16(u + q + 2), lower)};
    __m128i starts = _mm_setzero_si128();
    for (size_t k = 0; k < kPhrases; ++k) {
      starts = _mm_or_si128(starts, _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(at[0], head[k][0]),
                                                                _mm_cmpeq_epi8(at[1], head[k][1])),
                                                  _mm_cmpeq_epi8(at[2], head[k][2])));
    }
    return Mask16(starts);
  };
  uint32_t curlies = 0;
  for (; p + 18 <= t.size(); p += 16) {
    uint32_t found = 0;
    for (uint32_t mask = block(p, &found); mask != 0; mask &= mask - 1) {
      check(p + static_cast<size_t>(__builtin_ctz(mask)));
    }
    curlies |= found;
  }
  if (p < t.size() && t.size() >= 18) {
    // The tail, from the last block of 18 bytes without the positions
    // before p (a phrase is longer than 2 bytes, so none starts in the last
    // two; only '{' is looked for there).
    const size_t q = t.size() - 18;
    const uint32_t keep = 0xFFFFu << (p - q);
    uint32_t found = 0;
    for (uint32_t mask = block(q, &found) & keep; mask != 0; mask &= mask - 1) {
      check(q + static_cast<size_t>(__builtin_ctz(mask)));
    }
    curlies |= (found & keep) | static_cast<uint32_t>(u[q + 16] == '{') | static_cast<uint32_t>(u[q + 17] == '{');
    p = t.size();
  }
  line.curly_bracket = curlies != 0;
#endif
  for (size_t q = p; q < t.size() && !line.curly_bracket; ++q) line.curly_bracket = u[q] == '{';
  for (; p + 1 < t.size(); ++p) {
    if (kPhraseFirst.yes[u[p]]) check(p);
  }
  return line;
}

size_t TextFacts::C4Longest(size_t i) {
  C4Line& line = c4_lines_[i];
  // Only blank-split lines wait (words of languages without spaces are
  // measured with the line). Their line is the trimmed text the words were
  // counted in: lines() is the raw text here, or, for a text derived from
  // unchanged kept lines, those trimmed lines themselves.
  if (line.longest < 0) line.longest = static_cast<int32_t>(LongestBlankSplitWord(Trim(lines()[i])));
  return static_cast<size_t>(line.longest);
}

size_t TextFacts::C4Sentences(size_t i) {
  C4Line& line = c4_lines_[i];
  if (line.sentences < 0) line.sentences = static_cast<int32_t>(segmenter_->CountSentences(line.kept));
  return static_cast<size_t>(line.sentences);
}

const std::vector<std::string_view>& TextFacts::lines() {
  if (!have_lines_) {
    lines_.clear();
    SplitLines(text_, &lines_);
    have_lines_ = true;
  }
  return lines_;
}

// ---------------------------------------------------------------- rules ----

Rule::Rule(RuleSpec spec) : spec_(std::move(spec)), stop_words_(spec_.gopher_quality.stop_words) {}

namespace {
inline uint64_t FilterBits(uint64_t hash) { return (1ULL << (hash & 63)) | (1ULL << ((hash >> 6) & 63)); }
}  // namespace

WordSet::WordSet(const std::vector<std::string>& words) {
  for (const std::string& w : words) {
    words_.emplace_back(WordHash(w), w);
    filter_ |= FilterBits(words_.back().first);
  }
  std::sort(words_.begin(), words_.end());
}

bool WordSet::Contains(std::string_view word, uint64_t hash) const {
  if ((filter_ & FilterBits(hash)) != FilterBits(hash)) return false;
  auto it = std::lower_bound(words_.begin(), words_.end(), hash,
                             [](const std::pair<uint64_t, std::string>& e, uint64_t h) { return e.first < h; });
  for (; it != words_.end() && it->first == hash; ++it) {
    if (it->second == word) return true;
  }
  return false;
}

Rule::~Rule() = default;

std::unique_ptr<Rule> Rule::Create(const RuleSpec& spec, std::string* error) {
  std::unique_ptr<Rule> rule(new Rule(spec));
  if (spec.kind == RuleKind::kClassifier) {
    rule->classifier_ = Classifier::Load(spec.classifier.model, spec.classifier.label, error);
    if (rule->classifier_ == nullptr) return nullptr;
  }
  return rule;
}

namespace {

RuleResult Fail(RuleResult r, const char* reason) {
  r.status = RuleStatus::kFail;
  r.reason = reason;
  return r;
}

RuleResult EvalLanguage(const LanguageParams& p, const LanguageGuess* g) {
  RuleResult r;
  double score = g != nullptr ? g->score : 0;
  r.values.push_back({"language_score", score});
  std::string_view code = g != nullptr ? std::string_view(g->code) : "un";
  if (code == "un") return Fail(r, "unknown_language");
  if (score < p.min_score) return Fail(r, "low_language_score");
  if (!p.languages.empty() && std::find(p.languages.begin(), p.languages.end(), code) == p.languages.end()) {
    return Fail(r, "language_not_listed");
  }
  return r;
}

RuleResult EvalGopherQuality(const GopherQualityParams& p, const WordSet& stop_words, TextFacts* f,
                             RuleDetail detail) {
  RuleResult r;
  const bool decide = detail == RuleDetail::kDecision;
  const auto& words = f->words();
  const auto& hashes = f->word_hashes();
  const auto& lengths = f->word_chars();
  const std::string_view text = f->text();
  const std::string& lang = f->language();
  double n_words = static_cast<double>(words.size());
  size_t non_symbol_words = 0, non_symbol_total = 0, alpha_words = 0;
  double stops = 0;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string_view w = words[i];
    // Most words start with an ASCII letter (not all symbols, and a letter)
    // or are one ASCII character (a punctuation mark, a digit): the first
    // byte's kind answers both, without a branch that punctuation between
    // words would mispredict.
    const auto first = w.empty() ? 0 : static_cast<unsigned char>(w[0]);
    const unsigned kind = kFirstByte.kind[first];
    const unsigned one = w.size() == 1;
    // Bitwise, so that GCC does not split the test into two branches.
    if (((kind & kFirstLetter) | (one & (kind >> 2))) != 0) [[likely]] {
      const size_t plain = (kind >> 1) & 1;  // a letter is no symbol
      non_symbol_words += plain;
      non_symbol_total += lengths[i] & (0 - plain);
      alpha_words += kind & kFirstLetter;
    } else {
      if (!IsSymbolWord(w)) {
        ++non_symbol_words;
        non_symbol_total += lengths[i];
      }
      alpha_words += HasLetter(w);
    }
    // A decision needs the stop words only up to the minimum.
    if (!(decide && stops >= p.min_stop_words) && stop_words.Contains(w, hashes[i])) ++stops;
  }
  const auto non_symbol = static_cast<double>(non_symbol_words);
  const auto non_symbol_chars = static_cast<double>(non_symbol_total);
  const auto alpha = static_cast<double>(alpha_words);
  double mean = non_symbol > 0 ? non_symbol_chars / non_symbol : 0;
  double denom = std::max(n_words, 1.0);
  const GopherMarks marks = CountGopherMarks(text);
  double hash_ratio = static_cast<double>(marks.hashes) / denom;
  double ellipsis_ratio = static_cast<double>(marks.ellipses) / denom;
  const auto& lines = f->lines();
  double bullets = 0, end_ellipsis = 0;
  for (std::string_view line : lines) {
    bullets += StartsWithBullet(line);
    end_ellipsis += EndsWithEllipsis(line);
  }
  double n_lines = std::max<double>(static_cast<double>(lines.size()), 1.0);
  double alpha_ratio = alpha / denom;
  r.values = {{"words", non_symbol},           {"mean_word_length", mean},
              {"hash_ratio", hash_ratio},      {"ellipsis_ratio", ellipsis_ratio},
              {"bullet_lines", bullets / n_lines}, {"ellipsis_lines", end_ellipsis / n_lines},
              {"alpha_words", alpha_ratio},    {"stop_words", stops}};
  if (decide) r.values.pop_back();  // a decision's count may stop at the minimum
  bool word_length_applies = !NoSpaceLanguage(lang);
  bool stop_words_apply = lang == p.stop_words_language;
  if (!word_length_applies) r.skipped.push_back("mean_word_length");
  if (!stop_words_apply) r.skipped.push_back("stop_words");
  if (non_symbol < p.min_words) return Fail(r, "gopher_short_doc");
  if (non_symbol > p.max_words) return Fail(r, "gopher_long_doc");
  if (word_length_applies && mean < p.min_mean_word_length) return Fail(r, "gopher_below_avg_threshold");
  if (word_length_applies && mean > p.max_mean_word_length) return Fail(r, "gopher_above_avg_threshold");
  if (hash_ratio > p.max_hash_ratio) return Fail(r, "gopher_too_many_hashes");
  if (ellipsis_ratio > p.max_ellipsis_ratio) return Fail(r, "gopher_too_many_ellipsis");
  if (bullets / n_lines > p.max_bullet_lines) return Fail(r, "gopher_too_many_bullets");
  if (end_ellipsis / n_lines > p.max_ellipsis_lines) return Fail(r, "gopher_too_many_end_ellipsis");
  if (alpha_ratio < p.min_alpha_words) return Fail(r, "gopher_below_alpha_threshold");
  if (stop_words_apply && stops < p.min_stop_words) return Fail(r, "gopher_enough_stop_words");
  return r;
}

RuleResult EvalGopherRepetition(const GopherRepetitionParams& p, TextFacts* f, RuleScratch* s, RuleDetail detail) {
  RuleResult r;
  const bool decide = detail == RuleDetail::kDecision;
  const std::string_view text = f->text();
  double chars = static_cast<double>(f->chars());
  if (chars == 0) return Fail(r, "empty");
  // Paragraphs (split on 2+ newlines) and lines (split on newlines).
  s->pieces.clear();
  SplitParagraphs(text, &s->pieces);
  size_t dup_paras = 0, dup_para_chars = 0;
  FindDuplicates(s->pieces, &s->table, &dup_paras, &dup_para_chars);
  double para_frac = static_cast<double>(dup_paras) / static_cast<double>(s->pieces.size());
  double para_char_frac = static_cast<double>(dup_para_chars) / chars;
  r.values = {{"dup_para_frac", para_frac}, {"dup_para_char_frac", para_char_frac}};
  if (decide && para_frac > p.dup_para_frac) return Fail(r, "dup_para_frac");
  if (decide && para_char_frac > p.dup_para_char_frac) return Fail(r, "dup_para_char_frac");
  s->pieces.clear();
  for (std::string_view line : f->lines()) {
    if (!line.empty()) s->pieces.push_back(line);
  }
  if (s->pieces.empty()) s->pieces.push_back(text);
  size_t dup_lines = 0, dup_line_chars = 0;
  FindDuplicates(s->pieces, &s->table, &dup_lines, &dup_line_chars);
  double line_frac = static_cast<double>(dup_lines) / static_cast<double>(s->pieces.size());
  double line_char_frac = static_cast<double>(dup_line_chars) / chars;
  r.values.push_back({"dup_line_frac", line_frac});
  r.values.push_back({"dup_line_char_frac", line_char_frac});
  if (decide && line_frac > p.dup_line_frac) return Fail(r, "dup_line_frac");
  if (decide && line_char_frac > p.dup_line_char_frac) return Fail(r, "dup_line_char_frac");

  // n-gram statistics over words. grams[i] is the hash of the n-gram
  // starting at word i, extended in place from the (n-1)-gram as n grows.
  // An n-gram that occurs once makes every longer n-gram at its position
  // occur once too, so each round only follows the positions whose n-gram
  // repeats ("candidates"); the others count 1 and can never be found again
  // by the greedy duplicate scan.
  const auto& lengths = f->word_chars();
  const auto& hashes = f->word_hashes();
  const size_t n_words = hashes.size();
  s->prefix.resize(n_words + 1);
  s->prefix[0] = 0;
  for (size_t i = 0; i < n_words; ++i) s->prefix[i + 1] = s->prefix[i] + lengths[i];
  const std::vector<size_t>& prefix = s->prefix;
  std::vector<uint64_t>& grams = s->grams;
  grams.assign(hashes.begin(), hashes.end());
  std::vector<uint32_t>& candidates = s->candidates;
  candidates.resize(n_words);
  for (uint32_t i = 0; i < n_words; ++i) candidates[i] = i;
  static const char* kTopNames[3] = {"top_2_gram", "top_3_gram", "top_4_gram"};
  static const char* kDupNames[6] = {"dup_5_gram", "dup_6_gram", "dup_7_gram", "dup_8_gram", "dup_9_gram",
                                     "dup_10_gram"};
  double top[3] = {0, 0, 0};
  double dup[6] = {0, 0, 0, 0, 0, 0};
  size_t measured = 10;  // n-grams up to this size were measured (a decision stops at a failure)
  for (size_t n = 2; n <= 10 && n <= n_words; ++n) {
    if (n > 2) {
      // The n-gram at i repeats only if the (n-1)-grams at i and at i + 1
      // both do: keep a position only if the next one was kept too. (This
      // also drops the last (n-1)-gram, which starts no n-gram.)
      size_t kept = 0;
      for (size_t k = 0; k + 1 < candidates.size(); ++k) {
        const uint32_t i = candidates[k];
        candidates[kept] = i;  // branch-free: kept only if the next position follows
        kept += candidates[k + 1] == i + 1;
      }
      candidates.resize(kept);
    } else {
      candidates.pop_back();  // the last word starts no bigram (n_words >= 2)
    }
    for (uint32_t i : candidates) grams[i] = Mix(grams[i], hashes[i + n - 1]);
    if (n == 2) DropSingles(grams, &candidates, &s->bits);
    s->table.Reset(candidates.size());
    // Count every candidate n-gram, remembering where each one's count lives.
    std::vector<uint32_t*>& counts = s->counts;
    const size_t m = candidates.size();
    counts.resize(m);
    for (size_t k = 0; k < m; ++k) counts[k] = s->table.AddRef(grams[candidates[k]]);
    // Keep the positions whose n-gram repeats (and where their counts are).
    size_t kept = 0;
    if (n <= 4) {
      uint32_t best_count = 1;
      for (size_t k = 0; k < m; ++k) {
        // Branch-free: whether an n-gram repeats is a coin toss in prose.
        const uint32_t c = *counts[k];
        best_count = std::max(best_count, c);
        candidates[kept] = candidates[k];
        counts[kept] = counts[k];
        kept += c > 1;
      }
      // The most frequent n-gram; ties go to the one that appears first
      // (Counter.most_common): the first position holding the top count
      // (with no repeat at all, the first n-gram).
      size_t best_first = 0;
      for (size_t k = 0; k < kept; ++k) {
        if (*counts[k] == best_count) {
          best_first = candidates[k];
          break;
        }
      }
      // " ".join(ngram): its words plus n - 1 spaces.
      double ngram_chars = static_cast<double>(prefix[best_first + n] - prefix[best_first] + (n - 1));
      top[n - 2] = ngram_chars * static_cast<double>(best_count) / chars;
    } else {
      // datatrove's greedy scan over all positions, in the same pass: a
      // repeated n-gram counts its characters and skips its words. Positions
      // outside the candidates hold unique n-grams: never found, so only
      // candidates are looked up. A repeated n-gram's count is spent once the
      // scan sees it, so it is set to 0 to mark it seen (no second table);
      // a later position with a 0 count holds a repeat and is kept.
      size_t repeated = 0;
      size_t next = 0;  // the scan position
      for (size_t k = 0; k < m; ++k) {
        const uint32_t i = candidates[k];
        uint32_t* const c = counts[k];
        if (*c == 1) continue;  // unique
        candidates[kept++] = i;
        if (i < next) continue;  // skipped over by a repeat
        if (*c == 0) {
          repeated += prefix[i + n] - prefix[i];  // "".join(ngram)
          next = i + n;
        } else {
          *c = 0;
          next = i + 1;
        }
      }
      dup[n - 5] = static_cast<double>(repeated) / chars;
    }
    if (decide && (n <= 4 ? top[n - 2] > p.top_ngram[n - 2] : dup[n - 5] > p.dup_ngram[n - 5])) {
      measured = n;
      break;
    }
    candidates.resize(kept);
    if (candidates.empty() && n >= 4) break;  // nothing repeats from here on: the rest are 0
  }
  for (size_t n = 2; n <= 4 && n <= measured; ++n) {
    if (n_words >= n) r.values.push_back({kTopNames[n - 2], top[n - 2]});
  }
  for (size_t n = 5; n <= measured; ++n) r.values.push_back({kDupNames[n - 5], dup[n - 5]});

  if (para_frac > p.dup_para_frac) return Fail(r, "dup_para_frac");
  if (para_char_frac > p.dup_para_char_frac) return Fail(r, "dup_para_char_frac");
  if (line_frac > p.dup_line_frac) return Fail(r, "dup_line_frac");
  if (line_char_frac > p.dup_line_char_frac) return Fail(r, "dup_line_char_frac");
  for (size_t n = 2; n <= 4; ++n) {
    if (n_words >= n && top[n - 2] > p.top_ngram[n - 2]) return Fail(r, kTopNames[n - 2]);
  }
  for (size_t n = 5; n <= 10; ++n) {
    if (dup[n - 5] > p.dup_ngram[n - 5]) return Fail(r, kDupNames[n - 5]);
  }
  return r;
}

RuleResult EvalC4(const C4Params& p, TextFacts* f, RuleScratch* s, RuleDetail detail) {
  RuleResult r;
  // A decision needs the sentences only up to the minimum: counting them is
  // most of the rule's cost on long documents.
  const bool decide = detail == RuleDetail::kDecision;
  const std::string& lang = f->language();
  bool punct_applies = p.terminal_punctuation && !NoTerminalPunctuation(lang);
  if (p.terminal_punctuation && !punct_applies) r.skipped.push_back("terminal_punctuation");
  s->text.clear();
  s->kept_lines.clear();
  size_t sentences = 0, removed_lines = 0;
  size_t removed_too_long = 0, removed_punct = 0, removed_short = 0, removed_js = 0, removed_policy = 0;
  const char* doc_failure = nullptr;
  const std::vector<C4Line>& lines = f->c4_lines(p.remove_citations);
  for (size_t i = 0; i < lines.size(); ++i) {
    const C4Line& line = lines[i];
    // A word has at most as many code points as its line has bytes.
    if (static_cast<double>(line.bytes) > p.max_word_length &&
        static_cast<double>(f->C4Longest(i)) > p.max_word_length) {
      ++removed_too_long, ++removed_lines;
      continue;
    }
    if (punct_applies && !line.terminal) {
      ++removed_punct, ++removed_lines;
      continue;
    }
    if (static_cast<double>(line.words) < p.min_words_per_line) {
      ++removed_short, ++removed_lines;
      continue;
    }
    const C4Line& checked = f->C4Checked(i);
    if (p.lorem_ipsum && checked.lorem_ipsum) {
      doc_failure = "lorem_ipsum";
      break;
    }
    if (p.javascript && checked.javascript) {
      ++removed_js, ++removed_lines;
      continue;
    }
    if (p.curly_bracket && checked.curly_bracket) {
      doc_failure = "curly_bracket";
      break;
    }
    if (p.policy && checked.policy) {
      ++removed_policy, ++removed_lines;
      continue;
    }
    if (!decide || static_cast<double>(sentences) < p.min_sentences) sentences += f->C4Sentences(i);
    if (!s->kept_lines.empty()) s->text.push_back('\n');
    s->text.append(line.kept);
    s->kept_lines.push_back(static_cast<uint32_t>(i));
  }
  r.lines_removed = removed_lines;
  size_t before = f->chars();
  size_t after = CodePoints(s->text);
  r.chars_removed = before > after ? before - after : 0;
  // A decision's sentence count may stop at the minimum: then no values (an
  // empty prefix of the list; RuleDetail).
  if (!decide) {
    r.values = {{"sentences", static_cast<double>(sentences)},
                {"lines", static_cast<double>(lines.size())},
                {"lines_removed", static_cast<double>(removed_lines)},
                {"lines_too_long_word", static_cast<double>(removed_too_long)},
                {"lines_no_terminal_punctuation", static_cast<double>(removed_punct)},
                {"lines_too_few_words", static_cast<double>(removed_short)},
                {"lines_javascript", static_cast<double>(removed_js)},
                {"lines_policy", static_cast<double>(removed_policy)},
                {"chars_removed", static_cast<double>(r.chars_removed)}};
  }
  if (doc_failure != nullptr) return Fail(r, doc_failure);
  if (static_cast<double>(sentences) < p.min_sentences) return Fail(r, "too_few_sentences");
  return r;
}

RuleResult EvalFineWeb(const FineWebParams& p, TextFacts* f, RuleScratch* s) {
  RuleResult r;
  s->pieces.clear();
  size_t text_chars_no_newlines = 0;
  double punct = 0, short_lines = 0;
  const std::vector<std::string_view>& lines = f->lines();
  const std::vector<size_t>& line_chars = f->line_chars();
  for (size_t j = 0; j < lines.size(); ++j) {
    const std::string_view line = lines[j];
    const size_t chars = line_chars[j];
    text_chars_no_newlines += chars;
    if (Trim(line).empty()) continue;
    s->pieces.push_back(line);
    punct += EndsWithTerminalPunctuation(line);
    short_lines += static_cast<double>(chars) <= p.short_line_length;
  }
  if (s->pieces.empty()) return Fail(r, "empty");
  const std::string& lang = f->language();
  double n = static_cast<double>(s->pieces.size());
  size_t dup_lines = 0, dup_chars = 0;
  FindDuplicates(s->pieces, &s->table, &dup_lines, &dup_chars);
  double dup_ratio = text_chars_no_newlines > 0 ? static_cast<double>(dup_chars) / static_cast<double>(text_chars_no_newlines) : 0;
  double newlines = static_cast<double>(f->lines().size() - 1);  // the lines are split on every '\n'
  double words = static_cast<double>(f->word_count());
  double newline_ratio = words > 0 ? newlines / words : 0;
  r.values = {{"line_punct_ratio", punct / n},
              {"short_line_ratio", short_lines / n},
              {"dup_line_char_ratio", dup_ratio},
              {"newline_word_ratio", newline_ratio}};
  bool punct_applies = !NoTerminalPunctuation(lang);
  if (!punct_applies) r.skipped.push_back("line_punct_ratio");
  if (punct_applies && punct / n < p.min_line_punct_ratio) return Fail(r, "line_punct_ratio");
  if (short_lines / n > p.max_short_line_ratio) return Fail(r, "short_line_ratio");
  if (dup_ratio > p.max_dup_line_char_ratio) return Fail(r, "char_dup_ratio");
  if (newline_ratio > p.max_newline_word_ratio) return Fail(r, "list_ratio");
  return r;
}

}  // namespace

RuleResult Rule::Evaluate(TextFacts* facts, RuleScratch* scratch, RuleDetail detail) const {
  switch (spec_.kind) {
    case RuleKind::kLanguage:
      return EvalLanguage(spec_.language, facts->language_guess());
    case RuleKind::kGopherQuality:
      return EvalGopherQuality(spec_.gopher_quality, stop_words_, facts, detail);
    case RuleKind::kGopherRepetition:
      return EvalGopherRepetition(spec_.gopher_repetition, facts, scratch, detail);
    case RuleKind::kC4:
      return EvalC4(spec_.c4, facts, scratch, detail);
    case RuleKind::kFineWeb:
      return EvalFineWeb(spec_.fineweb, facts, scratch);
    case RuleKind::kClassifier: {
      RuleResult r;
      double score = classifier_->Score(facts->text());
      r.values.push_back({"classifier_score", score});
      if (score < spec_.classifier.min_score) return Fail(r, "low_classifier_score");
      return r;
    }
  }
  return RuleResult{};
}

}  // namespace stocktake::quality
