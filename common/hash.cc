// XXH3 and SHA-256 wrappers. Kept out of the header so only common links
// libxxhash and libcrypto.
#include "common/hash.h"

#include <openssl/evp.h>
#include <xxhash.h>

#include <fmt/format.h>

#include <cstdio>
#include <iterator>
#include <memory>
#include <vector>

namespace stocktake {

uint64_t Hash64(std::string_view bytes, uint64_t seed) {
  return XXH3_64bits_withSeed(bytes.data(), bytes.size(), seed);
}

Hash128 Hash128Of(std::string_view bytes, uint64_t seed) {
  XXH128_hash_t h = XXH3_128bits_withSeed(bytes.data(), bytes.size(), seed);
  return Hash128{h.high64, h.low64};
}

bool HashFile(const std::string& path, Hash128* out) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (f == nullptr) return false;
  std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)> state(XXH3_createState(), &XXH3_freeState);
  XXH3_128bits_reset(state.get());
  std::vector<char> block(1 << 20);
  size_t got = 0;
  while ((got = std::fread(block.data(), 1, block.size(), f.get())) > 0) XXH3_128bits_update(state.get(), block.data(), got);
  if (std::ferror(f.get())) return false;
  XXH128_hash_t h = XXH3_128bits_digest(state.get());
  *out = Hash128{h.high64, h.low64};
  return true;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1) return {};
  std::string hex;
  hex.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) fmt::format_to(std::back_inserter(hex), "{:02x}", digest[i]);
  return hex;
}

std::string HexOf(uint64_t value) { return fmt::format("{:016x}", value); }
std::string HexOf(const Hash128& value) { return fmt::format("{:016x}{:016x}", value.high, value.low); }

}  // namespace stocktake
