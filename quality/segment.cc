// Segmentation. The word fast path classifies each character of a line with
// a table built once from ICU's Word_Break property for the whole BMP and
// applies rules WB3d and WB5-WB13b, with ICU's root tailoring (':' is not
// MidLetter, '@' is a letter); characters with rules of their own or with
// dictionary segmentation send the line to ICU. The sentence fast path does
// the same with Sentence_Break and rules SB6-SB11.
// tests/quality/segment_test.cc checks both paths against ICU on real text.
#include "quality/segment.h"

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>
#include <unicode/utext.h>

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/byte_scan.h"
#include "common/hash.h"
#include "quality/utf8_bmp.h"

namespace stocktake::quality {

namespace {

enum Class : uint8_t {
  kOther, kLetter, kNumeric, kMidLetter, kMidNumLet, kSingleQuote, kMidNum, kExtendNumLet, kSpace, kExtend, kReject
};

// Word-break class of every BMP code point, as the fast path sees it (built
// once from ICU's properties). kReject marks what the fast path leaves to
// ICU: characters ICU segments with dictionaries (Han, Hiragana, Katakana,
// Hangul, and the Complex_Context scripts Thai, Lao, Khmer, Burmese),
// characters with their own joining rules (ZWJ, regional indicators, Hebrew
// letters, Katakana), and surrogates. kExtend (Extend and Format: combining
// marks, ZWNJ, soft hyphen, direction marks) joins the character before it
// (WB4); the fast path takes it only inside a word, and leaves a line with
// one elsewhere to ICU.
struct BmpClasses {
  Class of[0x10000];
  BmpClasses() {
    for (UChar32 c = 0; c < 0x10000; ++c) of[c] = ClassOf(c);
  }
  static Class ClassOf(UChar32 c) {
    if (U_IS_SURROGATE(c)) return kReject;
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(c, &status);
    if (u_getIntPropertyValue(c, UCHAR_LINE_BREAK) == U_LB_COMPLEX_CONTEXT || script == USCRIPT_HAN ||
        script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA || script == USCRIPT_HANGUL ||
        u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC)) {
      return kReject;
    }
    // NARROW NO-BREAK SPACE is white space and ExtendNumLet (WB13a joins it to
    // words); a segment of it alone is white space, which Words() drops. The
    // fast path's classes cannot say both: leave it to ICU.
    if (c == 0x202F) return kReject;
    if (c == '@') return kLetter;  // ICU's root rules add '@' to ALetter
    switch (u_getIntPropertyValue(c, UCHAR_WORD_BREAK)) {
      case U_WB_ALETTER: return kLetter;
      case U_WB_NUMERIC: return kNumeric;
      // ICU's root rules take the colons out of MidLetter.
      case U_WB_MIDLETTER: return (c == ':' || c == 0xFE55 || c == 0xFF1A) ? kOther : kMidLetter;
      case U_WB_MIDNUMLET: return kMidNumLet;
      case U_WB_SINGLE_QUOTE: return kSingleQuote;
      case U_WB_MIDNUM: return kMidNum;
      case U_WB_EXTENDNUMLET: return kExtendNumLet;
      // Whitespace segments are dropped and break words on both sides, so all
      // whitespace (and CR, VT, FF) may merge into one space class without
      // changing any word.
      case U_WB_WSEGSPACE:
      case U_WB_CR:
      case U_WB_LF:
      case U_WB_NEWLINE: return kSpace;
      // Double_Quote joins only between Hebrew letters, which go to ICU.
      case U_WB_DOUBLE_QUOTE: return kOther;
      case U_WB_OTHER: return u_isUWhiteSpace(c) ? kSpace : kOther;
      case U_WB_EXTEND:
      case U_WB_FORMAT: return kExtend;
      default: return kReject;
    }
  }
};

// ASCII letters and digits (bytes >= 0x80 are not).
struct AsciiAlnum {
  bool yes[256];
  constexpr AsciiAlnum() : yes() {
    for (int c = 0; c < 256; ++c) yes[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
};
constexpr AsciiAlnum kAsciiAlnum;

// The end of the run of ASCII letters and digits at s[i] (i < n): 16 bytes
// at a time, so a word's end costs no mispredicted loop exit.
inline size_t AsciiAlnumRunEnd(const unsigned char* s, size_t i, size_t n) {
  return FindByte(
      s, i, n,
      [](const auto& v) {
        // c - 'a' <= 25 (unsigned) after folding case, or c - '0' <= 9.
        const auto letter = Sub16(Or16(v, 0x20), 'a');
        const auto digit = Sub16(v, '0');
        const auto alnum = _mm_or_si128(AtMost16(letter, 25), AtMost16(digit, 9));
        return ~Mask16(alnum) & 0xFFFFu;
      },
      [](unsigned char c) { return !kAsciiAlnum.yes[c]; });
}

const BmpClasses& Bmp() {
  static const BmpClasses* table = new BmpClasses();  // immutable after construction
  return *table;
}

// Class of the character at s[0] and its length in bytes.
inline Class Classify(const BmpClasses& bmp, const unsigned char* s, size_t left, size_t* len) {
  if (s[0] < 0x80) {
    *len = 1;
    return bmp.of[s[0]];
  }
  const int32_t cp = DecodeBmp(s, left, len);
  if (cp >= 0) return bmp.of[cp];
  *len = 1;
  return kReject;  // supplementary planes (emoji, historic scripts) and anything malformed
}

inline bool IsAHLetter(Class c) { return c == kLetter; }
inline bool WordRun(Class c) { return c == kLetter || c == kNumeric || c == kExtendNumLet; }

// A safe start: a position where UAX #29 breaks whatever came before, so
// segmenting from there gives the segments the whole line has there: the
// line's start, or a character after an ASCII space or tab that is neither
// white space (WB3d), nor Extend, Format or ZWJ (WB4), nor one the fast path
// leaves to ICU. No rule looks back over a space otherwise (WB6, WB7, WB11,
// WB12 and the regional-indicator pairs need letters, digits or indicators
// to their left), and ICU's dictionaries work on runs that a space ends.
inline bool Plain(Class c) { return c != kSpace && c != kExtend && c != kReject; }
inline bool AfterSpaceOrTab(const unsigned char* s, size_t i) { return s[i - 1] == ' ' || s[i - 1] == '\t'; }

struct FastStop {
  size_t safe;    // the last safe start before the character below
  size_t reject;  // a character the fast path cannot take here (the line's size: none)
};

// Appends the words of line[from, n) (from a safe start) by the fast path.
// At a character outside its alphabet, or an Extend that does not follow a
// word character, it stops: `out` then holds the words before the last safe
// start, which it returns with the character's position.
FastStop FastWords(std::string_view line, size_t from, std::vector<std::string_view>* out) {
  const BmpClasses& bmp = Bmp();
  const auto* s = reinterpret_cast<const unsigned char*>(line.data());
  const size_t n = line.size();
  size_t safe = from;
  size_t safe_size = out->size();
  size_t i = from;
  size_t len = 0;
  while (i < n) {
    Class c = Classify(bmp, s + i, n - i, &len);
    if (c == kReject || c == kExtend) {  // an Extend here would join a space or a punctuation mark
      out->resize(safe_size);
      return {safe, i};
    }
    if (i > from && Plain(c) && AfterSpaceOrTab(s, i)) {
      safe = i;
      safe_size = out->size();
    }
    size_t start = i;
    i += len;
    if (c == kSpace) continue;
    if (!WordRun(c)) {
      out->push_back(line.substr(start, i - start));  // punctuation: one segment per character
      continue;
    }
    Class prev = c;
    while (i < n) {
      // The common case first: a run of ASCII letters and digits.
      if (kAsciiAlnum.yes[s[i]]) {
        i = AsciiAlnumRunEnd(s, i, n);
        prev = bmp.of[s[i - 1]];
        if (i == n) break;
      }
      size_t l1 = 0;
      Class x = Classify(bmp, s + i, n - i, &l1);
      if (x == kReject) break;  // the outer loop stops at it
      if (x == kLetter || x == kNumeric) {
        // WB5, WB8, WB9, WB10, WB13b: letters and digits join, also after '_'.
        prev = x;
        i += l1;
        continue;
      }
      if (x == kExtendNumLet) {  // WB13a
        prev = x;
        i += l1;
        continue;
      }
      if (x == kExtend) {  // WB4: part of the character before, invisible to the rules
        i += l1;
        continue;
      }
      // Only a mid-word character can join what follows it (a space, the
      // common case, cannot).
      if (x != kMidLetter && x != kMidNumLet && x != kSingleQuote && x != kMidNum) break;
      if (i + l1 < n) {
        size_t l2 = 0;
        Class y = Classify(bmp, s + i + l1, n - i - l1, &l2);
        if (y == kReject) break;
        bool letter_mid = IsAHLetter(prev) && IsAHLetter(y) &&
                          (x == kMidLetter || x == kMidNumLet || x == kSingleQuote);  // WB6, WB7
        bool number_mid = prev == kNumeric && y == kNumeric &&
                          (x == kMidNum || x == kMidNumLet || x == kSingleQuote);  // WB11, WB12
        if (letter_mid || number_mid) {
          prev = y;
          i += l1 + l2;
          continue;
        }
      }
      break;
    }
    out->push_back(line.substr(start, i - start));
  }
  return {n, n};
}

// Where ICU's stretch ends when the fast path stopped at `reject`: the first
// safe start after it whose word (up to the next space or tab) holds nothing
// the fast path leaves to ICU, or the end of the line. A run of such words
// (Korean, say) goes to ICU in one call.
size_t IcuStretchEnd(std::string_view line, size_t reject) {
  const BmpClasses& bmp = Bmp();
  const auto* s = reinterpret_cast<const unsigned char*>(line.data());
  const size_t n = line.size();
  size_t i = reject + 1;
  for (;;) {
    while (i < n && s[i] != ' ' && s[i] != '\t') ++i;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= n) return n;
    size_t len = 0;
    if (!Plain(Classify(bmp, s + i, n - i, &len))) continue;
    bool takes = true;
    size_t j = i + len;
    while (j < n && s[j] != ' ' && s[j] != '\t') {
      if (Classify(bmp, s + j, n - j, &len) == kReject) {
        takes = false;
        break;
      }
      j += len;
    }
    if (takes) return i;
    i = j;
  }
}

// Ideographs (the two main Han blocks) and kana letters: what ICU's Chinese
// and Japanese dictionary reads, as far as the segment memory goes. (Others
// it reads too, such as U+30FC or the iteration marks, are not taken: a run
// holding one is not remembered.)
bool IdeographOrKana(UChar32 c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x3041 && c <= 0x3096) ||
         (c >= 0x30A1 && c <= 0x30FA);
}

// True if `s` is not empty and holds such characters only (all three-byte
// UTF-8, lead bytes E3 to E9).
bool AllIdeographsOrKana(std::string_view s) {
  if (s.empty() || s.size() % 3 != 0) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (size_t i = 0; i < s.size(); i += 3) {
    if (p[i] < 0xE3 || p[i] > 0xE9) return false;
    if ((p[i + 1] & 0xC0) != 0x80 || (p[i + 2] & 0xC0) != 0x80) return false;
    const UChar32 c = ((p[i] & 0x0F) << 12) | ((p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
    if (!IdeographOrKana(c)) return false;
  }
  return true;
}

// Punctuation that ICU's dictionary does not read, and that Chinese and
// Japanese text puts between runs: ideographic space, comma and full stop,
// the CJK brackets, fullwidth ! ( ) , : ; ?, curly quotes, dash, ellipsis.
bool CjkPunctuation(UChar32 c) {
  return c == 0x3000 || c == 0x3001 || c == 0x3002 || (c >= 0x3008 && c <= 0x3011) || c == 0xFF01 ||
         c == 0xFF08 || c == 0xFF09 || c == 0xFF0C || c == 0xFF1A || c == 0xFF1B || c == 0xFF1F || c == 0x2014 ||
         c == 0x2018 || c == 0x2019 || c == 0x201C || c == 0x201D || c == 0x2026;
}

// True if the character just before (or at) byte `at` of `span` ends a run
// that ICU's dictionary reads alone: the span's edge, ASCII, or CJK
// punctuation.
bool EndsRun(std::string_view span, size_t at, bool before) {
  const auto* p = reinterpret_cast<const uint8_t*>(span.data());
  const auto n = static_cast<int32_t>(span.size());
  auto i = static_cast<int32_t>(at);
  UChar32 c;
  if (before) {
    if (i == 0) return true;
    U8_PREV(p, 0, i, c);
  } else {
    if (i >= n) return true;
    U8_NEXT(p, i, n, c);
  }
  return (c >= 0 && c < 0x80) || CjkPunctuation(c);
}

bool IsWhitespaceSegment(std::string_view seg) {
  const auto* s = reinterpret_cast<const uint8_t*>(seg.data());
  const int32_t n = static_cast<int32_t>(seg.size());
  int32_t i = 0;
  while (i < n) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0 || !u_isUWhiteSpace(c)) return false;
  }
  return true;
}

}  // namespace

