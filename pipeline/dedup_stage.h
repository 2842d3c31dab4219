// Deduplication in a run: keys and signatures during the shard pass, then
// clustering and the unique counts per tier and language.
//
// Shard side (ShardDeduper, one per input, in the input's worker): every
// document's dedup form is split into UAX #29 words and signed (MinHash);
// its band keys go to band runs and the 64-bit key of its counted text to
// exact runs, both split by hash partition, in the input's shard folder
// (bands.run, exact.run, and signatures.sig with verify; document ids there
// carry input 0, and the run places each shard at its ordinal). What
// aggregation needs later (tier, language, the sizes of each tier's text)
// stays in a compact row per document.
//
// Run side (ClusterAndCount, after every input is done): three clusterings
// of the same runs, each a pure function of the runs (dedup/cluster.h):
//   exact   the exact runs alone: documents with the same counted text;
//   near    band runs and exact runs together (so every exact group lies in
//           one near cluster, also for documents too short to sign);
//   global  near plus the runs of earlier runs named as an index, when any:
//           a document in a cluster with an earlier run's document is "seen
//           before".
// Totals per tier and language count every document ("total"), each exact
// group once ("after_exact"), each near cluster once ("unique"), and each
// near cluster without an earlier document once ("new_unique"), always with
// the representative's text (highest tier, then smallest id).
//
// RUN/dedup/ holds manifest.json (what an index run must agree on, and each
// input's shard folder and document count) and clusters.tsv (every document
// in a cluster of two or more).
#ifndef STOCKTAKE_PIPELINE_DEDUP_STAGE_H_
#define STOCKTAKE_PIPELINE_DEDUP_STAGE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_writer.h"
#include "common/status.h"
#include "dedup/cluster.h"
#include "dedup/exact_key.h"
#include "dedup/minhash.h"
#include "pipeline/config.h"
#include "pipeline/quality_counts.h"
#include "quality/normalize.h"
#include "quality/segment.h"

namespace stocktake::pipeline {

// One document, as aggregation after clustering needs it.
struct DocumentRow {
  uint64_t offset = 0;     // record offset in the decoded input
  uint32_t first_size = 0; // its tier 0 size in DedupRows::sizes; tier t at first_size + t
  uint16_t language = 0;   // index into DedupRows::languages
  uint8_t tier = 0;        // highest tier reached
  bool signed_text = false;  // has a MinHash signature
};

// The rows of one input, in document order (a document's position is its
// row index).
struct DedupRows {
  std::vector<DocumentRow> rows;
  std::vector<TextSize> sizes;
  std::vector<std::string> languages;
  // Distinct-value counts over the run.
  std::vector<dedup::ExactKey> dedup_text_keys;  // of the dedup form
  std::vector<dedup::ExactKey> url_keys;
  std::vector<dedup::ExactKey> digest_keys;
  Status output;  // writing the runs failed: the run cannot finish
};

// Where a run's dedup files go, the shared, immutable hasher, and the
// checked index runs.
struct DedupPlan {
  std::string dir;  // RUN/dedup
  Config::Dedup config;
  std::unique_ptr<dedup::MinHasher> hasher;
  struct IndexRun {
    std::string dir;  // the earlier run's directory
    std::vector<uint32_t> documents_per_input;
    std::vector<std::string> shards;  // per input: its shard folder
  };
  std::vector<IndexRun> index;  // config.index, as their manifests describe them
};
// Makes the plan for `run_dir`, checking the index runs. Writes nothing.
Result<std::unique_ptr<DedupPlan>> PrepareDedup(const Config& config, const std::string& run_dir);

// A document's dedup keys: computed by a DedupSigner in any thread, then
// added in document order by the input's ShardDeduper.
struct SignedDocument {
  dedup::ExactKey dedup_text_key;  // of the dedup form
  bool signed_text = false;        // long enough to sign
  std::vector<uint64_t> band_keys;
  std::vector<uint64_t> signature;  // kept with verify only
};

// Signs documents. Not thread-safe; one per thread (holds scratch).
class DedupSigner {
 public:
  explicit DedupSigner(const DedupPlan& plan) : plan_(plan) {}
  // `text` is the counted text; `segmenter` the thread's word segmenter.
  void Sign(std::string_view text, quality::Segmenter* segmenter, SignedDocument* out);

 private:
  const DedupPlan& plan_;
  quality::TextNormalizer normalizer_;
  std::vector<std::string_view> words_;
};

// The shard side for one input: collects its documents' keys and rows in
// document order. Not thread-safe; one per input.
class ShardDeduper {
 public:
  // Writes into the input's shard folder `shard_dir`.
  ShardDeduper(const DedupPlan& plan, std::string shard_dir);

