// Band-key runs, the per-partition merge and the global union-find. See
// cluster.h.
#include "dedup/cluster.h"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>

#include "common/atomic_file.h"

namespace stocktake::dedup {
namespace {

constexpr char kMagic[8] = {'S', 'T', 'B', 'R', '2', 0, 0, 0};
constexpr size_t kEntryBytes = 16;
constexpr size_t kReadBuffer = size_t{64} << 10;

Status Damaged(const std::string& path, const std::string& why) {
  return Status(StatusCode::kDataError, fmt::format("band run '{}' is damaged: {}", path, why));
}

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

File OpenFile(const std::string& path) { return File(std::fopen(path.c_str(), "rb"), &std::fclose); }

size_t HeaderBytes(uint32_t partitions) { return 16 + size_t{partitions} * 16 + 8; }

// A run file's partition table, checked against its own checksum and the
// file's size.
struct RunHeader {
  std::vector<uint64_t> count;     // entries per partition
  std::vector<uint64_t> checksum;  // XXH3-64 of each partition's entries, seeded by the partition
  uint64_t Start(uint32_t partition) const {
    uint64_t before = 0;
    for (uint32_t p = 0; p < partition; ++p) before += count[p];
    return HeaderBytes(static_cast<uint32_t>(count.size())) + before * kEntryBytes;
  }
};

Status ReadRunHeader(std::FILE* file, const std::string& path, uint32_t partitions, RunHeader* header) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  char fixed[16];
  if (ec || size < HeaderBytes(0) || std::fread(fixed, 1, 16, file) != 16 || std::memcmp(fixed, kMagic, 8) != 0) {
    return Damaged(path, "not a band run");
  }
  uint32_t stored_partitions = 0;
  std::memcpy(&stored_partitions, fixed + 8, 4);
  if (stored_partitions != partitions) {
    return Damaged(path, fmt::format("written with {} partitions, {} expected", stored_partitions, partitions));
  }
  if (size < HeaderBytes(partitions)) return Damaged(path, "truncated");
  std::vector<uint64_t> table(size_t{partitions} * 2 + 1);
  if (std::fread(table.data(), 8, table.size(), file) != table.size()) return Damaged(path, "truncated");
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, fixed, 16);
  XXH3_64bits_update(state, table.data(), (table.size() - 1) * 8);
  const uint64_t digest = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  if (digest != table.back()) return Damaged(path, "header checksum mismatch");
  header->count.resize(partitions);
  header->checksum.resize(partitions);
  uint64_t total = 0;
  for (uint32_t p = 0; p < partitions; ++p) {
    header->count[p] = table[2 * p];
    header->checksum[p] = table[2 * p + 1];
    if (header->count[p] > size / kEntryBytes) return Damaged(path, "its size does not match its entry counts");
    total += header->count[p];
  }
  if (HeaderBytes(partitions) + total * kEntryBytes != size) {
    return Damaged(path, "its size does not match its entry counts");
  }
  return Status::Ok();
}

// Opens `run` at partition `partition`'s entries.
Status OpenSlice(const RunFile& run, uint32_t partitions, uint32_t partition, File* file, uint64_t* count,
                 uint64_t* checksum) {
  *file = OpenFile(run.path);
  if (*file == nullptr) return ErrnoError("cannot open band run '" + run.path + "'", errno);
  RunHeader header;
  STOCKTAKE_RETURN_IF_ERROR(ReadRunHeader(file->get(), run.path, partitions, &header));
  *count = header.count[partition];
  *checksum = header.checksum[partition];
  if (std::fseek(file->get(), static_cast<long>(header.Start(partition)), SEEK_SET) != 0) {
    return Damaged(run.path, "cannot seek to its partition");
  }
  return Status::Ok();
}

// Reads one partition of a run into `out`, which has room for `room`
// entries (the in-memory path), checking its checksum; `*count` is how many
// it read.
Status ReadWholeRun(const RunFile& run, uint32_t partitions, uint32_t partition, BandEntry* out, uint64_t room,
                    uint64_t* count) {
  File file(nullptr, &std::fclose);
  uint64_t checksum = 0;
  STOCKTAKE_RETURN_IF_ERROR(OpenSlice(run, partitions, partition, &file, count, &checksum));
  if (*count > room) return Damaged(run.path, "changed while being clustered (more entries than its table said)");
  if (std::fread(out, kEntryBytes, *count, file.get()) != *count) return Damaged(run.path, "truncated");
  if (XXH3_64bits_withSeed(out, *count * kEntryBytes, partition) != checksum) {
    return Damaged(run.path, fmt::format("checksum mismatch in partition {}", partition));
  }
  if (run.input_offset != 0) {
    const uint64_t shift = uint64_t{run.input_offset} << 32;
    for (uint64_t i = 0; i < *count; ++i) out[i].doc += shift;
  }
  return Status::Ok();
}