Segmenter::Segmenter() {
  UErrorCode status = U_ZERO_ERROR;
  words_ = ubrk_open(UBRK_WORD, "", nullptr, 0, &status);
  status = U_ZERO_ERROR;
  sentences_ = ubrk_open(UBRK_SENTENCE, "", nullptr, 0, &status);
}

Segmenter::~Segmenter() {
  if (words_ != nullptr) ubrk_close(words_);
  if (sentences_ != nullptr) ubrk_close(sentences_);
  if (utext_ != nullptr) utext_close(utext_);
}

bool Segmenter::Attach(UBreakIterator* iterator, std::string_view text) {
  if (text.empty() || iterator == nullptr) return false;
  UErrorCode status = U_ZERO_ERROR;
  utext_ = utext_openUTF8(utext_, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return false;
  ubrk_setUText(iterator, utext_, &status);
  return U_SUCCESS(status);
}

void Segmenter::IcuSegments(std::string_view text, std::vector<std::string_view>* out) {
  if (!Attach(words_, text)) return;
  int32_t prev = ubrk_first(words_);
  for (int32_t next = ubrk_next(words_); next != UBRK_DONE; prev = next, next = ubrk_next(words_)) {
    std::string_view seg = text.substr(static_cast<size_t>(prev), static_cast<size_t>(next - prev));
    if (!IsWhitespaceSegment(seg)) out->push_back(seg);
  }
}

void Segmenter::IcuSpan(std::string_view span, std::vector<std::string_view>* out) {
  // Spaces and tabs alone make no segment Words() keeps (often all there is
  // between two remembered runs).
  if (span.find_first_not_of(" \t") == std::string_view::npos) return;
  const size_t first = out->size();
  IcuSegments(span, out);
  if (memo_on_) Remember(span, *out, first);
}

void Segmenter::IcuLine(std::string_view line, std::vector<std::string_view>* out) {
  if (memo_used_ == 0) {  // nothing to recall (yet)
    IcuSpan(line, out);
    return;
  }
  // The runs of ideographs and kana between spaces that are remembered take
  // their segments from memory, and ICU reads what lies between them: it
  // breaks after a space before such a run and after the run before a space
  // whatever surrounds them, so the segments are those of the whole line.
  const size_t n = line.size();
  size_t span_start = 0;
  for (size_t i = 0; i < n;) {
    while (i < n && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < n && line[j] != ' ' && line[j] != '\t') ++j;
    const std::string_view run = line.substr(i, j - i);
    if (const MemoSlot* found = AllIdeographsOrKana(run) ? Remembered(run) : nullptr) {
      const MemoSlot slot = *found;  // a copy: the span before may remember runs and grow the table
      IcuSpan(line.substr(span_start, i - span_start), out);
      Recall(run, slot, out);
      span_start = j;
    }
    i = j;
  }
  IcuSpan(line.substr(span_start), out);
}

void Segmenter::BeginDocument() {
  memo_on_ = true;
  if (memo_.size() != kMemoSlots) {
    std::vector<MemoSlot>(kMemoSlots).swap(memo_);  // a large document's table goes
  } else if (memo_used_ > 0) {
    memo_.assign(kMemoSlots, MemoSlot{});
  }
  memo_used_ = 0;
  recalled_ = 0;
  memo_bytes_.clear();
  memo_ends_.clear();
  if (memo_bytes_.capacity() > kMemoKeep) std::string().swap(memo_bytes_);
  if (memo_ends_.capacity() * sizeof(uint32_t) > kMemoKeep) std::vector<uint32_t>().swap(memo_ends_);
}

size_t Segmenter::Find(std::string_view run, uint64_t hash) const {
  const size_t mask = memo_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const MemoSlot& slot = memo_[i];
    if (slot.key_size == 0) return i;
    if (slot.hash == hash && std::string_view(memo_bytes_.data() + slot.key, slot.key_size) == run) return i;
  }
}

