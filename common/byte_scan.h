// Byte scans 16 bytes at a time, shared by the text hot paths.
//
// A scan names its bytes twice: as a per-byte predicate, and as a function of
// 16 loaded bytes that returns the same predicate as a bit mask (bit k for
// byte k; SSE2). The 16-byte form runs where the target has SSE2 (every
// x86-64), the per-byte form over the tail and on other targets, so both
// must agree; every user has a test against a plain byte loop.
//
// Pass the 16-byte form as a generic lambda (`[](const auto& v) {...}`) built
// from the helpers below and SSE2 intrinsics applied to `v`: on a target
// without SSE2 it is never instantiated. Every call in it must depend on `v`
// (a constant is Equal16(v, c), AtMost16(v, c), Sub16(v, c), ..., never a bare
// _mm_set1_epi8(c)), or the compiler looks the name up where there is none.
#ifndef STOCKTAKE_COMMON_BYTE_SCAN_H_
#define STOCKTAKE_COMMON_BYTE_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace stocktake {

// Set bits of a 16-bit mask, without the libgcc call that __builtin_popcount
// becomes on baseline x86-64 (no POPCNT instruction).
inline uint32_t PopCount16(uint32_t x) {
  x = x - ((x >> 1) & 0x5555u);
  x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
  x = (x + (x >> 4)) & 0x0F0Fu;
  return (x + (x >> 8)) & 0x1Fu;
}

#if defined(__SSE2__)
inline __m128i Load16(const unsigned char* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
// 0xFF where the byte equals c.
inline __m128i Equal16(__m128i v, unsigned char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(c))); }
// Bit k set where byte k of m has its high bit set.
inline uint32_t Mask16(__m128i m) { return static_cast<uint32_t>(_mm_movemask_epi8(m)); }
// 0xFF where the byte, unsigned, is at least / at most c.
inline __m128i AtLeast16(__m128i v, unsigned char c) {
  return _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(static_cast<char>(c))), v);
}
inline __m128i AtMost16(__m128i v, unsigned char c) {
  return _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(static_cast<char>(c))), v);
}
// Every byte minus c (wrapping) / ORed with c.
inline __m128i Sub16(__m128i v, unsigned char c) { return _mm_sub_epi8(v, _mm_set1_epi8(static_cast<char>(c))); }
inline __m128i Or16(__m128i v, unsigned char c) { return _mm_or_si128(v, _mm_set1_epi8(static_cast<char>(c))); }
#endif

// A scan's tail shorter than 16 bytes (n - 16 < i < n) is read as the last
// 16 bytes of p[0, n), overlapping what was scanned already: these are the
// bits of that block's bytes at or after i.
inline uint32_t TailBits(size_t i, size_t n) { return 0xFFFFu << (i - (n - 16)); }

// The first i' in [i, n) with byte(p[i']), or n. Reads p[0, n) only, and
// the last 16 of those bytes for a tail shorter than 16.
template <typename Block, typename Byte>
inline size_t FindByte(const unsigned char* p, size_t i, size_t n, Block block, Byte byte) {
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    const uint32_t mask = block(Load16(p + i));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
  if (i < n && n >= 16) {
    const uint32_t mask = block(Load16(p + n - 16)) & TailBits(i, n);
    return mask != 0 ? n - 16 + static_cast<size_t>(__builtin_ctz(mask)) : n;
  }
#else
  (void)block;
#endif
  while (i < n && !byte(p[i])) ++i;
  return i;
}

// The first `c` in s[from, size), or s.size() (from <= size). Inline, for
// the short distances of markup and text (to the next tag, quote or line
// break), where a library call costs more than the scan.
inline size_t FindChar(std::string_view s, size_t from, char c) {
  const auto target = static_cast<unsigned char>(c);
  return FindByte(
      reinterpret_cast<const unsigned char*>(s.data()), from, s.size(),
      [target](const auto& v) { return Mask16(Equal16(v, target)); },
      [target](unsigned char x) { return x == target; });
}

// Calls f(i) for every i in [0, n) with byte(p[i]), in order.
template <typename Block, typename Byte, typename F>
inline void ForEachByte(const unsigned char* p, size_t n, Block block, Byte byte, F f) {
  size_t i = 0;
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    for (uint32_t mask = block(Load16(p + i)); mask != 0; mask &= mask - 1) {
      f(i + static_cast<size_t>(__builtin_ctz(mask)));
    }
  }
#else
  (void)block;
#endif
  for (; i < n; ++i) {
    if (byte(p[i])) f(i);
  }
}

}  // namespace stocktake

#endif  // STOCKTAKE_COMMON_BYTE_SCAN_H_