// Streams one partition of a run file, checking its checksum when the last
// entry has been read.
class RunReader {
 public:
  Status Open(const RunFile& run, uint32_t partitions, uint32_t partition) {
    path_ = run.path;
    id_shift_ = uint64_t{run.input_offset} << 32;
    partition_ = partition;
    STOCKTAKE_RETURN_IF_ERROR(OpenSlice(run, partitions, partition, &file_, &remaining_, &checksum_));
    state_.reset(XXH3_createState());
    XXH3_64bits_reset_withSeed(state_.get(), partition);
    return Next();
  }

  bool done() const { return done_; }
  const BandEntry& entry() const { return entry_; }

  // Advances to the next entry; at the end, verifies the checksum.
  Status Next() {
    if (position_ == buffer_.size()) {
      if (remaining_ == 0) {
        done_ = true;
        if (XXH3_64bits_digest(state_.get()) != checksum_) {
          return Damaged(path_, fmt::format("checksum mismatch in partition {}", partition_));
        }
        return Status::Ok();
      }
      const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, kReadBuffer / kEntryBytes));
      buffer_.resize(take);
      if (std::fread(buffer_.data(), kEntryBytes, take, file_.get()) != take) return Damaged(path_, "truncated");
      XXH3_64bits_update(state_.get(), buffer_.data(), take * kEntryBytes);
      remaining_ -= take;
      position_ = 0;
    }
    entry_ = buffer_[position_++];
    entry_.doc += id_shift_;
    return Status::Ok();
  }

 private:
  std::string path_;
  File file_{nullptr, &std::fclose};
  std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)> state_{nullptr, &XXH3_freeState};
  std::vector<BandEntry> buffer_;
  size_t position_ = 0;
  uint64_t remaining_ = 0;
  uint64_t checksum_ = 0;
  uint64_t id_shift_ = 0;
  uint32_t partition_ = 0;
  BandEntry entry_{};
  bool done_ = false;
};

struct Edge {
  uint64_t from, to;
  bool operator<(const Edge& o) const { return from != o.from ? from < o.from : to < o.to; }
  bool operator==(const Edge& o) const = default;
};

// Turns the documents of one key group (arriving in id order) into edges:
// each joins the smallest, or with verification the first of the group's
// smallest kVerifyTries members its pair with passes.
class GroupEdges {
 public:
  GroupEdges(const PairTest* verify, std::vector<Edge>* edges) : verify_(verify), edges_(edges) {}

  void Start(uint64_t doc) {
    first_.clear();
    first_.push_back(doc);
    last_ = doc;
  }
  void Add(uint64_t doc) {
    if (doc == last_) return;  // one document, the same key twice
    last_ = doc;
    ++candidates_;
    if (verify_ == nullptr) {
      edges_->push_back({first_.front(), doc});
      return;
    }
    for (uint64_t earlier : first_) {
      ++tested_;
      if ((*verify_)(earlier, doc)) {
        edges_->push_back({earlier, doc});
        break;
      }
      ++rejected_;
    }
    if (first_.size() < static_cast<size_t>(kVerifyTries)) first_.push_back(doc);
  }
  uint64_t candidates() const { return candidates_; }
  uint64_t tested() const { return tested_; }
  uint64_t rejected() const { return rejected_; }

 private:
  const PairTest* verify_;
  std::vector<Edge>* edges_;
  std::vector<uint64_t> first_;
  uint64_t last_ = 0;
  uint64_t candidates_ = 0, tested_ = 0, rejected_ = 0;
};

void SortUnique(std::vector<Edge>* edges) {
  std::sort(edges->begin(), edges->end());
  edges->erase(std::unique(edges->begin(), edges->end()), edges->end());
}

