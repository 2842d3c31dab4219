// Counts: named counters with a deterministic order.
//
// Used for everything the funnel reports by name: records by WARC-Type, errors
// by reason, charsets. Keys iterate in byte order so serialized output never
// depends on insertion order, thread count or timing. Not thread-safe; each
// worker keeps its own Counts and they are merged in a fixed order.
#ifndef STOCKTAKE_COMMON_COUNTS_H_
#define STOCKTAKE_COMMON_COUNTS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace stocktake {

class Counts {
 public:
  using Map = std::map<std::string, uint64_t, std::less<>>;

  void Add(std::string_view key, uint64_t n = 1);
  void Merge(const Counts& other);

  // 0 when the key was never added.
  uint64_t Get(std::string_view key) const;
  uint64_t Total() const;
  bool empty() const { return map_.empty(); }
  size_t size() const { return map_.size(); }
  const Map& map() const { return map_; }

  bool operator==(const Counts& other) const { return map_ == other.map_; }

 private:
  Map map_;
};

}  // namespace stocktake

#endif  // STOCKTAKE_COMMON_COUNTS_H_