const Segmenter::MemoSlot* Segmenter::Remembered(std::string_view run) const {
  if (memo_used_ == 0) return nullptr;
  const MemoSlot& slot = memo_[Find(run, Hash64(run))];
  return slot.key_size != 0 ? &slot : nullptr;
}

void Segmenter::Recall(std::string_view run, const MemoSlot& slot, std::vector<std::string_view>* out) const {
  ++recalled_;
  uint32_t begin = 0;
  for (uint32_t k = 0; k < slot.count; ++k) {
    const uint32_t end = memo_ends_[slot.first + k];
    out->push_back(run.substr(begin, end - begin));
    begin = end;
  }
}

void Segmenter::Remember(std::string_view span, const std::vector<std::string_view>& out, size_t first) {
  for (size_t k = first; k < out.size(); ++k) {
    if (!AllIdeographsOrKana(out[k])) continue;
    // A run of such segments, one after another with nothing between.
    size_t m = k;
    while (m + 1 < out.size() && out[m + 1].data() == out[m].data() + out[m].size() &&
           AllIdeographsOrKana(out[m + 1])) {
      ++m;
    }
    const char* begin = out[k].data();
    const char* end = out[m].data() + out[m].size();
    const size_t at = static_cast<size_t>(begin - span.data());
    const size_t stop = static_cast<size_t>(end - span.data());
    const size_t first_segment = k;
    k = m;
    // ICU's dictionary read this run alone only if what borders it is not
    // something it reads too.
    if (!EndsRun(span, at, /*before=*/true) || !EndsRun(span, stop, /*before=*/false)) continue;
    const std::string_view run(begin, stop - at);
    if (memo_bytes_.size() + run.size() > kMemoBytes || memo_used_ >= kMemoRuns) return;
    if (2 * (memo_used_ + 1) > memo_.size()) GrowMemo();
    const uint64_t hash = Hash64(run);
    MemoSlot& slot = memo_[Find(run, hash)];
    if (slot.key_size != 0) continue;  // remembered already
    slot = MemoSlot{hash, static_cast<uint32_t>(memo_bytes_.size()), static_cast<uint32_t>(run.size()),
                     static_cast<uint32_t>(memo_ends_.size()), static_cast<uint32_t>(m - first_segment + 1)};
    memo_bytes_.append(run);
    for (size_t q = first_segment; q <= m; ++q) {
      memo_ends_.push_back(static_cast<uint32_t>(out[q].data() + out[q].size() - begin));
    }
    ++memo_used_;
  }
}