// What one (set, partition) unit produced.
struct UnitOutput {
  std::vector<Edge> edges;
  uint64_t entries = 0;
  uint64_t candidates = 0, tested = 0, rejected = 0;
};

// A binary min-heap of the runs' current entries, held inline: the top is
// replaced by its run's next entry and sifted down once per entry (half the
// work of pop + push).
struct HeapNode {
  uint64_t key, doc;
  uint32_t run;
  bool operator<(const HeapNode& o) const { return key != o.key ? key < o.key : doc < o.doc; }
};

void SiftDown(std::vector<HeapNode>* heap, size_t i) {
  std::vector<HeapNode>& h = *heap;
  const size_t n = h.size();
  const HeapNode node = h[i];
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && h[child + 1] < h[child]) ++child;
    if (!(h[child] < node)) break;
    h[i] = h[child];
    i = child;
  }
  h[i] = node;
}

// Merges the runs of one partition; its distinct edges come out sorted.
Status MergePartition(const std::vector<RunFile>& runs, uint32_t partitions, uint32_t partition, const PairTest* verify,
                      UnitOutput* out) {
  std::vector<RunReader> readers(runs.size());
  std::vector<HeapNode> heap;
  for (size_t i = 0; i < runs.size(); ++i) {
    STOCKTAKE_RETURN_IF_ERROR(readers[i].Open(runs[i], partitions, partition));
    if (!readers[i].done()) heap.push_back({readers[i].entry().key, readers[i].entry().doc, static_cast<uint32_t>(i)});
  }
  for (size_t i = heap.size() / 2; i-- > 0;) SiftDown(&heap, i);
  GroupEdges group(verify, &out->edges);
  uint64_t group_key = 0;
  bool in_group = false;
  while (!heap.empty()) {
    const HeapNode top = heap.front();
    ++out->entries;
    if (in_group && top.key == group_key) {
      group.Add(top.doc);
    } else {
      in_group = true;
      group_key = top.key;
      group.Start(top.doc);  // entries arrive in (key, doc) order: the smallest doc
    }
    RunReader& reader = readers[top.run];
    STOCKTAKE_RETURN_IF_ERROR(reader.Next());
    if (reader.done()) {
      heap.front() = heap.back();
      heap.pop_back();
    } else {
      heap.front() = {reader.entry().key, reader.entry().doc, top.run};
    }
    if (!heap.empty()) SiftDown(&heap, 0);
  }
  out->candidates += group.candidates();
  out->tested += group.tested();
  out->rejected += group.rejected();
  SortUnique(&out->edges);
  return Status::Ok();
}

// The in-memory path for a partition that fits its share of the budget:
// read every run whole (checking its checksum), bucket the entries by the top
// 16 bits of the key, and find the repeated keys of each bucket with a small
// hash table; only their members are sorted. Gives exactly the streaming
// merge's edges (in another order, and edges are sorted at the end).
constexpr int kBucketBits = 16;
constexpr size_t kBuckets = size_t{1} << kBucketBits;

// Finds the keys that repeat within one bucket: an open-addressing table
// sized for the partition's largest bucket, emptied in O(1) per bucket by a
// stamp. A key seen again links its entries into a chain.
class BucketGrouper {
 public:
  void Reserve(size_t largest_bucket) {
    size_t size = 16;
    while (size < 2 * largest_bucket) size <<= 1;
    if (slots_.size() < size) slots_.assign(size, Slot{});
    mask_ = slots_.size() - 1;
    if (chain_.size() < largest_bucket) chain_.resize(largest_bucket);
  }

