// Hash64Inline: the same XXH3 64-bit value as Hash64 (common/hash.h), with
// xxHash's implementation compiled inline (its XXH_INLINE_ALL mode) instead
// of a call into libxxhash. For loops that hash many short strings (words):
// most of a call's cost on a five-byte word is the call.
// GCC decides the inlining per translation unit: with more than one call
// site in a file it may outline the whole of XXH3 again (check with perf).
#ifndef STOCKTAKE_COMMON_HASH_INLINE_H_
#define STOCKTAKE_COMMON_HASH_INLINE_H_

#include <cstdint>
#include <string_view>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

namespace stocktake {

inline uint64_t Hash64Inline(std::string_view bytes, uint64_t seed = 0) {
  return XXH3_64bits_withSeed(bytes.data(), bytes.size(), seed);
}

}  // namespace stocktake

#endif  // STOCKTAKE_COMMON_HASH_INLINE_H_