void Segmenter::GrowMemo() {
  std::vector<MemoSlot> old(memo_.size() * 2);
  old.swap(memo_);
  const size_t mask = memo_.size() - 1;
  for (const MemoSlot& slot : old) {
    if (slot.key_size == 0) continue;
    size_t i = slot.hash & mask;
    while (memo_[i].key_size != 0) i = (i + 1) & mask;
    memo_[i] = slot;
  }
}

void Segmenter::Words(std::string_view text, std::vector<std::string_view>* out) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    LineWords(text.substr(pos, end - pos), out);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
}

void Segmenter::LineWords(std::string_view line, std::vector<std::string_view>* out) {
  // The fast path up to what it cannot take, ICU from the last safe start
  // before that to the next safe start it can take again, and so on: a line
  // with one Hangul word or an emoji is not segmented by ICU as a whole.
  for (size_t pos = 0;;) {
    const FastStop stop = FastWords(line, pos, out);
    if (stop.safe >= line.size()) return;
    const size_t end = IcuStretchEnd(line, stop.reject);
    IcuLine(line.substr(stop.safe, end - stop.safe), out);
    pos = end;
  }
}

void Segmenter::WordsIcu(std::string_view text, std::vector<std::string_view>* out) { IcuSegments(text, out); }

size_t Segmenter::CountWords(std::string_view text, std::vector<std::string_view>* scratch) {
  scratch->clear();
  Words(text, scratch);
  return CountWordSegments(*scratch);
}