  void Group(const BandEntry* entries, size_t n, GroupEdges* group) {
    if (n < 2) return;
    if (++stamp_ == 0) {  // wrapped: every slot looks current, so empty them
      std::fill(slots_.begin(), slots_.end(), Slot{});
      stamp_ = 1;
    }
    repeated_.clear();
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t key = entries[i].key;
      // Bits below the bucket's and above a power-of-two partition count's.
      size_t h = (key >> 8) & mask_;
      for (;; h = (h + 1) & mask_) {
        Slot& slot = slots_[h];
        if (slot.stamp != stamp_) {
          slot = {key, stamp_, i, i};
          chain_[i] = kEnd;
          break;
        }
        if (slot.key == key) {
          if (slot.first == slot.last) repeated_.push_back(static_cast<uint32_t>(h));
          chain_[slot.last] = i;
          chain_[i] = kEnd;
          slot.last = i;
          break;
        }
      }
    }
    // A repeated key's documents in id order, as the sorted scan sees them.
    for (uint32_t h : repeated_) {
      members_.clear();
      for (uint32_t i = slots_[h].first; i != kEnd; i = chain_[i]) members_.push_back(entries[i].doc);
      std::sort(members_.begin(), members_.end());
      group->Start(members_[0]);
      for (size_t k = 1; k < members_.size(); ++k) group->Add(members_[k]);
    }
  }

 private:
  static constexpr uint32_t kEnd = 0xFFFFFFFFu;
  struct Slot {
    uint64_t key = 0;
    uint32_t stamp = 0;
    uint32_t first = 0, last = 0;  // the key's first and last entry
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  uint32_t stamp_ = 0;
  std::vector<uint32_t> chain_;     // entry -> the next entry with its key
  std::vector<uint32_t> repeated_;  // slots of keys seen more than once
  std::vector<uint64_t> members_;
};

// Reused by a worker across partitions: fresh buffers per partition cost
// more in page faults than the work itself. The entry arrays are left
// uninitialized (every entry is written before it is read).
struct SortBuffers {
  std::unique_ptr<BandEntry[]> all, sorted;
  uint64_t capacity = 0;
  std::vector<uint32_t> start, next;
  BucketGrouper grouper;
  void Reserve(uint64_t entries) {
    if (entries <= capacity) return;
    all.reset();
    sorted.reset();
    all.reset(new BandEntry[entries]);
    sorted.reset(new BandEntry[entries]);
    capacity = entries;
  }
};

Status SortPartition(const std::vector<RunFile>& runs, uint32_t partitions, uint32_t partition, uint64_t total_entries,
                     const PairTest* verify, SortBuffers* buffers, UnitOutput* out) {
  buffers->Reserve(total_entries);
  BandEntry* all = buffers->all.get();
  BandEntry* sorted = buffers->sorted.get();
  std::vector<uint32_t>& start = buffers->start;
  start.assign(kBuckets + 1, 0);
  uint64_t n = 0;
  for (const RunFile& run : runs) {
    uint64_t count = 0;
    STOCKTAKE_RETURN_IF_ERROR(ReadWholeRun(run, partitions, partition, all + n, total_entries - n, &count));
    // Counted while the slice is still in cache.
    for (uint64_t i = n; i < n + count; ++i) ++start[(all[i].key >> (64 - kBucketBits)) + 1];
    n += count;
  }
  out->entries += n;
  size_t largest = 0;
  for (size_t b = 1; b <= kBuckets; ++b) {
    largest = std::max<size_t>(largest, start[b]);
    start[b] += start[b - 1];
  }
  std::vector<uint32_t>& next = buffers->next;
  next.assign(start.begin(), start.end() - 1);
  for (uint64_t i = 0; i < n; ++i) sorted[next[all[i].key >> (64 - kBucketBits)]++] = all[i];
  // Equal keys share a bucket.
  GroupEdges group(verify, &out->edges);
  buffers->grouper.Reserve(largest);
  for (size_t b = 0; b < kBuckets; ++b) buffers->grouper.Group(sorted + start[b], start[b + 1] - start[b], &group);
  out->candidates += group.candidates();
  out->tested += group.tested();
  out->rejected += group.rejected();
  SortUnique(&out->edges);
  return Status::Ok();
}

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n) {
    for (size_t i = 0; i < n; ++i) parent_[i] = static_cast<uint32_t>(i);
  }
  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  void Union(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return;
    if (a < b) std::swap(a, b);
    parent_[a] = b;  // the smaller index becomes the root
  }
  // Points every element at its root and returns the array. Roots are the
  // smallest index of their set and parent[i] <= i always holds, so one
  // increasing pass suffices: parent[i]'s own root is already final.
  std::vector<uint32_t>& Flatten() {
    for (size_t i = 0; i < parent_.size(); ++i) parent_[i] = parent_[parent_[i]];
    return parent_;
  }

 private:
  std::vector<uint32_t> parent_;
};

}  // namespace

BandRunWriter::BandRunWriter(uint32_t partitions) : buckets_(std::max<uint32_t>(partitions, 1)) {}

