// WordHash: the 64-bit hash of a word that the repetition rule counts n-grams
// with and stop words are looked up by. Words are short (five bytes on
// average), and XXH3 spends most of its time on a short input choosing among
// its length classes (1-3, 4-8, 9-16 bytes), a branch that mispredicts as word
// lengths vary. Here a word of up to 16 bytes is its bytes zero-padded to 16
// (two 64-bit halves) and its length, mixed by one 128-bit multiply and an
// avalanche; when 16 bytes can be read from the word's start inside its
// buffer (WordHashIn), the padding is one masked 16-byte load, without a
// branch on the length. Longer words take XXH3. Equal words always hash
// equal, whichever form hashed them (tests/quality/word_hash_test.cc).
#ifndef STOCKTAKE_QUALITY_WORD_HASH_H_
#define STOCKTAKE_QUALITY_WORD_HASH_H_

#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/hash_inline.h"

namespace stocktake::quality {

namespace word_hash_detail {

// The hash of a word of `len` <= 16 bytes whose bytes, zero-padded to 16,
// are `lo` (bytes 0-7, little-endian) and `hi` (bytes 8-15).
inline uint64_t Mix(uint64_t lo, uint64_t hi, uint64_t len) {
  __extension__ typedef unsigned __int128 u128;  // GCC and Clang; -Wpedantic otherwise warns
  const u128 p = static_cast<u128>(lo ^ 0x243F6A8885A308D3ULL) *
                              (hi ^ 0x13198A2E03707344ULL ^ (len * 0x9E3779B97F4A7C15ULL));
  // "^ lo": should the second factor ever be 0 (one 8-byte pattern of bytes
  // 8-15, not a UTF-8 word's), words still differ by their first 8 bytes.
  uint64_t h = static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64) ^ lo;
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 29);
}

inline uint64_t Long(std::string_view word) { return Hash64Inline(word, 0x5851F42D4C957F2DULL); }

}  // namespace word_hash_detail

// The hash of any word.
inline uint64_t WordHash(std::string_view word) {
  if (word.size() > 16) return word_hash_detail::Long(word);
  unsigned char padded[16] = {};
  if (!word.empty()) std::memcpy(padded, word.data(), word.size());
  uint64_t lo, hi;
  std::memcpy(&lo, padded, 8);
  std::memcpy(&hi, padded + 8, 8);
  return word_hash_detail::Mix(lo, hi, word.size());
}

// The same value, for a word inside the buffer that ends at `end`: reads up
// to 16 bytes from the word's start when they lie inside the buffer.
inline uint64_t WordHashIn(std::string_view word, const char* end) {
#if defined(__SSE2__) && (defined(__x86_64__) || defined(_M_X64))
  if (word.size() <= 16 && end - word.data() >= 16) {
    // kMask + 16 - len: len bytes of 0xFF, then zeros.
    static constexpr unsigned char kMask[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0,    0,    0,    0,    0,    0,
                                                0,    0,    0,    0,    0,    0,    0,    0,    0,    0};
    const __m128i mask = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kMask + 16 - word.size()));
    const __m128i v = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(word.data())), mask);
    const auto lo = static_cast<uint64_t>(_mm_cvtsi128_si64(v));
    const auto hi = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v)));
    return word_hash_detail::Mix(lo, hi, word.size());
  }
#else
  (void)end;
#endif
  return WordHash(word);
}

}  // namespace stocktake::quality

#endif  // STOCKTAKE_QUALITY_WORD_HASH_H_