size_t Segmenter::CountWordSegments(std::span<const std::string_view> segments) {
  size_t words = 0;
  for (std::string_view segment : segments) {
    const auto* s = reinterpret_cast<const uint8_t*>(segment.data());
    const int32_t n = static_cast<int32_t>(segment.size());
    for (int32_t i = 0; i < n;) {
      if (s[i] < 0x80) {  // ASCII: letters and digits are the only L and N
        if (kAsciiAlnum.yes[s[i]]) {
          ++words;
          break;
        }
        ++i;
        continue;
      }
      UChar32 c;
      U8_NEXT(s, i, n, c);
      if (c >= 0 && (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK)) != 0) {
        ++words;
        break;
      }
    }
  }
  return words;
}

namespace {

// Sentence-break classes as the fast path sees them (UAX #29 SB classes;
// kSReject: Extend, Format, and the paragraph separators, left to ICU).
enum SClass : uint8_t { kSOther, kSSp, kSLower, kSUpper, kSOLetter, kSNumeric, kSATerm, kSSTerm, kSClose, kSContinue, kSReject };

struct SentenceClasses {
  SClass of[0x10000];
  SentenceClasses() {
    for (UChar32 c = 0; c < 0x10000; ++c) {
      if (U_IS_SURROGATE(c)) {
        of[c] = kSReject;
        continue;
      }
      switch (u_getIntPropertyValue(c, UCHAR_SENTENCE_BREAK)) {
        case U_SB_SP: of[c] = kSSp; break;
        case U_SB_LOWER: of[c] = kSLower; break;
        case U_SB_UPPER: of[c] = kSUpper; break;
        case U_SB_OLETTER: of[c] = kSOLetter; break;
        case U_SB_NUMERIC: of[c] = kSNumeric; break;
        case U_SB_ATERM: of[c] = kSATerm; break;
        case U_SB_STERM: of[c] = kSSTerm; break;
        case U_SB_CLOSE: of[c] = kSClose; break;
        case U_SB_SCONTINUE: of[c] = kSContinue; break;
        case U_SB_OTHER: of[c] = kSOther; break;
        default: of[c] = kSReject; break;  // Extend, Format, Sep, CR, LF
      }
    }
  }
};

const SentenceClasses& Sentences() {
  static const SentenceClasses* table = new SentenceClasses();  // immutable after construction
  return *table;
}

constexpr uint8_t kBlankBit = 0x80;  // marks ' ' and '\t' in Segmenter::classes_

inline bool IsSATerm(SClass c) { return c == kSATerm || c == kSSTerm; }

// Rules SB6-SB11 over m characters: cls(k) is the class of character k,
// blank(k) whether it is a space or a tab. Returns the number of sentences
// holding something other than spaces and tabs.
template <typename Cls, typename Blank>
size_t ApplySentenceRules(size_t m, Cls cls, Blank blank) {
  size_t sentences = 0;
  bool content = false;  // the current segment has a character other than space or tab
  for (size_t i = 0; i < m;) {
    const SClass c = cls(i);
    if (!IsSATerm(c)) {
      content = content || !blank(i);
      ++i;
      continue;
    }
    content = true;
    size_t j = i + 1;
    if (c == kSATerm && j < m) {
      if (cls(j) == kSNumeric) {  // SB6
        i = j;
        continue;
      }
      if (i > 0 && (cls(i - 1) == kSUpper || cls(i - 1) == kSLower) && cls(j) == kSUpper) {  // SB7
        i = j;
        continue;
      }
    }
    while (j < m && cls(j) == kSClose) ++j;  // SB9
    while (j < m && cls(j) == kSSp) ++j;     // SB10
    if (j == m) break;
    if (c == kSATerm) {  // SB8: no break before a lowercase continuation
      size_t k = j;
      while (k < m && cls(k) != kSOLetter && cls(k) != kSUpper && cls(k) != kSLower &&
             !IsSATerm(cls(k))) {
        ++k;
      }
      if (k < m && cls(k) == kSLower) {
        i = j;
        continue;
      }
    }
    if (cls(j) == kSContinue || IsSATerm(cls(j))) {  // SB8a
      i = j;
      continue;
    }
    ++sentences;  // SB11: a break at j
    content = false;
    i = j;
  }
  return sentences + (content ? 1 : 0);
}

// True if `text` is ASCII without CR or LF (their classes are not the fast
// path's).
bool AsciiWithoutBreaks(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  uint64_t high = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    std::memcpy(&x, s + i, 8);
    high |= x;
  }
  for (; i < n; ++i) high |= s[i];
  if ((high & 0x8080808080808080ULL) != 0) return false;
  return std::memchr(s, '\n', n) == nullptr && std::memchr(s, '\r', n) == nullptr;
}

}  // namespace

