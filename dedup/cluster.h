// Near-duplicate clustering from LSH band keys, within a memory budget.
//
// Each shard writes its documents' band keys as one run file, sorted within
// hash partitions (key mod partitions): BandRunWriter. Clustering then works
// partition by partition: the runs' slices of a partition are merged from
// disk (a buffered k-way merge, so a partition never has to fit in memory),
// every group of equal keys yields edges from its smallest document id to
// the others (a partition that fits its share of the budget is read and
// sorted in memory instead, with the same result), and the edges of all
// partitions are united in a union-find over dense document indices. A
// cluster's representative is its document with the highest tier, then the
// smallest id; the cluster id is the
// representative's id. Nothing depends on thread count, partition count or
// the order runs are listed in: the clusters are the connected components of
// the same edge set, and the keep rule is a total order.
//
// Several run sets can be clustered together (a run's band keys and its
// exact-text keys; an earlier run's keys, its documents' ids shifted past
// this run's inputs): every set is merged partition by partition on its own,
// and all edges go into the one union-find.
//
// Optional verification: for a set marked `verify`, a candidate pair is kept
// only if a caller-supplied test accepts it (the pipeline compares the two
// full signatures' estimated Jaccard). A document whose pair with the group's
// smallest id fails is tried against the next smallest members of its key
// group, up to kVerifyTries, so one dissimilar member does not cut the rest
// off. The test is a pure function of the pair, so results stay independent
// of threads and partitions.
//
// A run file holds one shard's entries of every partition, so a run of N
// shards has N files per key kind, whatever the partition count:
//   [magic "STBR2\0\0\0"][partitions u32][0 u32]
//   [per partition: count u64, XXH3-64 of its entries seeded by the partition]
//   [XXH3-64 of everything before]
//   [entries (key u64, doc u64): partition 0's sorted, then partition 1's, ...]
// A partition is read by seeking to its slice. A file that is short, long,
// written for another partition count or fails a checksum is an error naming
// it, never a silently smaller edge set.
#ifndef STOCKTAKE_DEDUP_CLUSTER_H_
#define STOCKTAKE_DEDUP_CLUSTER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace stocktake::dedup {

// A document id: the input's ordinal in the run (high 32 bits) and the
// document's position in the input (low 32 bits).
inline uint64_t DocumentId(uint32_t input, uint32_t position) { return (uint64_t{input} << 32) | position; }

struct BandEntry {
  uint64_t key;
  uint64_t doc;
  bool operator<(const BandEntry& o) const { return key != o.key ? key < o.key : doc < o.doc; }
  bool operator==(const BandEntry& o) const = default;
};

// Collects one shard's band keys and writes them as one run file,
// `dir`/<name>.run, split into hash partitions (key mod partitions).
class BandRunWriter {
 public:
  explicit BandRunWriter(uint32_t partitions);
  void Add(uint64_t key, uint64_t doc) { buckets_[key % buckets_.size()].push_back({key, doc}); }
  Status Write(const std::string& dir, const std::string& name);

 private:
  std::vector<std::vector<BandEntry>> buckets_;
};

// Accepts or rejects a candidate pair (document ids after shifting). Called
// from several threads at once: must be thread-safe and a pure function.
using PairTest = std::function<bool(uint64_t a, uint64_t b)>;

// How many earlier members of a key group a document is tested against
// before its candidate pairs from that group count as rejected.
constexpr int kVerifyTries = 8;

struct ClusterOptions {
  uint32_t partitions = 64;             // as written by BandRunWriter
  uint64_t memory_budget = 512ull << 20;  // bytes: read buffers and partitions in flight
  int threads = 0;                      // 0 = all cores
  PairTest verify;                      // applied to sets marked `verify`
  // Split across tasks (a cluster's dedup stage): process only partitions
  // p with p % part_count == part_index, and with edges_only return their
  // edges and counters (ClusterResult::edge_list) instead of clustering;
  // ClusterFromEdges joins the parts.
  uint32_t part_index = 0;
  uint32_t part_count = 1;
  bool edges_only = false;
};

// A run file (as BandRunWriter writes it) whose document ids get
// `input_offset` added to their input ordinal. A shard writes its ids with
// input 0 and the run places it at its ordinal; an earlier run's files are
// shifted past this run's inputs.
struct RunFile {
  std::string path;
  uint32_t input_offset = 0;
  bool operator<(const RunFile& o) const { return path < o.path; }
};
// The .run files directly in `dir`, sorted by name, all with
// `input_offset`. A missing directory has none.
std::vector<RunFile> RunFilesIn(const std::string& dir, uint32_t input_offset = 0);

// Reads a whole run file and checks its header, size and every partition's
// checksum: a resumed run calls it on a reused shard's runs, so damage is
// found (and the shard redone) before clustering trusts them.
Status CheckRunFile(const std::string& path, uint32_t partitions);

// Run files whose keys are compared with each other (the same kind of key).
struct RunSet {
  std::vector<RunFile> files;
  bool verify = false;  // test candidate pairs with ClusterOptions::verify
};

struct DocumentCluster {
  uint64_t cluster = 0;      // the representative's document id
  uint32_t size = 1;         // documents in the cluster
  bool representative = true;
};

struct ClusterResult {
  // Per document, in dense order: input 0's documents, then input 1's, ...
  std::vector<DocumentCluster> documents;
  uint64_t band_entries = 0;   // read from all runs
  // Documents that shared a key with a smaller one, counted once per key:
  // the candidate pairs (each key group's members after its first).
  uint64_t candidates = 0;
  uint64_t edges = 0;          // distinct pairs joined (per set and partition: depends on partitions)
  uint64_t pairs_tested = 0;   // verification: candidate pairs tested
  uint64_t pairs_rejected = 0; // ... that failed it
  uint64_t clusters = 0;       // with two or more documents
  uint64_t duplicates = 0;     // documents that are not their cluster's representative
  uint32_t partitions_in_flight = 0;  // as the budget allowed
  uint32_t partitions_merged_from_disk = 0;  // too large for their share: streamed
  // With ClusterOptions::edges_only: the distinct pairs joined, per unit,
  // as (document id, document id); `documents` stays empty.
  std::vector<std::pair<uint64_t, uint64_t>> edge_list;
};

// Clusters the runs of `sets`. `documents_per_input[i]` is input i's
// document count (after shifting: all sets' inputs) and `tiers` (dense
// order) each document's tier. Errors: unreadable or corrupt runs, document
// ids outside the inputs.
Result<ClusterResult> ClusterBandRuns(const std::vector<RunSet>& sets, const std::vector<uint32_t>& documents_per_input,
                                      const std::vector<uint8_t>& tiers, const ClusterOptions& options);
// Clusters from the edge lists of parts that together cover every
// partition once (ClusterOptions::edges_only): the same documents as one
// ClusterBandRuns over all of them.
Result<ClusterResult> ClusterFromEdges(const std::vector<ClusterResult>& parts,
                                       const std::vector<uint32_t>& documents_per_input,
                                       const std::vector<uint8_t>& tiers);
// The runs under one directory, unverified.
Result<ClusterResult> ClusterBandRuns(const std::string& dir, const std::vector<uint32_t>& documents_per_input,
                                      const std::vector<uint8_t>& tiers, const ClusterOptions& options);

}  // namespace stocktake::dedup

#endif  // STOCKTAKE_DEDUP_CLUSTER_H_
