// Split-pattern scanners. See pretokenize.h for the patterns; each function
// below names the alternative it implements.
#include "stats/pretokenize.h"

#include <unicode/uchar.h>

#include <array>
#include <cstdint>

namespace stocktake::stats {
namespace {

// Character classes, as bits. kUpper and kLower are o200k's two letter
// classes ([\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] and [\p{Ll}\p{Lm}\p{Lo}\p{M}]);
// they overlap on Lm, Lo and marks.
enum : uint8_t {
  kLetter = 1,   // \p{L}
  kNumber = 2,   // \p{N}
  kSpace = 4,    // \s (White_Space)
  kNewline = 8,  // \r or \n
  kUpper = 16,
  kLower = 32,
};

uint8_t ClassOf(UChar32 c) {
  uint8_t k = 0;
  switch (u_charType(c)) {
    case U_UPPERCASE_LETTER:
    case U_TITLECASE_LETTER: k = kLetter | kUpper; break;
    case U_LOWERCASE_LETTER: k = kLetter | kLower; break;
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER: k = kLetter | kUpper | kLower; break;
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_COMBINING_SPACING_MARK: k = kUpper | kLower; break;
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER: k = kNumber; break;
    default: break;
  }
  if (u_hasBinaryProperty(c, UCHAR_WHITE_SPACE)) k |= kSpace;
  if (c == '\r' || c == '\n') k |= kNewline;
  return k;
}

// The Basic Multilingual Plane as one 64 KiB table; the rare supplementary
// characters ask ICU directly.
const std::array<uint8_t, 0x10000>& BmpTable() {
  static const auto* table = [] {
    auto* t = new std::array<uint8_t, 0x10000>;
    for (UChar32 c = 0; c < 0x10000; ++c) (*t)[c] = ClassOf(c);
    return t;
  }();
  return *table;
}

struct Char {
  uint32_t value;
  uint8_t cls;
  uint8_t len;
};

// Decodes the character at s[i] (i < n). An invalid sequence is one
// class-less byte, so the scanners always advance.
inline Char Decode(const unsigned char* s, size_t i, size_t n, const std::array<uint8_t, 0x10000>& bmp) {
  uint32_t c = s[i];
  if (c < 0x80) return {c, bmp[c], 1};
  auto cont = [&](size_t k) { return i + k < n && (s[i + k] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF && cont(1)) {
    uint32_t v = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);
    return {v, bmp[v], 2};
  }
  if (c >= 0xE0 && c <= 0xEF && cont(1) && cont(2)) {
    uint32_t v = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
    if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) return {v, bmp[v], 3};
  } else if (c >= 0xF0 && c <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    uint32_t v = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
    if (v >= 0x10000 && v <= 0x10FFFF) return {v, ClassOf(static_cast<UChar32>(v)), 4};
  }
  return {0xFFFD, 0, 1};
}

constexpr size_t kNone = static_cast<size_t>(-1);

class Scanner {
 public:
  Scanner(std::string_view text)
      : s_(reinterpret_cast<const unsigned char*>(text.data())), n_(text.size()), bmp_(BmpTable()) {}

  Char At(size_t i) const { return Decode(s_, i, n_, bmp_); }

  // End of the run of characters that have any bit of `mask`, from i.
  size_t RunOf(size_t i, uint8_t mask) const {
    while (i < n_) {
      Char c = At(i);
      if ((c.cls & mask) == 0) break;
      i += c.len;
    }
    return i;
  }
  // End of the run of [^\s\p{L}\p{N}] from i.
  size_t RunOfOther(size_t i) const {
    while (i < n_) {
      Char c = At(i);
      if (!IsOther(c)) break;
      i += c.len;
    }
    return i;
  }
  static bool IsOther(Char c) { return (c.cls & (kSpace | kLetter | kNumber)) == 0; }
  // [^\r\n\p{L}\p{N}]
  static bool IsPrefix(Char c) { return (c.cls & (kNewline | kLetter | kNumber)) == 0; }

  // 's|'t|'re|'ve|'m|'ll|'d at i (which holds the apostrophe); returns the
  // end or kNone. Case-insensitive matching uses simple case folding, under
  // which only U+017F (long s) joins the ASCII letters involved.
  size_t Contraction(size_t i, bool ignore_case) const {
    if (i >= n_ || s_[i] != '\'') return kNone;
    auto letter = [&](size_t k, size_t* next) -> uint32_t {
      if (k >= n_) return 0;
      Char c = At(k);
      *next = k + c.len;
      uint32_t v = c.value;
      if (ignore_case) {
        if (v >= 'A' && v <= 'Z') v += 'a' - 'A';
        if (v == 0x17F) v = 's';
      }
      return v;
    };
    size_t j = 0, k = 0;
    switch (letter(i + 1, &j)) {
      case 's':
      case 't':
      case 'm':
      case 'd': return j;
      case 'r':
      case 'v': return letter(j, &k) == 'e' ? k : kNone;
      case 'l': return letter(j, &k) == 'l' ? k : kNone;
      default: return kNone;
    }
  }

  // \s*[\r\n]+ | \s+(?!\S) | \s+ from i, which holds white space. \s* is
  // greedy, so the first alternative ends after the run's last line break;
  // without one, the lookahead gives back the run's last character unless the
  // run ends the text or is a single character.
  size_t Whitespace(size_t i, bool newline_alternative) const {
    size_t k = i, last_start = i, newline_end = kNone;
    while (k < n_) {
      Char c = At(k);
      if ((c.cls & kSpace) == 0) break;
      last_start = k;
      k += c.len;
      if (c.cls & kNewline) newline_end = k;
    }
    if (newline_alternative && newline_end != kNone) return newline_end;
    if (k == n_ || last_start == i) return k;
    return last_start;
  }

