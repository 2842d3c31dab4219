// Normalization. The layout pass walks bytes: ASCII is handled inline, and
// only the lead bytes of C1 controls (C2 80-9F), private-use code points
// (EE/EF.. for U+E000-U+F8FF, F3 B0.. / F4 80.. for planes 15-16) and the
// line/paragraph separators (E2 80 A8/A9) need a look at the following bytes,
// so valid UTF-8 stays valid and the common case costs one branch per byte.
// NFC/NFKC uses ICU's UTF-8 normalizer after its quick check.
//
// The dedup form follows datatrove's simplify_text: lowercase (here: full
// case folding), digit runs (with one decimal part) to "0", punctuation
// (Unicode P* and the ASCII symbols of Python's string.punctuation) to a
// space, whitespace collapsed, then NFD with nonspacing marks removed.
#include "quality/normalize.h"

#include <array>

#include <unicode/bytestream.h>
#include <unicode/casemap.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstring>

#include "common/byte_scan.h"
#include "quality/utf8_bmp.h"

namespace stocktake::quality {

namespace {

// The first byte at or after p[i] that is not ASCII (n if none).
inline size_t NextNonAscii(const unsigned char* p, size_t i, size_t n) {
  return FindByte(p, i, n, [](const auto& v) { return Mask16(v); }, [](unsigned char c) { return c >= 0x80; });
}

// The first ASCII byte at or after p[i] (n if none).
inline size_t NextAscii(const unsigned char* p, size_t i, size_t n) {
  return FindByte(p, i, n, [](const auto& v) { return ~Mask16(v) & 0xFFFFu; }, [](unsigned char c) { return c < 0x80; });
}

// ASCII runs at least this long are not passed to ICU by DedupForm.
constexpr size_t kAsciiCopy = 32;

// Where DedupForm's folding stretch from the non-ASCII byte p[lead] ends: at the
// start of the next run of kAsciiCopy ASCII bytes, or at n. (A shorter run
// costs less inside the stretch than a call of its own.)
size_t FoldStretchEnd(const unsigned char* p, size_t lead, size_t n) {
  for (size_t i = lead;;) {
    const size_t ascii = NextAscii(p, i, n);
    if (ascii == n) return n;
    const size_t other = NextNonAscii(p, ascii, std::min(n, ascii + kAsciiCopy));
    if (other - ascii >= kAsciiCopy || other == n) return ascii;
    i = other;
  }
}

// 16 bytes at a time: a loop that stops at the first hit does not vectorize.
bool IsAscii(std::string_view s) {
  return NextNonAscii(reinterpret_cast<const unsigned char*>(s.data()), 0, s.size()) == s.size();
}

// True if every code point is below U+0300: such text is in NFC (nothing
// there decomposes or combines), though not necessarily in NFKC.
bool BelowCombiningMarks(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  // Lead bytes of U+0300 and up are 0xCC and above.
  return FindByte(
             p, 0, s.size(),
             [](const auto& v) { return Mask16(AtLeast16(v, 0xCC)); },
             [](unsigned char c) { return c >= 0xCC; }) == s.size();
}

// One bit per BMP code point: NFC_Quick_Check is Yes and the canonical
// combining class is 0. A text of only such characters is in NFC (UAX #15's
// quick check answers Yes: no character may change, and there is no order
// of marks to check). Built once from ICU's properties.
struct NfcStableBmp {
  uint64_t bits[0x10000 / 64] = {};
  NfcStableBmp() {
    for (UChar32 c = 0; c < 0x10000; ++c) {
      if (u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) == UNORM_YES && u_getCombiningClass(c) == 0) {
        bits[c >> 6] |= uint64_t{1} << (c & 63);
      }
    }
  }
};

// True if every character of `s` is NFC-stable by the table above (then `s`
// is in NFC); false for anything else, including characters past the BMP
// and ill-formed UTF-8, which ICU then checks. Runs of ASCII are skipped
// 16 bytes at a time.
bool NfcStableText(std::string_view s) {
  static const NfcStableBmp* table = new NfcStableBmp();  // immutable after construction
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    if (p[i] < 0x80) {
      i = FindByte(p, i, n, [](const auto& v) { return Mask16(v); }, [](unsigned char c) { return c >= 0x80; });
      continue;
    }
    size_t len = 0;
    const int32_t c = DecodeBmp(p + i, n - i, &len);
    if (c < 0 || ((table->bits[c >> 6] >> (c & 63)) & 1) == 0) return false;
    i += len;
  }
  return true;
}

