// `stocktake run` and `stocktake inspect`: scanning inputs in parallel and
// writing results.
//
// Inputs are scanned concurrently (oneTBB), one task per input, and results
// are kept by input ordinal, so every number written is independent of thread
// count and timing. The run directory is DESIGN.md's: run.json, shards/ (one
// folder per input, finished when it has DONE; see shard_store.h), dedup/,
// stats.json, stats.csv and timing.json.
//
// A run directory accumulates: running again into it (or `--resume`) keeps
// its inputs, adds any new ones, reuses every finished shard whose input and
// configuration are unchanged, redoes the rest, and recomputes dedup and
// stats from the shard folders. The outputs are computed from the shard
// files whether a shard was made now or earlier, so an interrupted and
// resumed run writes the same bytes as an uninterrupted one.
#ifndef STOCKTAKE_PIPELINE_RUN_H_
#define STOCKTAKE_PIPELINE_RUN_H_

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "pipeline/config.h"
#include "pipeline/document_pass.h"

namespace stocktake::pipeline {

// Compiles the config's rules and tiers (loads a classifier model if one is
// configured). An error is a setup error.
Result<std::unique_ptr<quality::QualityModel>> LoadQualityModel(const Config& config);

// Scans `inputs` with up to `threads` workers (0 = all cores), keeping
// nothing on disk. Results are in input order. `quality` as for ScanInput
// (nullptr: inspect only).
std::vector<InputResult> ScanInputs(const std::vector<std::string>& inputs, const Config& config,
                                    const quality::QualityModel* quality, int threads);

// --write-docs: none, one document per duplicate cluster (its
// representative), or all documents with duplicates marked.
enum class DocsMode { kNone, kUnique, kAll };

struct RunOptions {
  int threads = 0;     // 0: the config's run.threads (0 there: all cores)
  bool progress = false;  // a progress display on stderr
  DocsMode docs = DocsMode::kNone;  // RUN/docs/NNNNNN.jsonl.zst per input
  std::string cache_dir;            // --cache: keep URL inputs' bytes here
  // Stages for a cluster (docs/distributed.md). plan_only: write run.json
  // (inputs, shard folders) and stop. task_count > 0: a shard task -- scan
  // the unfinished shards of run.json whose ordinal % task_count ==
  // task_index, touching nothing else, and stop (no dedup, no stats).
  bool plan_only = false;
  uint32_t task_count = 0;
  uint32_t task_index = 0;
  // dedup_task_count > 0: a dedup partition task -- with every shard done,
  // write the edges of partitions p % dedup_task_count == dedup_task_index
  // to RUN/dedup-parts and stop. dedup_parts > 0: join the clusterings from
  // that many parts (in-process where a part is missing or stale).
  uint32_t dedup_task_count = 0;
  uint32_t dedup_task_index = 0;
  uint32_t dedup_parts = 0;
};

// What run.json records about an existing run directory.
struct RunRecord {
  std::string config_source;  // "<built-in defaults>" or a file path
  std::string config_hash;
  std::vector<std::string> inputs;  // in ordinal order, as first given
  std::vector<std::string> shards;  // each input's shard folder ("shards/NNNNNN"; "" in old runs)
};
// Reads RUN/run.json. Errors: no run there, or an unreadable run.json.
Result<RunRecord> ReadRunRecord(const std::string& run_dir);

struct RunSummary {
  size_t inputs = 0;
  size_t unreadable = 0;
  uint64_t documents = 0;
  uint64_t words = 0;
  uint64_t tokens = 0;  // in the first configured encoding
  std::string encoding;
  uint64_t text_bytes = 0;
  // Documents and words at or above each tier, in tier order.
  std::vector<std::pair<std::string, TextTotals>> tiers;
  // The same after near-duplicate removal (empty without dedup).
  std::vector<TextTotals> unique_tiers;
  uint64_t near_duplicates = 0;
  size_t shards_reused = 0;  // finished earlier, not scanned again
  size_t shards_scanned = 0; // scanned by this call
  double wall_seconds = 0;
  uint64_t peak_rss_bytes = 0;
  uint64_t memory_limit_bytes = 0;  // the config's, or half the machine's memory
};

// Runs the measurement into `run_dir` (created if needed; see above for an
// existing one). `inputs` are added to the run's inputs. Errors: setup
// problems (another configuration in run.json, unwritable folders, damaged
// index runs); unreadable inputs are reported in stats.json instead.
Status RunMeasurement(const Config& config, const quality::QualityModel& quality, const std::string& run_dir,
                      const std::vector<std::string>& inputs, const RunOptions& options, RunSummary* summary);

// The stats.json document for scanned results (exposed for tests); `dedup`
// is null when deduplication is off.
std::string StatsJson(const Config& config, const std::vector<InputResult>& results, const DedupReport* dedup);

// `stocktake extract`: writes one JSON line per document of `inputs` to
// `out`, in input order, and a one-line summary to `err`. Returns the exit
// code (1 if an input could not be read).
int RunExtract(const Config& config, const quality::QualityModel& quality, const std::vector<std::string>& inputs,
               std::FILE* out, std::FILE* err);
std::string ExtractJsonLine(const ExtractedRecord& record);

// Prints `inspect` output for each result: a readable block, or one JSON
// object per line with `json`.
void PrintInspect(const std::vector<InputResult>& results, bool json, std::FILE* out);
std::string InspectJsonLine(const InputResult& result);

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_RUN_H_
