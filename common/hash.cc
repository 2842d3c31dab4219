// XXH3 wrappers. Kept out of the header so only common links libxxhash.
#include "common/hash.h"

#include <xxhash.h>

#include <fmt/format.h>

namespace stocktake {

uint64_t Hash64(std::string_view bytes, uint64_t seed) {
  return XXH3_64bits_withSeed(bytes.data(), bytes.size(), seed);
}

Hash128 Hash128Of(std::string_view bytes, uint64_t seed) {
  XXH128_hash_t h = XXH3_128bits_withSeed(bytes.data(), bytes.size(), seed);
  return Hash128{h.high64, h.low64};
}

std::string HexOf(uint64_t value) { return fmt::format("{:016x}", value); }
std::string HexOf(const Hash128& value) { return fmt::format("{:016x}{:016x}", value.high, value.low); }

}  // namespace stocktake
