// Counts over std::map with heterogeneous lookup: adding to an existing key
// costs one tree search and no allocation, which is what the per-record path
// needs (a handful of distinct keys, millions of increments).
#include "common/counts.h"

namespace stocktake {

void Counts::Add(std::string_view key, uint64_t n) {
  auto it = map_.find(key);
  if (it == map_.end()) {
    map_.emplace(std::string(key), n);
  } else {
    it->second += n;
  }
}

void Counts::Merge(const Counts& other) {
  for (const auto& [key, n] : other.map_) Add(key, n);
}

uint64_t Counts::Get(std::string_view key) const {
  auto it = map_.find(key);
  return it == map_.end() ? 0 : it->second;
}

uint64_t Counts::Total() const {
  uint64_t total = 0;
  for (const auto& [key, n] : map_) total += n;
  return total;
}

}  // namespace stocktake