Status BandRunWriter::Write(const std::string& dir, const std::string& name) {
  const uint32_t partitions = static_cast<uint32_t>(buckets_.size());
  std::string bytes(kMagic, sizeof(kMagic));
  bytes.append(reinterpret_cast<const char*>(&partitions), 4);
  bytes.append(4, '\0');
  for (uint32_t p = 0; p < partitions; ++p) {
    std::vector<BandEntry>& bucket = buckets_[p];
    std::sort(bucket.begin(), bucket.end());
    const uint64_t count = bucket.size();
    const uint64_t checksum = XXH3_64bits_withSeed(bucket.data(), bucket.size() * kEntryBytes, p);
    bytes.append(reinterpret_cast<const char*>(&count), 8);
    bytes.append(reinterpret_cast<const char*>(&checksum), 8);
  }
  const uint64_t header_checksum = XXH3_64bits(bytes.data(), bytes.size());
  bytes.append(reinterpret_cast<const char*>(&header_checksum), 8);
  for (std::vector<BandEntry>& bucket : buckets_) {
    bytes.append(reinterpret_cast<const char*>(bucket.data()), bucket.size() * kEntryBytes);
    bucket = {};
  }
  STOCKTAKE_RETURN_IF_ERROR(MakeDirectories(dir));
  return WriteFileAtomic(dir + "/" + name + ".run", bytes);
}

Result<ClusterResult> ClusterBandRuns(const std::string& dir, const std::vector<uint32_t>& documents_per_input,
                                      const std::vector<uint8_t>& tiers, const ClusterOptions& options) {
  return ClusterBandRuns({RunSet{RunFilesIn(dir), false}}, documents_per_input, tiers, options);
}

Status CheckRunFile(const std::string& path, uint32_t partitions) {
  File file = OpenFile(path);
  if (file == nullptr) return ErrnoError("cannot open band run '" + path + "'", errno);
  RunHeader header;
  STOCKTAKE_RETURN_IF_ERROR(ReadRunHeader(file.get(), path, partitions, &header));
  // The partitions' entries follow the header in order: one sequential pass.
  std::vector<BandEntry> buffer(kReadBuffer / kEntryBytes);
  std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)> state(XXH3_createState(), &XXH3_freeState);
  for (uint32_t p = 0; p < partitions; ++p) {
    XXH3_64bits_reset_withSeed(state.get(), p);
    for (uint64_t remaining = header.count[p]; remaining > 0;) {
      const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining, buffer.size()));
      if (std::fread(buffer.data(), kEntryBytes, take, file.get()) != take) return Damaged(path, "truncated");
      XXH3_64bits_update(state.get(), buffer.data(), take * kEntryBytes);
      remaining -= take;
    }
    if (XXH3_64bits_digest(state.get()) != header.checksum[p]) {
      return Damaged(path, fmt::format("checksum mismatch in partition {}", p));
    }
  }
  return Status::Ok();
}

std::vector<RunFile> RunFilesIn(const std::string& dir, uint32_t input_offset) {
  std::vector<RunFile> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return files;
  for (const auto& item : std::filesystem::directory_iterator(dir, ec)) {
    if (item.path().extension() == ".run") files.push_back({item.path().string(), input_offset});
  }
  std::sort(files.begin(), files.end());
  return files;
}

namespace {
Status Components(std::vector<UnitOutput>* units, const std::vector<uint32_t>& documents_per_input,
                  const std::vector<uint8_t>& tiers, ClusterResult* out);

// The documents must fit dense 32-bit indices, one tier each.
Status CheckDocuments(const std::vector<uint32_t>& documents_per_input, const std::vector<uint8_t>& tiers) {
  uint64_t n = 0;
  for (uint32_t d : documents_per_input) n += d;
  if (n > UINT32_MAX) return InvalidArgument("more than 4 billion documents in one clustering");
  if (tiers.size() != n) return InvalidArgument("one tier per document is needed");
  return Status::Ok();
}
}  // namespace