// The fast path applies rules SB6-SB11 to the classes of the text's
// characters; anything with Extend/Format characters, line or paragraph
// separators, or characters outside the BMP goes to ICU. ASCII text is
// classified byte by byte as the rules read it; other text is decoded into
// a buffer of classes first.
bool Segmenter::FastSentences(std::string_view text, size_t* count) {
  const SentenceClasses& table = Sentences();
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  if (AsciiWithoutBreaks(text)) {
    *count = ApplySentenceRules(
        n, [&](size_t k) { return table.of[s[k]]; }, [&](size_t k) { return s[k] == ' ' || s[k] == '\t'; });
    return true;
  }
  if (classes_.size() < n) classes_.resize(n);  // at most one class per byte; never shrinks
  uint8_t* const classes = classes_.data();
  size_t m = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    UChar32 cp;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else {
      size_t len = 0;
      cp = DecodeBmp(s + i, n - i, &len);
      if (cp < 0) return false;  // ICU's path reads it as U+FFFD
      i += len;
    }
    SClass k = table.of[cp];
    if (k == kSReject) return false;
    classes[m++] = static_cast<uint8_t>(k | ((cp == ' ' || cp == '\t') ? kBlankBit : 0));
  }
  *count = ApplySentenceRules(
      m, [&](size_t k) { return static_cast<SClass>(classes[k] & ~kBlankBit); },
      [&](size_t k) { return (classes[k] & kBlankBit) != 0; });
  return true;
}

