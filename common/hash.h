// Hashing: thin wrappers over xxHash's XXH3 (64 and 128 bit), and SHA-256
// for checking published digests.
//
// XXH3 is stable across versions and platforms for a given seed, so hashes can
// be stored in run directories and compared across runs and machines.
// All functions are pure and thread-safe.
#ifndef STOCKTAKE_COMMON_HASH_H_
#define STOCKTAKE_COMMON_HASH_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace stocktake {

struct Hash128 {
  uint64_t high = 0;
  uint64_t low = 0;
  bool operator==(const Hash128&) const = default;
  auto operator<=>(const Hash128&) const = default;
};

uint64_t Hash64(std::string_view bytes, uint64_t seed = 0);
Hash128 Hash128Of(std::string_view bytes, uint64_t seed = 0);

// XXH3-128 of a file's contents, read in blocks (for model files of any
// size). False if the file cannot be read.
bool HashFile(const std::string& path, Hash128* out);

// SHA-256 (OpenSSL) as 64 lower-case hex digits: the digest published for
// shipped data files such as tokenizer rank files.
std::string Sha256Hex(std::string_view bytes);

// Lower-case hex, 16 or 32 digits.
std::string HexOf(uint64_t value);
std::string HexOf(const Hash128& value);

}  // namespace stocktake

#endif  // STOCKTAKE_COMMON_HASH_H_