Result<ClusterResult> ClusterBandRuns(const std::vector<RunSet>& sets, const std::vector<uint32_t>& documents_per_input,
                                      const std::vector<uint8_t>& tiers, const ClusterOptions& options) {
  STOCKTAKE_RETURN_IF_ERROR(CheckDocuments(documents_per_input, tiers));
  for (const RunSet& set : sets) {
    if (set.verify && !options.verify) return InvalidArgument("a run set asks for verification but no test is given");
  }

  // Units of work: (set, partition). Every run file's table is read once
  // here; a unit lists the files with entries in its partition, sorted by
  // name so the listing order never matters.
  struct Unit {
    std::vector<RunFile> runs;
    uint64_t entries = 0;
    bool verify = false;
  };
  const uint32_t partitions = std::max<uint32_t>(options.partitions, 1);
  std::vector<Unit> units(sets.size() * partitions);
  for (size_t s = 0; s < sets.size(); ++s) {
    std::vector<RunFile> files = sets[s].files;
    std::sort(files.begin(), files.end());
    for (uint32_t p = 0; p < partitions; ++p) units[s * partitions + p].verify = sets[s].verify;
    for (const RunFile& run : files) {
      File file = OpenFile(run.path);
      if (file == nullptr) return ErrnoError("cannot open band run '" + run.path + "'", errno);
      RunHeader header;
      STOCKTAKE_RETURN_IF_ERROR(ReadRunHeader(file.get(), run.path, partitions, &header));
      for (uint32_t p = 0; p < partitions; ++p) {
        if (header.count[p] == 0) continue;
        units[s * partitions + p].runs.push_back(run);
        units[s * partitions + p].entries += header.count[p];
      }
    }
  }
  size_t most_runs = 0;
  for (const Unit& unit : units) most_runs = std::max(most_runs, unit.runs.size());

  // Units in flight: each holds a read buffer per run, plus its edges.
  const uint64_t per_unit = most_runs * kReadBuffer + (uint64_t{8} << 20);
  const int cores = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  const int in_flight = static_cast<int>(
      std::clamp<uint64_t>(options.memory_budget / per_unit, 1, static_cast<uint64_t>(std::max(cores, 1))));

  // A unit whose entries (twice: read, then bucketed) fit its share of the
  // budget is sorted in memory; a larger one is merged from disk.
  const uint64_t share = options.memory_budget / static_cast<uint64_t>(in_flight);

  const uint32_t part_count = std::max<uint32_t>(options.part_count, 1);
  if (options.part_index >= part_count) return InvalidArgument("part index beyond the part count");
  ClusterResult result;
  result.partitions_in_flight = static_cast<uint32_t>(in_flight);
  std::vector<UnitOutput> outputs(units.size());
  std::vector<Status> status(units.size());
  std::vector<uint8_t> spilled(units.size(), 0);
  std::vector<SortBuffers> buffers(static_cast<size_t>(in_flight));
  tbb::task_arena arena(in_flight);
  arena.execute([&] {
    tbb::parallel_for(size_t{0}, units.size(), [&](size_t u) {
      const Unit& unit = units[u];
      const uint32_t partition = static_cast<uint32_t>(u % partitions);
      if (partition % part_count != options.part_index) return;  // another part's
      const PairTest* verify = unit.verify ? &options.verify : nullptr;
      const bool in_memory =
          2 * unit.entries * kEntryBytes + (uint64_t{1} << 20) <= share && unit.entries < (uint64_t{1} << 32);
      SortBuffers& mine = buffers[static_cast<size_t>(tbb::this_task_arena::current_thread_index())];
      status[u] = in_memory
                      ? SortPartition(unit.runs, partitions, partition, unit.entries, verify, &mine, &outputs[u])
                      : MergePartition(unit.runs, partitions, partition, verify, &outputs[u]);
      if (!in_memory) spilled[u] = 1;
    });
  });
  std::vector<SortBuffers>().swap(buffers);  // released before the per-document arrays are built
  for (const Status& st : status) STOCKTAKE_RETURN_IF_ERROR(st);
  for (uint8_t sp : spilled) result.partitions_merged_from_disk += sp;

  if (options.edges_only) {
    for (UnitOutput& out : outputs) {
      result.band_entries += out.entries;
      result.candidates += out.candidates;
      result.pairs_tested += out.tested;
      result.pairs_rejected += out.rejected;
      for (const Edge& e : out.edges) result.edge_list.emplace_back(e.from, e.to);
      out.edges = {};
    }
    result.edges = result.edge_list.size();
    return result;
  }
  STOCKTAKE_RETURN_IF_ERROR(Components(&outputs, documents_per_input, tiers, &result));
  return result;
}