size_t Segmenter::CountSentences(std::string_view text) {
  // ASCII without '.', '!', '?' or a line break has no sentence boundary:
  // one sentence if anything but spaces and tabs, else none.
  bool content = false;
  size_t i = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80 || c == '.' || c == '!' || c == '?' || c == '\n' || c == '\r') break;
    content = content || (c != ' ' && c != '\t');
  }
  if (i == text.size()) return content ? 1 : 0;
  size_t fast = 0;
  if (FastSentences(text, &fast)) return fast;  // false for CR or LF: ICU
  return CountSentencesIcu(text);
}

size_t Segmenter::CountSentencesIcu(std::string_view text) {
  if (!Attach(sentences_, text)) return 0;
  size_t count = 0;
  int32_t prev = ubrk_first(sentences_);
  for (int32_t next = ubrk_next(sentences_); next != UBRK_DONE; prev = next, next = ubrk_next(sentences_)) {
    std::string_view seg = text.substr(static_cast<size_t>(prev), static_cast<size_t>(next - prev));
    for (char c : seg) {
      if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        ++count;
        break;
      }
    }
  }
  return count;
}

void SplitLines(std::string_view text, std::vector<std::string_view>* out) {
  // Lines are short: a 16-byte newline mask instead of a memchr call each.
  size_t start = 0;
  ForEachByte(
      reinterpret_cast<const unsigned char*>(text.data()), text.size(),
      [](const auto& v) { return Mask16(Equal16(v, '\n')); }, [](unsigned char c) { return c == '\n'; },
      [&](size_t nl) {
        out->push_back(text.substr(start, nl - start));
        start = nl + 1;
      });
  out->push_back(text.substr(start));
}