// One of ICU's normalizer singletons, or null if ICU cannot provide it.
const icu::Normalizer2* Fetch(const icu::Normalizer2* (*get)(UErrorCode&)) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = get(status);
  return U_SUCCESS(status) ? n : nullptr;
}

// ICU's singletons, fetched once. The function-local statics (the C++
// runtime's guarded initialization) also make their creation visible to
// ThreadSanitizer, which cannot see ICU's own once-initialization inside the
// uninstrumented library.
const icu::Normalizer2* Instance(NormalForm form) {
  static const icu::Normalizer2* const nfc = Fetch(&icu::Normalizer2::getNFCInstance);
  static const icu::Normalizer2* const nfkc = Fetch(&icu::Normalizer2::getNFKCInstance);
  return form == NormalForm::kNFKC ? nfkc : nfc;
}

const icu::Normalizer2* NfdInstance() {
  static const icu::Normalizer2* const nfd = Fetch(&icu::Normalizer2::getNFDInstance);
  return nfd;
}

// Length of the UTF-8 sequence with lead byte c (valid input assumed).
inline size_t SeqLen(unsigned char c) { return c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

// Control or private-use code point at p (non-ASCII lead byte)? Also reports
// U+2028/U+2029 as line breaks.
enum class Special { kNone, kRemove, kNewline };
inline Special Classify(const unsigned char* p, size_t left) {
  unsigned char c = p[0];
  if (c == 0xC2 && left >= 2 && p[1] >= 0x80 && p[1] <= 0x9F) return Special::kRemove;  // C1
  if (c == 0xE2 && left >= 3 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) return Special::kNewline;
  if ((c == 0xEE) || (c == 0xEF && left >= 2 && p[1] <= 0xA3)) return Special::kRemove;  // U+E000-U+F8FF
  if (c == 0xF3 && left >= 2 && p[1] >= 0xB0) return Special::kRemove;                   // plane 15
  if (c == 0xF4 && left >= 2 && p[1] <= 0x8F) return Special::kRemove;                   // plane 16
  return Special::kNone;
}

constexpr std::string_view kAsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

// The dedup form of each ASCII character: itself lower-cased, or one of two
// markers (bytes no ASCII character maps to).
constexpr char kDedupSeparator = static_cast<char>(0x80);
constexpr char kDedupDigit = static_cast<char>(0x81);
constexpr std::array<char, 128> kDedupAscii = [] {
  std::array<char, 128> t{};
  for (int c = 0; c < 128; ++c) t[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  for (char c : kAsciiPunctuation) t[static_cast<size_t>(c)] = kDedupSeparator;
  for (char c : {' ', '\t', '\n', '\r', '\f', '\v'}) t[static_cast<size_t>(c)] = kDedupSeparator;
  for (int c = '0'; c <= '9'; ++c) t[c] = kDedupDigit;
  return t;
}();

}  // namespace

// Bytes that need the careful path: controls (but tab), DEL, and the lead
// bytes Classify() looks at.
struct SpecialBytes {
  bool yes[256];
  constexpr SpecialBytes() : yes() {
    for (int c = 0; c < 0x20; ++c) yes[c] = c != '\t';
    yes[0x7F] = true;
    for (int c : {0xC2, 0xE2, 0xEE, 0xEF, 0xF3, 0xF4}) yes[c] = true;
  }
};
constexpr SpecialBytes kSpecial;

namespace {

// The first byte in p[i, end) that kSpecial marks: 16 bytes at a time.
inline size_t NextSpecial(const unsigned char* p, size_t i, size_t end) {
  return FindByte(
      p, i, end,
      [](const auto& v) {
        // Controls but tab (c <= 0x1F unsigned), DEL, and Classify's lead bytes.
        const auto control =
            _mm_andnot_si128(Equal16(v, '\t'), AtMost16(v, 0x1F));
        const auto leads = _mm_or_si128(_mm_or_si128(_mm_or_si128(Equal16(v, 0xC2), Equal16(v, 0xE2)),
                                                     _mm_or_si128(Equal16(v, 0xEE), Equal16(v, 0xEF))),
                                        _mm_or_si128(Equal16(v, 0xF3), Equal16(v, 0xF4)));
        return Mask16(_mm_or_si128(_mm_or_si128(control, Equal16(v, 0x7F)), leads));
      },
      [](unsigned char c) { return kSpecial.yes[c]; });
}

}  // namespace

size_t CanonicalizeWhitespace(std::string_view text, std::string* out) {
  out->clear();
  out->reserve(text.size());
  size_t removed = 0;
  size_t pending_newlines = 0;
  std::string spaces;  // spaces and tabs since the last visible character on this line
  auto visible = [&](std::string_view bytes) {
    if (!out->empty()) {
      if (pending_newlines > 0) out->append(pending_newlines > 1 ? "\n\n" : "\n");
      out->append(spaces);  // interior spacing and indentation are kept
    }
    pending_newlines = 0;
    spaces.clear();
    out->append(bytes);
  };
  // The careful path, character by character.
  auto careful = [&](std::string_view piece) {
    const auto* p = reinterpret_cast<const unsigned char*>(piece.data());
    const size_t n = piece.size();
    for (size_t i = 0; i < n;) {
      unsigned char c = p[i];
      if (c >= 0x80) {
        size_t len = std::min(SeqLen(c), n - i);
        Special kind = Classify(p + i, n - i);
        if (kind == Special::kRemove) {
          ++removed;
        } else if (kind == Special::kNewline) {
          ++pending_newlines;
          spaces.clear();
        } else {
          visible(piece.substr(i, len));
        }
        i += len;
        continue;
      }
      if (c == '\r' && i + 1 < n && p[i + 1] == '\n') {
        ++i;
        continue;
      }
      if (c == '\n' || c == '\r') {
        ++pending_newlines;
        spaces.clear();  // trailing spaces of a line are dropped
      } else if (c == ' ' || c == '\t') {
        spaces.push_back(static_cast<char>(c));
      } else if (c < 0x20 || c == 0x7F) {
        ++removed;
      } else {
        visible(piece.substr(i, 1));
      }
      ++i;
    }
  };
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t start = 0; start < n;) {
    const void* nl = std::memchr(p + start, '\n', n - start);
    size_t end = nl == nullptr ? n : static_cast<size_t>(static_cast<const unsigned char*>(nl) - p);
    // A line needs the careful path only for a character it changes: a
    // control, or a lead byte that Classify() finds special (most are not:
    // U+2019, U+2014, NBSP and other punctuation share those lead bytes).
    const size_t piece_end = nl == nullptr ? end : end + 1;
    size_t i = NextSpecial(p, start, end);
    while (i < end && p[i] >= 0x80 && Classify(p + i, piece_end - i) == Special::kNone) i = NextSpecial(p, i + 1, end);
    if (i < end) {
      careful(text.substr(start, (nl == nullptr ? end : end + 1) - start));
    } else {
      // An ordinary line: what the careful path would do, in bulk.
      size_t first = start, last = end;
      while (first < end && (p[first] == ' ' || p[first] == '\t')) ++first;
      while (last > first && (p[last - 1] == ' ' || p[last - 1] == '\t')) --last;
      if (first < last) {
        spaces.assign(text.substr(start, first - start));
        visible(text.substr(first, last - first));
      }
      spaces.clear();
      if (nl != nullptr) ++pending_newlines;
    }
    start = nl == nullptr ? n : end + 1;
  }
  return removed;
}