  // Adds the next document: its keys, what identifies it, its tier (>= 0),
  // language and the size of each tier's text (tiers 0..tier).
  void Add(const SignedDocument& doc, const dedup::ExactKey& text_key, std::string_view url, std::string_view digest,
           uint64_t offset, int tier, std::string_view language, const std::vector<TextSize>& tier_sizes);

  // Writes the runs (and signatures) and hands over the rows.
  DedupRows Finish();

 private:
  const DedupPlan& plan_;
  std::string shard_dir_;
  dedup::BandRunWriter bands_;
  dedup::BandRunWriter exact_;
  std::string signatures_;  // with verify: every document's signature
  std::map<std::string, uint16_t, std::less<>> language_index_;
  DedupRows rows_;
};

// A tier's counts at each stage of deduplication.
struct DedupTotals {
  TextTotals total;        // every document at or above the tier
  TextTotals after_exact;  // one per exact group
  TextTotals unique;       // one per near cluster
  TextTotals new_unique;   // one per near cluster with no index document
  void Merge(const DedupTotals& o);
};

// What stats.json reports about deduplication.
struct DedupReport {
  bool enabled = false;
  uint64_t documents = 0;
  uint64_t signed_documents = 0;
  uint64_t band_entries = 0;
  uint64_t candidate_pairs = 0;  // documents sharing a key with a smaller one, once per key
  uint64_t exact_groups = 0;     // of two or more
  uint64_t exact_duplicates = 0;
  uint64_t near_clusters = 0;    // of two or more
  uint64_t near_duplicates = 0;
  uint64_t exact_matched = 0;    // documents with an identical twin
  uint64_t near_matched = 0;     // documents in a cluster by similarity only
  uint64_t pairs_tested = 0;     // verification
  uint64_t pairs_rejected = 0;
  uint64_t distinct_dedup_texts = 0;  // distinct dedup forms (128-bit keys)
  uint64_t distinct_urls = 0;
  uint64_t distinct_payload_digests = 0;
  // Index: earlier runs and what matched them.
  std::vector<std::string> index_runs;
  uint64_t index_documents = 0;
  uint64_t seen_before = 0;
  // Near clusters by size: upper bound of a power-of-two bucket (1, 2, 4,
  // 8, ...) -> clusters, documents.
  std::map<uint64_t, std::pair<uint64_t, uint64_t>> cluster_sizes;
  std::vector<DedupTotals> tiers;
  std::map<std::string, std::vector<DedupTotals>> tiers_by_language;
  // Every document's near cluster, in dense order (input 0's documents,
  // then input 1's, ...): for writing documents; not in stats.json.
  std::vector<dedup::DocumentCluster> near_documents;
  // Execution only (timing.json): partitions held at once, streamed ones.
  uint32_t partitions_in_flight = 0;
  uint32_t partitions_merged_from_disk = 0;
  uint32_t joined_from_parts = 0;  // clusterings joined from dedup tasks' parts

  void Write(const Config& config, const std::vector<std::string>& tier_names, JsonWriter* w) const;
};

// Clustering split across tasks (a cluster's dedup stage). With `write`,
// ClusterAndCount only computes the edges of the partitions p with
// p % count == index for each clustering, writes them to `dir`
// (KIND-INDEX-of-COUNT.edges, checksummed), and returns an empty report.
// Without, it joins the clusterings from the `count` parts' files when all
// are there and intact, and clusters in-process otherwise.
struct DedupParts {
  std::string dir;  // RUN/dedup-parts
  uint32_t index = 0;
  uint32_t count = 0;
  bool write = false;
};

// Checks a finished shard's dedup files (bands.run, exact.run, and
// signatures.sig when the plan verifies) end to end against their
// checksums; `documents` is the shard's document count. A resumed run
// redoes a shard that fails instead of clustering damaged keys.
Status CheckShardDedupFiles(const DedupPlan& plan, const std::string& shard_dir, uint64_t documents);
// The checks on one signatures.sig: size, header (documents, hashes per
// signature) and checksum.
Status CheckSignatureFile(const std::string& path, uint64_t documents, uint32_t hashes);
// Reads a dedup task's part file (RUN/dedup-parts): written for
// `partitions` and the run state `fingerprint`, checksummed; damaged or
// stale is an error.
Result<dedup::ClusterResult> ReadDedupPart(const std::string& path, uint32_t partitions, uint64_t fingerprint);

// Clusters the runs the shard pass wrote, counts, and writes dedup/ afresh
// (manifest.json and clusters.tsv; clusters are recomputed by every run). `rows` and `shards` (each input's shard folder, relative
// to the run directory) per input, in ordinal order. Errors: damaged runs,
// unusable index runs, unwritable output.
Result<DedupReport> ClusterAndCount(const DedupPlan& plan, const std::vector<const DedupRows*>& rows,
                                    const std::vector<std::string>& shards, size_t tier_count, int threads,
                                    const DedupParts* parts = nullptr);

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_DEDUP_STAGE_H_