void SplitParagraphs(std::string_view text, std::vector<std::string_view>* out) {
  while (!text.empty() && (text.front() == '\n' || text.front() == ' ')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  size_t pos = 0;
  for (;;) {
    size_t gap = text.find("\n\n", pos);
    if (gap == std::string_view::npos) {
      out->push_back(text.substr(pos));
      return;
    }
    out->push_back(text.substr(pos, gap - pos));
    pos = gap;
    while (pos < text.size() && text[pos] == '\n') ++pos;
  }
}

size_t CodePointsLong(std::string_view s) {
  // Every byte but a continuation byte (10xxxxxx) starts a code point.
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t starts = 0;
  size_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: as signed bytes, continuation bytes are -128..-65,
  // so a start is a byte above -65. Per-byte counters take up to 255 blocks
  // before they are summed.
  const __m128i limit = _mm_set1_epi8(-65);
  while (i + 16 <= n) {
    __m128i counts = _mm_setzero_si128();
    for (int block = 0; block < 255 && i + 16 <= n; ++block, i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      counts = _mm_sub_epi8(counts, _mm_cmpgt_epi8(v, limit));  // a true compare is -1
    }
    const __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
    starts += static_cast<size_t>(_mm_cvtsi128_si32(sums)) + static_cast<size_t>(_mm_extract_epi16(sums, 4));
  }
  if (i < n && n >= 16) {  // the tail: the last 16 bytes, without those counted
    const uint32_t tail = Mask16(_mm_cmpgt_epi8(Load16(p + n - 16), limit)) & TailBits(i, n);
    return starts + PopCount16(tail);
  }
#endif
  for (; i < n; ++i) starts += (p[i] & 0xC0) != 0x80;
  return starts;
}

}  // namespace stocktake::quality
