// Exact-duplicate keys: 128-bit XXH3 of a document's counting-normalized
// text, of its dedup-normalized text, of its normalized URL, and of the
// WARC payload digest.
//
// Two documents with equal keys of a kind are the same text (URL, payload).
// At 128 bits the chance of a false match across 10^12 documents is about
// 10^-15. Each kind has its own seed, so equal strings of different kinds
// never collide. Pure functions; thread-safe.
#ifndef STOCKTAKE_DEDUP_EXACT_KEY_H_
#define STOCKTAKE_DEDUP_EXACT_KEY_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/hash.h"

namespace stocktake::dedup {

using ExactKey = Hash128;

// Key of a canonicalized text. The seed separates key kinds (text, URL, ...)
// so equal strings of different kinds never collide.
ExactKey TextKey(std::string_view canonical_text);
// Key of the dedup normal form (case folded, accents, digits, punctuation
// and spacing neutralized; quality/normalize.h).
ExactKey DedupTextKey(std::string_view dedup_form);

// A URL in the form that identifies a page: scheme and host lower-cased, the
// default port (80 for http, 443 for https) and the fragment dropped, an
// empty path written "/". Anything else (path, query, their case and
// escapes) is kept: servers may distinguish them.
std::string NormalizeUrl(std::string_view url);
ExactKey UrlKey(std::string_view url);  // of NormalizeUrl(url)

// Key of a WARC-Payload-Digest ("sha1:BASE32..."): the algorithm label
// lower-cased, the digest upper-cased (base32 is case-insensitive). An empty
// digest has no key: returns false.
bool PayloadDigestKey(std::string_view digest, ExactKey* key);

// Sorts `keys` and returns how many distinct values it holds.
size_t CountDistinct(std::vector<ExactKey>* keys);

}  // namespace stocktake::dedup

#endif  // STOCKTAKE_DEDUP_EXACT_KEY_H_
