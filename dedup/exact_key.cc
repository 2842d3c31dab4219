// Exact keys. Distinct counting sorts instead of hashing into a set: the keys
// are already uniformly distributed, sorting 16-byte values is cache-friendly,
// and the result does not depend on insertion order.
#include "dedup/exact_key.h"

#include <algorithm>

namespace stocktake::dedup {

namespace {
constexpr uint64_t kTextKeySeed = 0x74657874;  // "text"
}

ExactKey TextKey(std::string_view canonical_text) { return Hash128Of(canonical_text, kTextKeySeed); }

size_t CountDistinct(std::vector<ExactKey>* keys) {
  std::sort(keys->begin(), keys->end());
  return static_cast<size_t>(std::unique(keys->begin(), keys->end()) - keys->begin());
}

}  // namespace stocktake::dedup