TextNormalizer::TextNormalizer(NormalForm form) : form_(form) {}

std::string_view TextNormalizer::Normalize(std::string_view text, NormalizeStats* stats) {
  size_t removed = CanonicalizeWhitespace(text, &canon_);
  if (stats != nullptr) {
    stats->removed_controls = removed;
    stats->recomposed = false;
  }
  if (form_ == NormalForm::kNFC ? BelowCombiningMarks(canon_) || NfcStableText(canon_) : IsAscii(canon_)) {
    return canon_;
  }
  const icu::Normalizer2* norm = Instance(form_);
  UErrorCode status = U_ZERO_ERROR;
  if (norm == nullptr || norm->isNormalizedUTF8(canon_, status) || U_FAILURE(status)) return canon_;
  normal_.clear();
  icu::StringByteSink<std::string> sink(&normal_);
  status = U_ZERO_ERROR;
  norm->normalizeUTF8(0, canon_, sink, nullptr, status);
  if (U_FAILURE(status)) return canon_;
  if (stats != nullptr) stats->recomposed = true;
  return normal_;
}

namespace {

// What the dedup form does with a code point past ASCII.
enum DedupKind : uint8_t { kKeep, kMark, kDigit, kSeparator };

DedupKind DedupKindOf(UChar32 c) {
  const int8_t type = u_charType(c);
  if (type == U_NON_SPACING_MARK) return kMark;
  if (type == U_DECIMAL_DIGIT_NUMBER) return kDigit;
  if (u_ispunct(c) || u_isUWhiteSpace(c)) return kSeparator;
  return kKeep;
}

// DedupKindOf for the whole BMP, built once: three property lookups per
// character were most of the form's cost on non-Latin text.
struct BmpDedupKinds {
  DedupKind of[0x10000];
  BmpDedupKinds() {
    for (UChar32 c = 0; c < 0x10000; ++c) of[c] = DedupKindOf(c);
  }
};

inline DedupKind KindOf(UChar32 c) {
  static const BmpDedupKinds* table = new BmpDedupKinds();  // immutable after construction
  return c < 0x10000 ? table->of[c] : DedupKindOf(c);
}

}  // namespace

