// Run configuration: loaded from TOML, validated, serialized canonically.
//
// Every key has a default (configs/default.toml spells them all out, with
// where each value comes from). Unknown keys, wrong types and out-of-range
// values are setup errors with the file, line and key in one message.
// The canonical JSON form goes into run.json, and its hash identifies the
// configuration a measurement was made with.
#ifndef STOCKTAKE_PIPELINE_CONFIG_H_
#define STOCKTAKE_PIPELINE_CONFIG_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_writer.h"
#include "common/status.h"
#include "crawler/extractor.h"
#include "crawler/jsonl.h"
#include "crawler/http_source.h"
#include "dedup/minhash.h"
#include "quality/tiers.h"
#include "stats/tokenizer.h"

namespace stocktake::pipeline {

struct Config {
  std::string source = "<built-in defaults>";  // where it was loaded from

  // [reader]
  uint64_t max_record_bytes = 64ull << 20;
  uint64_t max_header_bytes = 64ull << 10;
  std::string gzip_engine = "isal";

  // [http]
  uint64_t max_payload_bytes = 64ull << 20;

  // [extract]
  crawler::ExtractOptions extract;
  // [jsonl]: where JSONL document inputs keep their fields.
  crawler::JsonlFields jsonl;

  // [quality], [rules.NAME] (merged over the default rules), [[tiers]]
  // (replace the default tiers when given)
  quality::QualityConfig quality;
  // Language ID reads the main text; if it holds fewer bytes than this, the
  // page's full text is identified instead (0 = always the main text).
  uint64_t language_min_bytes = 1024;
  // Texts longer than this are identified on a spread sample of this many
  // bytes (0 = the whole text); see quality/language.h.
  uint64_t language_sample_bytes = 4096;
  // A quick sample of this many bytes is identified first; its guess stands
  // when CLD2 calls it reliable with a score of at least
  // language_quick_min_score (0 = no quick sample); see quality/language.h.
  uint64_t language_quick_sample_bytes = 1024;
  double language_quick_min_score = 0.95;

  // [tokens] Encodings counted for every text version, at most
  // kMaxEncodings; the first is the unit of the rule funnel's token columns.
  struct TokenEncoding {
    std::string name;     // a built-in name, or the rank file's file name: its name in outputs
    std::string path;     // resolved rank file path ("" for built-ins)
    std::string pattern;  // split pattern (a built-in encoding's name)
    std::string sha256;   // of the rank file; set by ResolveEncodings
    std::shared_ptr<const stats::Encoding> encoding;  // set by ResolveEncodings
  };
  static constexpr size_t kMaxEncodings = 4;
  std::vector<TokenEncoding> encodings = {{"cl100k_base", "", "cl100k_base", "", nullptr}};
  // [dedup] Exact and near-duplicate detection (docs/dedup.md).
  struct Dedup {
    bool enabled = true;
    dedup::MinHashParams minhash;  // FineWeb's: word 5-grams, 14 bands x 8 rows
    // Hash partitions of the band keys and the clustering's memory budget:
    // they change speed and memory, never results (not in the config hash).
    uint32_t partitions = 64;
    uint64_t memory_budget = 512ull << 20;
    // Keep full signatures and join a candidate pair only if its estimated
    // Jaccard similarity reaches the threshold.
    bool verify = false;
    double verify_threshold = 0.7;
    // Earlier run directories: documents matching any of theirs are "seen
    // before" (resolved relative to the config file).
    std::vector<std::string> index;
  };
  Dedup dedup;

  // [network] Inputs read over HTTP(S) (docs/network.md). These change how
  // bytes arrive, never which: not in the config hash.
  struct Network {
    // Where s3://commoncrawl/ paths and cc: crawl specs point.
    std::string base_url = "https://data.commoncrawl.org";
    crawler::FetchOptions fetch;
    uint32_t max_concurrent_downloads = 8;  // 0 = no cap
    double requests_per_second = 10;        // request starts, retries included; 0 = no cap
  };
  Network network;

  // [slurm] Resources of `stocktake slurm submit` (docs/distributed.md).
  // Execution only: not in the config hash.
  struct Slurm {
    std::string partition;              // "" = the cluster's default
    uint32_t tasks = 0;                 // shard array elements; 0 = one per 16 inputs, at most 1000
    uint32_t cpus_per_task = 4;
    std::string memory_per_task = "8G";  // sbatch --mem
    std::string time_limit = "12:00:00";
    uint32_t dedup_tasks = 8;           // dedup partition tasks (0: cluster in the finishing job)
    uint32_t finish_cpus = 8;           // dedup tasks and the aggregation and report job
    std::string finish_memory = "32G";
    std::vector<std::string> extra_sbatch;  // more "#SBATCH ..." option lines, e.g. "--account=x"
  };
  Slurm slurm;

  // [run]
  int threads = 0;  // 0 = all cores
  // Cap on the run's memory in bytes; 0 = half of the machine's physical
  // memory. It sets how many shards and batches are in flight and caps the
  // dedup clustering budget. Execution only: like threads, it is not in
  // ConfigJson or ConfigHash.
  uint64_t memory_limit = 0;
};

// An encoding by built-in name ("cl100k_base", "o200k_base", "r50k_base",
// "gpt2"; built-ins are shared), or a `.tiktoken` rank file path (anything
// with a '/' or '.') split with the built-in pattern `file_pattern`. Relative
// paths are taken from `base_dir` when it is not empty.
Result<std::shared_ptr<const stats::Encoding>> LoadEncoding(const std::string& spec, const std::string& file_pattern,
                                                           const std::string& base_dir = {});

// Loads every encoding of `config` (built-ins are shared, files are read and
// their SHA-256 recorded). LoadConfig calls it; built-in defaults need it once.
Status ResolveEncodings(Config* config);
// The encoding names, in config order (stats.json column names).
std::vector<std::string> EncodingNames(const Config& config);

Result<Config> LoadConfig(const std::string& path);
// The TOML text of a config file named `path` (for messages and relative
// paths), checked but with its encodings not yet loaded (LoadConfig does
// that too). Errors name the key and line.
Result<Config> ParseConfig(std::string_view text, const std::string& path);

// Canonical JSON of the effective values that can change results (not
// `source`, not `threads`), keys in a fixed order.
std::string ConfigJson(const Config& config, int indent);
void WriteConfigObject(const Config& config, JsonWriter* writer);
// Hex XXH3-128 of the compact canonical JSON.
std::string ConfigHash(const Config& config);

// The effective configuration as TOML that LoadConfig accepts back: every key
// of every section (execution keys too), in the order of configs/default.toml,
// every rule with all its parameters, and the tiers. Paths (rank files,
// classifier models, dedup index runs) are written absolute, resolved against
// the current directory when they were loaded relative to a relative config
// path, so the text means the same wherever it is saved. `source` is not
// written.
std::string ConfigToml(const Config& config);

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_CONFIG_H_