  // ` ?X+` where X is a class test: the optional space is taken only when X
  // matches right after it. Returns the start of the X run or kNone.
  template <class Test>
  size_t SpaceThen(size_t i, Char c0, Test test) const {
    if (test(c0)) return i;
    if (c0.value == ' ' && i + 1 < n_ && test(At(i + 1))) return i + 1;
    return kNone;
  }

  size_t Cl100k(size_t i) const {
    Char c0 = At(i);
    // (?i:'s|'t|'re|'ve|'m|'ll|'d)
    if (c0.value == '\'') {
      size_t e = Contraction(i, true);
      if (e != kNone) return e;
    }
    // [^\r\n\p{L}\p{N}]?\p{L}+
    if (c0.cls & kLetter) return RunOf(i, kLetter);
    if (IsPrefix(c0) && i + c0.len < n_ && (At(i + c0.len).cls & kLetter)) return RunOf(i + c0.len, kLetter);
    // \p{N}{1,3}
    if (c0.cls & kNumber) return Numbers(i);
    // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
    size_t j = SpaceThen(i, c0, IsOther);
    if (j != kNone) return RunOf(RunOfOther(j), kNewline);
    return Whitespace(i, true);
  }

  size_t O200k(size_t i) const {
    Char c0 = At(i);
    // The two letter alternatives, each first with the optional prefix
    // character taken (when it is one), then without it.
    const bool prefix = IsPrefix(c0);
    size_t e = kNone;
    if (prefix) e = UpperThenLower(i + c0.len);
    if (e == kNone) e = UpperThenLower(i);
    if (e == kNone && prefix) e = UpperRunThenLower(i + c0.len);
    if (e == kNone) e = UpperRunThenLower(i);
    if (e != kNone) {
      size_t c = Contraction(e, true);
      return c != kNone ? c : e;
    }
    // \p{N}{1,3}
    if (c0.cls & kNumber) return Numbers(i);
    // ` ?[^\s\p{L}\p{N}]+[\r\n/]*`
    size_t j = SpaceThen(i, c0, IsOther);
    if (j != kNone) {
      size_t k = RunOfOther(j);
      while (k < n_ && (s_[k] == '\r' || s_[k] == '\n' || s_[k] == '/')) ++k;
      return k;
    }
    return Whitespace(i, true);
  }

  size_t R50k(size_t i) const {
    Char c0 = At(i);
    // 's|'t|'re|'ve|'m|'ll|'d
    if (c0.value == '\'') {
      size_t e = Contraction(i, false);
      if (e != kNone) return e;
    }
    // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
    size_t j = SpaceThen(i, c0, [](Char c) { return (c.cls & kLetter) != 0; });
    if (j != kNone) return RunOf(j, kLetter);
    j = SpaceThen(i, c0, [](Char c) { return (c.cls & kNumber) != 0; });
    if (j != kNone) return RunOf(j, kNumber);
    j = SpaceThen(i, c0, IsOther);
    if (j != kNone) return RunOfOther(j);
    // \s+(?!\S)|\s+
    return Whitespace(i, false);
  }

 private:
  size_t Numbers(size_t i) const {
    for (int taken = 0; taken < 3 && i < n_; ++taken) {
      Char c = At(i);
      if ((c.cls & kNumber) == 0) break;
      i += c.len;
    }
    return i;
  }

  // [Upper]*[Lower]+ from s. When the character after the greedy upper run
  // is lower, the lower run follows; otherwise backtracking gives back upper
  // characters until one that is also lower (Lm, Lo, marks) ends the match.
  size_t UpperThenLower(size_t s) const {
    size_t k = s, last_lower_end = kNone;
    while (k < n_) {
      Char c = At(k);
      if ((c.cls & kUpper) == 0) break;
      k += c.len;
      if (c.cls & kLower) last_lower_end = k;
    }
    if (k < n_ && (At(k).cls & kLower)) return RunOf(k, kLower);
    return last_lower_end;
  }

  // [Upper]+[Lower]* from s.
  size_t UpperRunThenLower(size_t s) const {
    size_t k = RunOf(s, kUpper);
    if (k == s) return kNone;
    return RunOf(k, kLower);
  }

  const unsigned char* s_;
  size_t n_;
  const std::array<uint8_t, 0x10000>& bmp_;
};

}  // namespace

std::optional<SplitPattern> SplitPatternByName(std::string_view name) {
  if (name == "cl100k_base") return SplitPattern::kCl100k;
  if (name == "o200k_base") return SplitPattern::kO200k;
  if (name == "r50k_base" || name == "gpt2") return SplitPattern::kR50k;
  return std::nullopt;
}

std::string_view SplitPatternName(SplitPattern pattern) {
  switch (pattern) {
    case SplitPattern::kCl100k: return "cl100k_base";
    case SplitPattern::kO200k: return "o200k_base";
    case SplitPattern::kR50k: return "r50k_base";
  }
  return "";
}

size_t PieceEnd(SplitPattern pattern, std::string_view text, size_t pos) {
  Scanner scanner(text);
  switch (pattern) {
    case SplitPattern::kCl100k: return scanner.Cl100k(pos);
    case SplitPattern::kO200k: return scanner.O200k(pos);
    case SplitPattern::kR50k: return scanner.R50k(pos);
  }
  return text.size();
}

std::vector<std::string_view> SplitPieces(SplitPattern pattern, std::string_view text) {
  std::vector<std::string_view> pieces;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = PieceEnd(pattern, text, pos);
    pieces.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return pieces;
}

}  // namespace stocktake::stats
