// Exact-duplicate keys: 128-bit XXH3 of a document's text.
//
// Two documents with equal keys are treated as the same text. At 128 bits the
// chance of a false match across 10^12 documents is about 10^-15. The
// dedup issue adds keys over dedup-normalized text, URLs and payload digests
// beside this one. Pure functions; thread-safe.
#ifndef STOCKTAKE_DEDUP_EXACT_KEY_H_
#define STOCKTAKE_DEDUP_EXACT_KEY_H_

#include <string_view>
#include <vector>

#include "common/hash.h"

namespace stocktake::dedup {

using ExactKey = Hash128;

// Key of a canonicalized text. The seed separates key kinds (text, URL, ...)
// so equal strings of different kinds never collide.
ExactKey TextKey(std::string_view canonical_text);

// Sorts `keys` and returns how many distinct values it holds.
size_t CountDistinct(std::vector<ExactKey>* keys);

}  // namespace stocktake::dedup

#endif  // STOCKTAKE_DEDUP_EXACT_KEY_H_