std::string_view TextNormalizer::DedupForm(std::string_view text) {
  std::string_view src = text;
  if (!IsAscii(text)) {
    // Case folding, then NFD so combining marks can be dropped below. ICU
    // reads only the stretches around non-ASCII characters; runs of
    // kAsciiCopy or more ASCII bytes between them are copied as they are.
    // That is the same text: folding works character by character, NFD
    // reorders only marks that follow one another (an ASCII character
    // starts afresh and decomposes into nothing else), and the loop below
    // folds ASCII letters itself.
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = NfdInstance();
    if (nfd == nullptr) status = U_MISSING_RESOURCE_ERROR;
    normal_.clear();
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    for (size_t pos = 0; pos < n && U_SUCCESS(status);) {
      const size_t lead = NextNonAscii(p, pos, n);
      normal_.append(text.data() + pos, lead - pos);
      if (lead == n) break;
      const size_t end = FoldStretchEnd(p, lead, n);
      fold_.clear();
      icu::StringByteSink<std::string> fold_sink(&fold_);
      icu::CaseMap::utf8Fold(0, icu::StringPiece(text.data() + lead, static_cast<int32_t>(end - lead)), fold_sink,
                             nullptr, status);
      icu::StringByteSink<std::string> nfd_sink(&normal_);
      if (U_SUCCESS(status)) nfd->normalizeUTF8(0, fold_, nfd_sink, nullptr, status);
      pos = end;
    }
    src = U_SUCCESS(status) ? std::string_view(normal_) : text;
  }
  // The form is never longer than its source (every byte written stands for
  // at least one byte read: a space for a run of separators, "0" for a
  // number), so it is written through a pointer into a buffer of that size.
  dedup_.resize(src.size());
  char* const begin = dedup_.data();
  char* out = begin;
  bool pending_space = false;
  const auto* s = reinterpret_cast<const uint8_t*>(src.data());
  const int32_t n = static_cast<int32_t>(src.size());
  int32_t i = 0;
  auto space = [&] {
    if (pending_space && out != begin) *out++ = ' ';
    pending_space = false;
  };
  while (i < n) {
    UChar32 c;
    int32_t start = i;
    U8_NEXT(s, i, n, c);
    if (c < 0) continue;
    if (c < 0x80) {
      const char a = kDedupAscii[c];
      if (a == kDedupDigit) {
        // A number (digits, optionally one decimal part) becomes "0".
        while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
        if (i + 1 < n && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
          ++i;
          while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
        }
        space();
        *out++ = '0';
        continue;
      }
      if (a == kDedupSeparator) {
        pending_space = true;
        continue;
      }
      space();
      *out++ = a;
#if defined(__SSE2__)
      // The rest of a run of ASCII letters 16 bytes at a time, lower-cased
      // (OR 0x20). All 16 are stored: the output is at most as long as the
      // input read so far, so out + 16 <= begin + i + 16 <= begin + n, and
      // the bytes past the run are overwritten next.
      while (i + 16 <= n) {
        const __m128i v = Or16(Load16(s + i), 0x20);
        const uint32_t letters = Mask16(AtMost16(Sub16(v, 'a'), 'z' - 'a'));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out), v);
        const auto run = static_cast<int32_t>(__builtin_ctz(~letters | 0x10000u));
        out += run;
        i += run;
        if (run < 16) break;
      }
#endif
      // The rest of a run of kept ASCII characters, without decoding.
      while (i < n && s[i] < 0x80) {
        const char k = kDedupAscii[s[i]];
        if (k == kDedupSeparator || k == kDedupDigit) break;
        *out++ = k;
        ++i;
      }
      continue;
    }
    const DedupKind kind = KindOf(c);
    if (kind == kMark) continue;
    if (kind == kDigit) {
      space();
      *out++ = '0';
      while (i < n) {
        int32_t j = i;
        UChar32 d;
        U8_NEXT(s, j, n, d);
        if (d < 0 || KindOf(d) != kDigit) break;
        i = j;
      }
      continue;
    }
    if (kind == kSeparator) {
      pending_space = true;
      continue;
    }
    space();
    std::memcpy(out, s + start, static_cast<size_t>(i - start));
    out += i - start;
  }
  dedup_.resize(static_cast<size_t>(out - begin));
  return dedup_;
}

}  // namespace stocktake::quality
