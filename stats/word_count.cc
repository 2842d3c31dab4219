// Word counting with ASCII fast paths: 16 ASCII bytes at a time with SSE2,
// other bytes below 0x80 by a 128-entry table; only multi-byte sequences are
// decoded and checked against Unicode's White_Space property (a short list,
// tested against ICU's for every code point).
#include "stats/word_count.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <climits>

#include "common/byte_scan.h"

namespace stocktake::stats {

namespace {
constexpr std::array<bool, 128> MakeAsciiSpace() {
  std::array<bool, 128> t{};
  for (int c : {0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20}) t[c] = true;
  return t;
}
constexpr std::array<bool, 128> kAsciiSpace = MakeAsciiSpace();

// Unicode White_Space above ASCII (a stable list: NEL, NBSP, OGHAM SPACE
// MARK, the spaces U+2000-U+200A, the line and paragraph separators, NNBSP,
// MMSP, IDEOGRAPHIC SPACE), without a call into ICU per character.
inline bool NonAsciiSpace(UChar32 c) {
  if (c < 0x1680) return c == 0x85 || c == 0xA0;
  return c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

#if defined(__SSE2__)
// Bit k: byte k of 16 ASCII bytes is not a space. (ASCII bytes compare
// correctly as signed: the spaces are 0x09-0x0D, 0x1C-0x1F and 0x20.)
inline uint32_t AsciiWordBytes(__m128i v) {
  const __m128i controls =
      _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x08)), _mm_cmplt_epi8(v, _mm_set1_epi8(0x0E)));
  const __m128i separators =
      _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x1B)), _mm_cmplt_epi8(v, _mm_set1_epi8(0x21)));
  return ~Mask16(_mm_or_si128(controls, separators)) & 0xFFFFu;
}
#endif

}  // namespace

uint64_t CountWhitespaceWords(std::string_view utf8) {
  uint64_t words = 0;
  bool in_word = false;
  const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
  const int32_t n = static_cast<int32_t>(std::min<size_t>(utf8.size(), INT32_MAX));
  int32_t i = 0;
  // One character, or one run of ASCII word bytes.
  auto step = [&] {
    bool space;
    if (s[i] < 0x80) {
      space = kAsciiSpace[s[i]];
      ++i;
      if (!space) {
        // The rest of a run of ASCII word bytes adds nothing.
        while (i < n && s[i] < 0x80 && !kAsciiSpace[s[i]]) ++i;
      }
    } else {
      UChar32 c;
      U8_NEXT(s, i, n, c);
      space = c >= 0 && NonAsciiSpace(c);
    }
    if (space) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++words;
    }
  };
  while (i < n) {
#if defined(__SSE2__)
    // 16 ASCII bytes at a time: a word starts at every non-space byte whose
    // predecessor is a space (or, for the first, when no word is open).
    while (n - i >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
      if (_mm_movemask_epi8(v) != 0) {
        // A multi-byte character: these 16 bytes one by one.
        const int32_t end = i + 16;
        while (i < end) step();
        continue;
      }
      const uint32_t word = AsciiWordBytes(v);
      const uint32_t starts = word & ~((word << 1) | (in_word ? 1u : 0u));
      words += PopCount16(starts);
      in_word = (word >> 15) != 0;
      i += 16;
    }
    if (i >= n) break;
    if (n >= 16) {
      // The tail, from the last 16 bytes when they are all ASCII: the bytes
      // before i are counted already, and byte i - 1 tells whether byte i
      // starts a word.
      const __m128i v = Load16(s + n - 16);
      if (Mask16(v) == 0) {
        const uint32_t word = AsciiWordBytes(v);
        return words + PopCount16(word & ~(word << 1) & TailBits(static_cast<size_t>(i), static_cast<size_t>(n)));
      }
    }
#endif
    step();
  }
  return words;
}

}  // namespace stocktake::stats
