// A map from string views to values that is emptied often (once per
// document): open addressing, keys hashed by the caller (XXH3), emptied in
// O(1) by a generation number. Neither an entry nor emptying allocates
// (std::unordered_map's node per entry and its bucket clearing took 2% of a
// run in perf), and the slots a document probes are sized to that document,
// not to the largest one seen (a table grown once stayed large, and its
// probes missed the cache).
#ifndef STOCKTAKE_PIPELINE_VIEW_TABLE_H_
#define STOCKTAKE_PIPELINE_VIEW_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace stocktake::pipeline {

template <typename V>
class ViewTable {
 public:
  ViewTable() : slots_(kInitialSlots) {}

  // Forgets every entry. The keys' bytes need to live only until then.
  void Clear() {
    count_ = 0;
    mask_ = kInitialSlots - 1;
    NextGeneration();
  }

  // The value of `key`, or nullptr; `hash` is the key's hash.
  const V* Find(std::string_view key, uint64_t hash) const {
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.generation != generation_) return nullptr;
      if (slot.hash == hash && std::string_view(slot.data, slot.size) == key) return &slot.value;
    }
  }

  // Adds `key` unless it is there (the value then stays as it was).
  void Insert(std::string_view key, uint64_t hash, const V& value) {
    if (2 * (count_ + 1) > mask_ + 1) Grow();
    Put(key, hash, value);
  }

  size_t size() const { return count_; }

 private:
  static constexpr size_t kInitialSlots = 256;  // a power of two
  struct Slot {
    uint64_t hash = 0;
    const char* data = nullptr;
    size_t size = 0;
    uint32_t generation = 0;  // the slot holds an entry in this generation only
    V value{};
  };

  void NextGeneration() {
    if (++generation_ == 0) {  // wrapped: no stale slot may match again
      for (Slot& slot : slots_) slot.generation = 0;
      generation_ = 1;
    }
  }

  void Put(std::string_view key, uint64_t hash, const V& value) {
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      Slot& slot = slots_[i];
      if (slot.generation != generation_) {
        slot = Slot{hash, key.data(), key.size(), generation_, value};
        ++count_;
        return;
      }
      if (slot.hash == hash && std::string_view(slot.data, slot.size) == key) return;
    }
  }

  // Twice the slots in use: the entries move out, a new generation empties
  // the slots, and they go back in.
  void Grow() {
    moved_.clear();
    for (size_t i = 0; i <= mask_; ++i) {
      if (slots_[i].generation == generation_) moved_.push_back(slots_[i]);
    }
    NextGeneration();
    mask_ = 2 * mask_ + 1;
    if (slots_.size() < mask_ + 1) slots_.resize(mask_ + 1);
    count_ = 0;
    for (const Slot& slot : moved_) Put(std::string_view(slot.data, slot.size), slot.hash, slot.value);
  }

  std::vector<Slot> slots_;  // slots_[0, mask_] are in use
  std::vector<Slot> moved_;  // scratch for Grow
  size_t mask_ = kInitialSlots - 1;
  size_t count_ = 0;
  uint32_t generation_ = 1;
};

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_VIEW_TABLE_H_