Result<ClusterResult> ClusterFromEdges(const std::vector<ClusterResult>& parts,
                                       const std::vector<uint32_t>& documents_per_input,
                                       const std::vector<uint8_t>& tiers) {
  STOCKTAKE_RETURN_IF_ERROR(CheckDocuments(documents_per_input, tiers));
  std::vector<UnitOutput> outputs(parts.size());
  ClusterResult result;
  for (size_t i = 0; i < parts.size(); ++i) {
    const ClusterResult& p = parts[i];
    UnitOutput& out = outputs[i];
    out.entries = p.band_entries;
    out.candidates = p.candidates;
    out.tested = p.pairs_tested;
    out.rejected = p.pairs_rejected;
    for (const auto& [a, b] : p.edge_list) out.edges.push_back({a, b});
    result.partitions_in_flight = std::max(result.partitions_in_flight, p.partitions_in_flight);
    result.partitions_merged_from_disk += p.partitions_merged_from_disk;
  }
  STOCKTAKE_RETURN_IF_ERROR(Components(&outputs, documents_per_input, tiers, &result));
  return result;
}

namespace {

// Union-find over the units' edges, then the keep rule: fills `result`'s
// documents and counts.
Status Components(std::vector<UnitOutput>* units, const std::vector<uint32_t>& documents_per_input,
                  const std::vector<uint8_t>& tiers, ClusterResult* out) {
  std::vector<uint64_t> offsets(documents_per_input.size() + 1, 0);
  for (size_t i = 0; i < documents_per_input.size(); ++i) offsets[i + 1] = offsets[i] + documents_per_input[i];
  const uint32_t n = static_cast<uint32_t>(offsets.back());
  std::vector<UnitOutput>& outputs = *units;
  ClusterResult& result = *out;
  // Union in unit order (any order gives the same components).
  auto dense = [&](uint64_t id, uint32_t* out) {
    const uint64_t input = id >> 32, position = id & 0xFFFFFFFFu;
    if (input >= documents_per_input.size() || position >= documents_per_input[input]) return false;
    *out = static_cast<uint32_t>(offsets[input] + position);
    return true;
  };
  UnionFind components(n);
  for (UnitOutput& out : outputs) {
    result.band_entries += out.entries;
    result.edges += out.edges.size();
    result.candidates += out.candidates;
    result.pairs_tested += out.tested;
    result.pairs_rejected += out.rejected;
    for (const Edge& e : out.edges) {
      uint32_t a = 0, b = 0;
      if (!dense(e.from, &a) || !dense(e.to, &b)) {
        return Status(StatusCode::kDataError,
                      fmt::format("band runs name document {:#x}, which no input has", dense(e.from, &a) ? e.to : e.from));
      }
      components.Union(a, b);
    }
    out.edges = {};
  }

  // Keep rule: highest tier, then smallest id (dense order is id order).
  // Memory: the union-find plus two arrays per document, and the result.
  const std::vector<uint32_t>& root = components.Flatten();
  std::vector<uint32_t> best(n), size(n, 0);
  for (uint32_t i = 0; i < n; ++i) best[i] = i;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t r = root[i];
    ++size[r];
    if (tiers[i] > tiers[best[r]] || (tiers[i] == tiers[best[r]] && i < best[r])) best[r] = i;
  }
  auto id_of = [&](uint32_t index) {
    const size_t input = static_cast<size_t>(std::upper_bound(offsets.begin(), offsets.end(), index) - offsets.begin()) - 1;
    return DocumentId(static_cast<uint32_t>(input), static_cast<uint32_t>(index - offsets[input]));
  };
  result.documents.resize(n);
  size_t input = 0;  // the input of document i, advanced with i
  for (uint32_t i = 0; i < n; ++i) {
    while (i >= offsets[input + 1]) ++input;
    const uint32_t r = root[i];
    DocumentCluster& d = result.documents[i];
    const uint32_t b = best[r];
    // A singleton or its cluster's representative names itself.
    d.cluster = b == i ? DocumentId(static_cast<uint32_t>(input), static_cast<uint32_t>(i - offsets[input])) : id_of(b);
    d.size = size[r];
    d.representative = b == i;
    if (!d.representative) ++result.duplicates;
    if (i == r && size[r] > 1) ++result.clusters;
  }
  return Status::Ok();
}

}  // namespace

}  // namespace stocktake::dedup
