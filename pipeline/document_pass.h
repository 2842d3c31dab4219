// The per-input pass: records -> HTTP -> payload -> charset -> text -> counts.
//
// One function serves both `inspect` (extract = false) and `run` (extract =
// true), so the counts the two commands share are the same numbers by
// construction. The pass owns all per-input scratch; it allocates its helpers
// once per input, not per document. Pure function of (file bytes, options):
// safe to run on many inputs in parallel.
#ifndef STOCKTAKE_PIPELINE_DOCUMENT_PASS_H_
#define STOCKTAKE_PIPELINE_DOCUMENT_PASS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/counts.h"
#include "common/json_writer.h"
#include "crawler/http_source.h"
#include "dedup/exact_key.h"
#include "pipeline/dedup_stage.h"
#include "pipeline/config.h"
#include "pipeline/quality_counts.h"
#include "quality/tiers.h"

namespace stocktake::pipeline {

// Stages of the document funnel, in order. Each counts what reached it.
struct Funnel {
  uint64_t records = 0;          // every record read
  uint64_t response_records = 0; // WARC response / ARC data records
  uint64_t http_responses = 0;   // ... whose body is an HTTP response
  uint64_t status_200 = 0;       // ... with status 200
  uint64_t html_200 = 0;         // ... and an HTML payload
  uint64_t text_records = 0;     // WET conversion records (already text)
  uint64_t documents = 0;        // non-empty text after extraction

  void Merge(const Funnel& o);
  void Write(JsonWriter* w) const;
};

struct InputResult {
  std::string path;
  bool readable = true;
  std::string failure;  // why the input could not be read at all

  std::string format;       // "warc", "arc", "unknown"
  std::string compression;  // "gzip", "none", ...
  uint64_t members = 0;
  uint64_t bytes_read = 0;
  uint64_t bytes_decoded = 0;
  uint64_t skipped_bytes = 0;

  Counts records;  // by WARC-Type
  uint64_t http_responses = 0;
  uint64_t html_responses = 0;
  Counts status_codes;     // HTTP status of response records
  Counts charsets;         // canonical charset of HTML payloads
  Counts charset_sources;  // bom / http / meta / detected
  Counts errors;           // reason -> count (reader, container, HTTP, charset)
  uint64_t replaced_chars = 0;

  Funnel funnel;
  Counts documents_by_source;  // "html", "wet"
  // Main mode, per HTML page: "article" (found), "whole_page" (nothing stood
  // out; the cleaned page), "full_text" (detection gave up: plain full text).
  Counts main_content;
  uint64_t documents = 0;
  uint64_t text_bytes = 0;
  uint64_t words = 0;        // whitespace-separated
  uint64_t words_uax29 = 0;  // UAX #29 segments with a letter or number
  std::array<uint64_t, kMaxEncodings> tokens{};  // per configured encoding
  QualityCounts quality;
  std::vector<dedup::ExactKey> text_keys;  // one per document (run only)
  DedupRows dedup;  // per document, for clustering (run with dedup only; not merged)
  Status output;    // writing the shard's docs file failed (run with docs only; not stored)
  // Inputs read over HTTP(S): what the network did (never in stats.json).
  bool fetched = false;
  crawler::FetchStats network;
  // Reading stopped on an I/O or network failure: the counts are dropped
  // (the input is unreadable, with `failure`), and a run tries it again
  // next time instead of marking its shard done. Not stored.
  bool retry_later = false;

  void Merge(const InputResult& other);  // sums everything except identity fields and dedup rows
};

// Where the shard pass of a run sends its dedup keys: the plan and the
// input's shard folder.
struct DedupTarget {
  const DedupPlan* plan = nullptr;
  std::string shard_dir;
};

// Live progress of running scans, for a progress display: bumped as records
// are read (relaxed atomics; for display only, never for results).
struct ScanProgress {
  std::atomic<uint64_t> bytes_read{0};  // input bytes (compressed) consumed
  std::atomic<uint64_t> documents{0};
};

// A batch closes at this many records or bytes, whichever comes first:
// small enough to spread one input over all cores, large enough that a
// batch's counter merge is noise and that each step of its documents
// (RunPending) runs long enough to keep its tables in cache: on the
// benchmark shards, 256 records took 2.7% less CPU than 64, and with the
// tokens counted in a step of their own, 16 MiB took 2.0% less than 4 MiB
// (the piece caches are refilled once per batch). PlanMemory counts twice
// the bytes per batch in flight, and halves them (down to kMinBatchBytes)
// when the memory limit cannot hold two batches per worker. (A single
// larger record is a batch alone.)
constexpr size_t kBatchRecords = 1024;
constexpr size_t kBatchBytes = 16u << 20;
constexpr size_t kMinBatchBytes = 1u << 20;

// Scans inputs. Within an input, a oneTBB parallel_pipeline reads records in
// order into batches (at most `batches_in_flight` at once, each up to
// kBatchRecords records or `batch_bytes`), processes batches on any thread
// with that thread's reused scratch, and merges them back in order, so
// results are the same for any thread count. With a quality model (`run`),
// text is extracted, normalized and assessed; without one (`inspect`),
// records are read and classified only. With a dedup plan, every document's
// keys and signature are written as the input's runs in its shard folder and
// its rows returned in InputResult::dedup.
//
// Thread-safe: Scan may run for several inputs at once (they share the
// per-thread scratch). `config`, `quality` and `plan` must outlive it.
struct ScanOptions {
  size_t batches_in_flight = 8;  // per input
  size_t batch_bytes = kBatchBytes;  // a batch closes at this many bytes of records
  // Every document's docs line goes to the shard folder's docs file
  // (kShardDocsName), in document order.
  bool write_docs = false;
  // URL inputs are kept here (DIR/host/path) once read completely, and read
  // from here when present.
  std::string cache_dir;
};

class Scanner {
 public:
  Scanner(const Config& config, const quality::QualityModel* quality, const DedupPlan* plan,
          ScanOptions options = {});
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // `path` is a file or an http(s):// URL. `shard_dir` is used with a dedup
  // plan or write_docs only; `progress` may be null.
  InputResult Scan(const std::string& path, const std::string& shard_dir, ScanProgress* progress);

 private:
  std::unique_ptr<ByteSource> OpenScanInput(const std::string& path, const crawler::HttpSource** http,
                                            InputResult* r);
  struct ThreadScratch;
  const Config& config_;
  const quality::QualityModel* quality_;
  const DedupPlan* plan_;
  ScanOptions options_;
  std::unique_ptr<crawler::FetchLimiter> limiter_;  // shared by the inputs read over the network
  std::unique_ptr<ThreadScratch> scratch_;
};

// A shard's documents for --write-docs, zstd-compressed, one line each:
// "<offset>\t" and a JSON object missing its id, source and cluster fields
// and its two closing braces (the run writes the final docs/ files).
constexpr const char kShardDocsName[] = "docs.jsonl.zst";

// Where --cache keeps a URL's bytes: CACHE_DIR/host/path (query dropped,
// "." and ".." segments skipped).
std::string CachePath(const std::string& cache_dir, const std::string& url);

// Scans one input with a Scanner of its own (see above).
InputResult ScanInput(const std::string& path, const Config& config, const quality::QualityModel* quality,
                      const DedupTarget& dedup = {}, ScanProgress* progress = nullptr);

// One extracted document, for `stocktake extract`. Views are valid during
// the callback only.
struct ExtractedRecord {
  std::string_view source;     // the input file
  std::string_view url;        // WARC-Target-URI / ARC URL; file:// URL for bare pages
  std::string_view record_id;  // WARC-Record-ID ("" for ARC and bare pages)
  uint64_t offset = 0;         // record offset in the decoded input
  std::string_view charset;    // the charset the page was decoded from
  const crawler::ExtractedDocument* doc = nullptr;
  // The normalized text and its assessment; null when the text is empty.
  std::string_view text;
  const quality::QualityModel* model = nullptr;
  const quality::LanguageGuess* language = nullptr;
  std::string_view language_source;  // "text" or "full_text"
  const quality::Assessment* assessment = nullptr;
  const TextSize* size = nullptr;  // of `text`: bytes, words, tokens
  const std::vector<std::string>* encodings = nullptr;  // names of size->tokens
};

// Extracts every HTML 200 response of a crawl file, or the page itself if
// `path` names a bare HTML file (.html/.htm/.xhtml, optionally compressed),
// calling `emit` for each in file order. WET conversion records are text
// already and are skipped. Returns the input's counts.
InputResult ExtractDocuments(const std::string& path, const Config& config, const quality::QualityModel& quality,
                             const std::function<void(const ExtractedRecord&)>& emit);

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_DOCUMENT_PASS_H_
