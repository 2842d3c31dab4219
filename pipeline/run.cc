// Parallel scan, aggregation and output writing.
//
// Aggregation merges per-input results in ordinal order, and exact-duplicate
// counting sorts all text keys, so stats.json is a pure function of the
// inputs and the configuration. Timing and memory go to timing.json only.
#include "pipeline/run.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>
#include <simdjson.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "common/atomic_file.h"
#include "common/json_writer.h"
#include "common/byte_source.h"
#include "common/decoded_stream.h"
#include "common/zstd_writer.h"
#include "common/version.h"
#include "pipeline/report.h"
#include "pipeline/shard_store.h"
#include "pipeline/stats_csv.h"

namespace stocktake::pipeline {

namespace {

constexpr const char kStatsSchema[] = "stocktake.stats/1";
constexpr const char kRunSchema[] = "stocktake.run/1";

void WriteProgram(JsonWriter* w) {
  w->Key("program").BeginObject();
  w->Field("name", kProgramName);
  w->Field("version", kProgramVersion);
  w->EndObject();
}

// Fields shared by stats.json (per input and totals) and inspect --json.
void WriteScanFields(const InputResult& r, JsonWriter* w) {
  w->Field("bytes_read", r.bytes_read);
  w->Field("bytes_decoded", r.bytes_decoded);
  w->Field("skipped_bytes", r.skipped_bytes);
  w->Field("records", r.records);
  w->Field("http_responses", r.http_responses);
  w->Field("html_responses", r.html_responses);
  w->Field("status_codes", r.status_codes);
  w->Field("charsets", r.charsets);
  w->Field("charset_sources", r.charset_sources);
  w->Field("errors", r.errors);
  w->Field("replaced_chars", r.replaced_chars);
}

void WriteDocumentFields(const InputResult& r, const std::vector<std::string>& encodings, JsonWriter* w) {
  w->Key("funnel");
  r.funnel.Write(w);
  w->Field("documents", r.documents);
  w->Field("documents_by_source", r.documents_by_source);
  w->Field("main_content", r.main_content);
  w->Field("text_bytes", r.text_bytes);
  w->Field("words", r.words);
  w->Field("words_uax29", r.words_uax29);
  w->Key("tokens").BeginObject();
  for (size_t e = 0; e < encodings.size() && e < kMaxEncodings; ++e) w->Field(encodings[e], r.tokens[e]);
  w->EndObject();
}

std::string WithThousands(uint64_t v) {
  std::string digits = fmt::format("{}", v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string CountsLine(const Counts& c) {
  if (c.empty()) return "none";
  std::string out;
  for (const auto& [k, n] : c.map()) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", k, WithThousands(n));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<quality::QualityModel>> LoadQualityModel(const Config& config) {
  std::string error;
  std::unique_ptr<quality::QualityModel> model = quality::QualityModel::Create(config.quality, &error);
  if (model == nullptr) return InvalidArgument("config '" + config.source + "': " + error);
  return model;
}

std::vector<InputResult> ScanInputs(const std::vector<std::string>& inputs, const Config& config,
                                    const quality::QualityModel* quality, int threads) {
  std::vector<InputResult> results(inputs.size());
  int n = threads > 0 ? threads : config.threads;
  std::unique_ptr<tbb::global_control> limit;
  if (n > 0) limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, n);
  // One scanner: its per-thread scratch and its network limits are shared.
  Scanner scanner(config, quality, nullptr);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, inputs.size(), 1), [&](const tbb::blocked_range<size_t>& range) {
    for (size_t i = range.begin(); i != range.end(); ++i) results[i] = scanner.Scan(inputs[i], "", nullptr);
  });
  return results;
}

std::string StatsJson(const Config& config, const std::vector<InputResult>& results, const DedupReport* dedup) {
  InputResult total;
  size_t unreadable = 0;
  for (const InputResult& r : results) {
    total.Merge(r);
    if (!r.readable) ++unreadable;
  }
  uint64_t distinct = dedup::CountDistinct(&total.text_keys);
  const std::vector<std::string> encodings = EncodingNames(config);

  std::string out;
  JsonWriter w(&out, 2);
  w.BeginObject();
  w.Field("schema", kStatsSchema);
  WriteProgram(&w);
  w.Field("config_hash", ConfigHash(config));
  w.Key("inputs").BeginObject();
  w.Field("count", static_cast<uint64_t>(results.size()));
  w.Field("unreadable", static_cast<uint64_t>(unreadable));
  w.EndObject();

  w.Key("totals").BeginObject();
  WriteScanFields(total, &w);
  WriteDocumentFields(total, encodings, &w);
  w.Field("distinct_texts", distinct);
  w.Field("duplicate_documents", total.documents - distinct);
  w.Key("quality");
  total.quality.Write(config.quality, encodings, /*detailed=*/true, &w);
  w.Key("dedup");
  if (dedup != nullptr) {
    std::vector<std::string> tier_names;
    for (const quality::TierSpec& tier : config.quality.tiers) tier_names.push_back(tier.name);
    dedup->Write(config, tier_names, &w);
  } else {
    DedupReport{}.Write(config, {}, &w);
  }
  w.EndObject();

  w.Key("per_input").BeginArray();
  for (size_t i = 0; i < results.size(); ++i) {
    const InputResult& r = results[i];
    w.BeginObject();
    w.Field("ordinal", static_cast<uint64_t>(i));
    w.Field("path", r.path);
    w.Field("readable", r.readable);
    if (!r.failure.empty()) w.Field("failure", r.failure);
    w.Field("format", r.format);
    w.Field("compression", r.compression);
    WriteScanFields(r, &w);
    WriteDocumentFields(r, encodings, &w);
    w.Key("quality");
    r.quality.Write(config.quality, encodings, /*detailed=*/false, &w);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  out.push_back('\n');
  return out;
}

namespace {

constexpr const char kShardsDir[] = "shards";

std::string RunJson(const Config& config, const std::vector<std::string>& inputs,
                    const std::vector<std::string>& folders) {
  std::string out;
  JsonWriter w(&out, 2);
  w.BeginObject();
  w.Field("schema", kRunSchema);
  WriteProgram(&w);
  w.Key("inputs").BeginArray();
  for (size_t i = 0; i < inputs.size(); ++i) {
    w.BeginObject();
    w.Field("ordinal", static_cast<uint64_t>(i));
    w.Field("path", inputs[i]);
    w.Field("shard", folders[i]);
    w.EndObject();
  }
  w.EndArray();
  w.Field("config_source", config.source);
  w.Key("config");
  WriteConfigObject(config, &w);
  w.Field("config_hash", ConfigHash(config));
  w.EndObject();
  out.push_back('\n');
  return out;
}

// The run's earlier inputs and `given`, matched by absolute path (the first
// spelling is kept), in sorted order: the sorted list defines ordinals.
std::vector<std::string> MergeInputs(const std::vector<std::string>& earlier, const std::vector<std::string>& given) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (const std::vector<std::string>* list : {&earlier, &given}) {
    for (const std::string& path : *list) {
      if (seen.insert(AbsolutePath(path)).second) out.push_back(path);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Which shard folder each input uses, and whether it is finished already.
struct ShardPlan {
  std::vector<std::string> folders;  // "shards/NNNNNN", per input
  std::vector<ShardIdentity> identities;
  std::vector<uint8_t> reuse;
};

// Matches finished shard folders to inputs by identity; removes unfinished
// and obsolete folders; numbers new folders after the highest in use (so a
// fresh run's folder numbers are its ordinals).
Result<ShardPlan> PlanShards(const std::string& run_dir, const std::vector<std::string>& inputs,
                             const std::string& config_hash, uint32_t partitions, bool docs) {
  const std::string shards_dir = run_dir + "/" + kShardsDir;
  STOCKTAKE_RETURN_IF_ERROR(MakeDirectories(shards_dir));
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(shards_dir, ec)) names.push_back(entry.path().filename());
  if (ec) return IoError(fmt::format("cannot list '{}': {}", shards_dir, ec.message()));
  std::sort(names.begin(), names.end());
  uint32_t next = 0;
  std::map<std::string, std::pair<std::string, ShardIdentity>> done;  // input -> folder, identity
  std::vector<std::string> obsolete;
  for (const std::string& name : names) {
    const bool numbered = name.size() == 6 && std::all_of(name.begin(), name.end(), ::isdigit);
    if (!numbered) {
      obsolete.push_back(name);
      continue;
    }
    next = std::max<uint32_t>(next, static_cast<uint32_t>(std::stoul(name)) + 1);
    std::optional<ShardIdentity> id = ReadShardDone(shards_dir + "/" + name);
    if (!id || !done.emplace(id->input, std::make_pair(name, *id)).second) obsolete.push_back(name);
  }
  ShardPlan plan;
  for (const std::string& input : inputs) {
    plan.identities.push_back(IdentityOf(input, config_hash, partitions, docs));
    auto it = done.find(plan.identities.back().input);
    if (it != done.end() && it->second.second.Serves(plan.identities.back())) {
      plan.folders.push_back(std::string(kShardsDir) + "/" + it->second.first);
      plan.reuse.push_back(1);
      done.erase(it);
    } else {
      plan.folders.push_back(std::string(kShardsDir) + "/" + ShardFolderName(next++));
      plan.reuse.push_back(0);
    }
  }
  for (const auto& [input, folder] : done) obsolete.push_back(folder.first);
  for (const std::string& name : obsolete) {
    std::filesystem::remove_all(shards_dir + "/" + name, ec);
    if (ec) return IoError(fmt::format("cannot remove '{}/{}': {}", shards_dir, name, ec.message()));
  }
  return plan;
}

// How the memory limit is spent. Workers each hold one shard: its reader
// buffer and its batches in flight (a batch's records plus what processing
// them allocates, about twice its bytes). Half the limit goes to batches,
// and clustering gets at most the other half.
struct MemoryPlan {
  uint64_t limit = 0;
  size_t batches_in_flight = 0;
  size_t batch_bytes = 0;
  uint64_t dedup_budget = 0;
};

MemoryPlan PlanMemory(const Config& config, int threads) {
  MemoryPlan plan;
  plan.limit = config.memory_limit;
  if (plan.limit == 0) {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    plan.limit = pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) / 2 : 4ull << 30;
  }
  const uint64_t workers = static_cast<uint64_t>(threads > 0 ? threads : tbb::info::default_concurrency());
  // Batches of kBatchBytes, smaller if the limit cannot hold two per worker.
  const uint64_t batch_budget = plan.limit / 2;
  plan.batch_bytes = kBatchBytes;
  while (plan.batch_bytes > kMinBatchBytes && batch_budget < workers * 2 * (2 * uint64_t{plan.batch_bytes})) {
    plan.batch_bytes /= 2;
  }
  const uint64_t per_batch = 2 * uint64_t{plan.batch_bytes};
  // Enough batches for one input to keep every worker busy, fewer if the
  // limit says so; at least two so reading overlaps processing.
  plan.batches_in_flight = static_cast<size_t>(std::clamp<uint64_t>(batch_budget / (workers * per_batch), 2, 2 * workers));
  plan.dedup_budget = std::min<uint64_t>(config.dedup.memory_budget, plan.limit / 2);
  return plan;
}

// Temporaries a killed run left at the top of the run directory.
void RemoveTemporaries(const std::string& run_dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir, ec)) {
    if (entry.path().filename().string().find(".tmp.") != std::string::npos) std::filesystem::remove(entry.path(), ec);
  }
}

std::string Duration(double seconds) {
  const auto s = static_cast<uint64_t>(std::max(0.0, seconds));
  if (s >= 3600) return fmt::format("{}h{:02d}m", s / 3600, (s / 60) % 60);
  if (s >= 60) return fmt::format("{}m{:02d}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

// A live progress display on stderr while shards are scanned: one line
// redrawn twice a second on a terminal, otherwise a log line every 5 s;
// both end with the final state.
class ProgressDisplay {
 public:
  ProgressDisplay(const ScanProgress* scan, const std::atomic<size_t>* shards_done, size_t shards_total,
                  uint64_t bytes_total)
      : scan_(scan), done_(shards_done), total_(shards_total), bytes_total_(bytes_total),
        tty_(isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()),
        thread_([this] { Loop(); }) {}
  ~ProgressDisplay() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
    // The last state, so logs show the scan's totals too.
    std::fprintf(stderr, tty_ ? "\r%s\n" : "%s\n", Line().c_str());
  }

 private:
  std::string Line() const {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const uint64_t bytes = scan_->bytes_read.load(std::memory_order_relaxed);
    const uint64_t docs = scan_->documents.load(std::memory_order_relaxed);
    const double rate = elapsed > 0 ? static_cast<double>(bytes) / elapsed : 0;
    std::string eta = "-";
    if (rate > 0 && bytes_total_ > bytes) eta = Duration(static_cast<double>(bytes_total_ - bytes) / rate);
    return fmt::format("stocktake: shards {}/{}, {} documents, {:.0f} documents/s, {:.1f} MB/s, ETA {}   ",
                       done_->load(), total_, WithThousands(docs), elapsed > 0 ? static_cast<double>(docs) / elapsed : 0,
                       rate / 1e6, eta);
  }
  void Loop() {
    const auto period = tty_ ? std::chrono::milliseconds(500) : std::chrono::milliseconds(5000);
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, period, [this] { return stop_; })) {
      if (tty_) {
        std::fprintf(stderr, "\r%s", Line().c_str());
      } else {
        std::fprintf(stderr, "%s\n", Line().c_str());
      }
      std::fflush(stderr);
    }
  }

  const ScanProgress* scan_;
  const std::atomic<size_t>* done_;
  size_t total_;
  uint64_t bytes_total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// RUN/network.json: what the network did for each input read over HTTP(S),
// as recorded when its shard was made (none: the file is removed).
Status WriteNetworkJson(const std::string& run_dir, const std::vector<InputResult>& results) {
  const std::string path = run_dir + "/network.json";
  crawler::FetchStats total;
  std::string out;
  JsonWriter w(&out, 2);
  w.BeginObject();
  w.Key("inputs").BeginArray();
  uint64_t fetched = 0, failed = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const InputResult& r = results[i];
    if (!r.fetched) continue;
    const crawler::FetchStats& n = r.network;
    ++fetched;
    failed += !r.readable;
    w.BeginObject();
    w.Field("ordinal", static_cast<uint64_t>(i));
    w.Field("url", n.url);
    w.Key("size").Int(n.size);
    w.Field("bytes_fetched", n.bytes_fetched);
    w.Field("requests", n.requests);
    w.Field("retries", n.retries);
    w.Field("resumes", n.resumes);
    w.Field("faults", n.faults);
    if (!r.readable) w.Field("failure", r.failure);
    w.EndObject();
    total.bytes_fetched += n.bytes_fetched;
    total.requests += n.requests;
    total.retries += n.retries;
    total.resumes += n.resumes;
    total.faults.Merge(n.faults);
  }
  w.EndArray();
  w.Key("totals").BeginObject();
  w.Field("inputs", fetched);
  w.Field("failed", failed);
  w.Field("bytes_fetched", total.bytes_fetched);
  w.Field("requests", total.requests);
  w.Field("retries", total.retries);
  w.Field("resumes", total.resumes);
  w.Field("faults", total.faults);
  w.EndObject();
  w.EndObject();
  out.push_back('\n');
  if (fetched == 0) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return Status::Ok();
  }
  return WriteFileAtomic(path, out);
}

// One input's documents: its shard's documents file completed with the id,
// source and cluster fields (see kShardDocsName).
Status WriteInputDocuments(const std::string& shard_docs, const std::string& out_path, uint32_t ordinal,
                           const std::string& source, const InputResult& result, const DedupReport* dedup,
                           uint64_t first_document, const std::vector<const InputResult*>& all, DocsMode mode) {
  auto file = FileSource::Open(shard_docs);
  if (!file.ok()) return file.status();
  DecodedStream stream(std::move(*file));
  ZstdFileWriter out;
  STOCKTAKE_RETURN_IF_ERROR(out.Open(out_path));
  std::string quoted_source;
  JsonWriter(&quoted_source, 0).String(source);
  auto damaged = [&](const char* what) {
    return Status(StatusCode::kDataError, fmt::format("'{}' is damaged ({}): rerun without the shard", shard_docs, what));
  };
  // The id of document `position` of input `input`: "<ordinal>:<offset>".
  auto id_of = [&](uint64_t input, uint64_t position) -> std::string {
    const std::vector<DocumentRow>& rows = all[input]->dedup.rows;
    return fmt::format("{}:{}", input, position < rows.size() ? rows[position].offset : 0);
  };
  std::string buffer, line;
  uint64_t position = 0;
  uint8_t chunk[1 << 16];
  bool end = false;
  while (!end) {
    DecodedStream::ReadResult got = stream.Read(chunk, sizeof(chunk));
    buffer.append(reinterpret_cast<const char*>(chunk), got.size);
    end = got.stream_end || got.size == 0;
    size_t start = 0;
    for (size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
      const std::string_view text(buffer.data() + start, nl - start);
      const size_t tab = text.find('\t');
      if (tab == std::string_view::npos || text.size() < tab + 3 || text[tab + 1] != '"') return damaged("a bad line");
      const std::string_view offset = text.substr(0, tab), fragment = text.substr(tab + 1);
      if (dedup != nullptr) {
        if (position >= result.dedup.rows.size() || first_document + position >= dedup->near_documents.size() ||
            fmt::format("{}", result.dedup.rows[position].offset) != offset) {
          return damaged("documents do not match the shard's rows");
        }
      }
      line.clear();
      line += "{\"id\":\"";
      line += fmt::format("{}:{}", ordinal, offset);
      line += "\",";
      line += fragment;
      line += ",\"source\":";
      line += quoted_source;
      bool keep = true;
      if (dedup != nullptr) {
        const dedup::DocumentCluster& c = dedup->near_documents[first_document + position];
        keep = c.representative || mode == DocsMode::kAll;
        line += fmt::format(",\"cluster_id\":\"{}\",\"cluster_size\":{},\"duplicate\":{}", id_of(c.cluster >> 32, c.cluster & 0xFFFFFFFFu),
                            c.size, c.representative ? "false" : "true");
      }
      line += "}}\n";
      if (keep) out.Write(line);
      ++position;
    }
    buffer.erase(0, start);
  }
  if (!stream.errors().empty() || !buffer.empty()) return damaged("truncated");
  if (dedup != nullptr && position != result.dedup.rows.size()) return damaged("fewer documents than rows");
  return out.Commit();
}

// RUN/docs/NNNNNN.jsonl.zst, one per input by ordinal, written afresh.
// Decodes a whole compressed file, as inputs are read (zstd frame
// checksums verified): OK only if it is complete and undamaged.
Status CheckDecodes(const std::string& path) {
  auto source = FileSource::Open(path);
  if (!source.ok()) return source.status();
  DecodedStream stream(std::move(*source));
  uint8_t chunk[1 << 16];
  while (!stream.Read(chunk, sizeof(chunk)).stream_end) {
  }
  if (!stream.io_status().ok()) return stream.io_status();
  if (!stream.errors().empty()) return Status(StatusCode::kDataError, "'" + path + "' is damaged");
  return Status::Ok();
}

Status WriteDocuments(const std::string& run_dir, const std::vector<std::string>& inputs,
                      const std::vector<std::string>& folders, const std::vector<InputResult>& results,
                      const DedupReport* dedup, DocsMode mode) {
  const std::string dir = run_dir + "/docs";
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  STOCKTAKE_RETURN_IF_ERROR(MakeDirectories(dir));
  std::vector<uint64_t> first(inputs.size() + 1, 0);
  std::vector<const InputResult*> all;
  for (size_t i = 0; i < inputs.size(); ++i) {
    first[i + 1] = first[i] + results[i].dedup.rows.size();
    all.push_back(&results[i]);
  }
  std::vector<Status> status(inputs.size());
  tbb::parallel_for(size_t{0}, inputs.size(), [&](size_t i) {
    status[i] = WriteInputDocuments(run_dir + "/" + folders[i] + "/" + kShardDocsName,
                                    fmt::format("{}/{:06d}.jsonl.zst", dir, i), static_cast<uint32_t>(i), inputs[i],
                                    results[i], dedup, first[i], all, mode);
  });
  for (const Status& st : status) STOCKTAKE_RETURN_IF_ERROR(st);
  return Status::Ok();
}

}  // namespace

Result<RunRecord> ReadRunRecord(const std::string& run_dir) {
  const std::string path = run_dir + "/run.json";
  auto text = ReadFileToString(path);
  if (!text.ok()) return NotFound(fmt::format("'{}' is not a run directory (no readable run.json)", run_dir));
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view schema, source, hash;
  simdjson::dom::array inputs;
  if (parser.parse(*text).get(root) || root["schema"].get(schema) || schema != kRunSchema ||
      root["config_source"].get(source) || root["config_hash"].get(hash) || root["inputs"].get(inputs)) {
    return Status(StatusCode::kDataError, fmt::format("'{}' is damaged or from another program version", path));
  }
  RunRecord record{std::string(source), std::string(hash), {}};
  for (simdjson::dom::element e : inputs) {
    std::string_view input;
    if (e["path"].get(input)) return Status(StatusCode::kDataError, fmt::format("'{}' has a bad input entry", path));
    record.inputs.emplace_back(input);
    std::string_view shard;
    record.shards.emplace_back(e["shard"].get(shard) ? std::string_view() : shard);
  }
  return record;
}

Status RunMeasurement(const Config& config, const quality::QualityModel& quality, const std::string& run_dir,
                      const std::vector<std::string>& given_inputs, const RunOptions& options, RunSummary* summary) {
  auto start = std::chrono::steady_clock::now();
  *summary = RunSummary{};
  Status st = MakeDirectories(run_dir);
  if (!st.ok()) return IoError("cannot create run directory: " + st.message());
  const std::string config_hash = ConfigHash(config);
  const int threads = options.threads > 0 ? options.threads : config.threads;

  // dedup/ is rebuilt from the shards' runs (ClusterAndCount); a disabled
  // run leaves none that could be taken for its own. Index runs are checked
  // before anything is written.
  std::unique_ptr<DedupPlan> plan;
  if (config.dedup.enabled) {
    auto prepared = PrepareDedup(config, run_dir);
    if (!prepared.ok()) return prepared.status();
    plan = std::move(*prepared);
  }
  // An existing run keeps its inputs and must keep its configuration.
  const bool dedup_task = options.dedup_task_count > 0;
  const bool task = options.task_count > 0 || dedup_task;
  std::vector<std::string> earlier, earlier_shards;
  std::error_code ec;
  if (task && !std::filesystem::exists(run_dir + "/run.json", ec)) {
    return InvalidArgument(fmt::format("'{}' has no run.json: a shard task needs a planned run", run_dir));
  }
  if (std::filesystem::exists(run_dir + "/run.json", ec)) {
    auto record = ReadRunRecord(run_dir);
    if (!record.ok()) return record.status();
    earlier_shards = record->shards;
    if (record->config_hash != config_hash) {
      return InvalidArgument(fmt::format(
          "run directory '{}' was measured with another configuration (config hash {}, from {}); this one hashes to "
          "{}: use that configuration (stocktake run --resume -o {}), or a new run directory",
          run_dir, record->config_hash, record->config_source, config_hash, run_dir));
    }
    earlier = std::move(record->inputs);
  }
  const bool docs = options.docs != DocsMode::kNone;
  const uint32_t partitions = config.dedup.enabled ? config.dedup.partitions : 0;
  std::vector<std::string> inputs;
  Result<ShardPlan> shards = ShardPlan{};
  if (task) {
    // A shard task (one of several running at once, maybe on other nodes):
    // the plan is run.json's, and it touches only its own shards' folders.
    inputs = earlier;
    if (earlier_shards.size() != inputs.size() ||
        std::any_of(earlier_shards.begin(), earlier_shards.end(), [](const std::string& f) { return f.empty(); })) {
      return InvalidArgument(fmt::format("'{}/run.json' has no shard folders", run_dir));
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      shards->folders.push_back(earlier_shards[i]);
      shards->identities.push_back(IdentityOf(inputs[i], config_hash, partitions, docs));
      std::optional<ShardIdentity> done = ReadShardDone(run_dir + "/" + earlier_shards[i]);
      shards->reuse.push_back(done && done->Serves(shards->identities.back()));
    }
  } else {
    if (plan == nullptr) std::filesystem::remove_all(run_dir + "/dedup", ec);
    RemoveTemporaries(run_dir);
    inputs = MergeInputs(earlier, given_inputs);
    shards = PlanShards(run_dir, inputs, config_hash, partitions, docs);
    if (!shards.ok()) return shards.status();
    // run.json before any scanning: a killed run can be resumed from it.
    STOCKTAKE_RETURN_IF_ERROR(WriteFileAtomic(run_dir + "/run.json", RunJson(config, inputs, shards->folders)));
    if (options.plan_only) {
      summary->inputs = inputs.size();
      for (uint8_t r : shards->reuse) summary->shards_reused += r;
      return Status::Ok();
    }
  }

  // The shard pass: unfinished shards, largest input first (the last task
  // to start is then a short one).
  std::vector<size_t> pending;
  uint64_t pending_bytes = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (shards->reuse[i]) continue;
    if (dedup_task) {
      return InvalidArgument(fmt::format("'{}': shard {} is not done: the dedup stage needs every shard", run_dir,
                                         shards->folders[i]));
    }
    if (task && i % options.task_count != options.task_index) continue;
    pending.push_back(i);
    pending_bytes += static_cast<uint64_t>(std::max<int64_t>(shards->identities[i].size, 0));
  }
  std::stable_sort(pending.begin(), pending.end(), [&](size_t a, size_t b) {
    return shards->identities[a].size > shards->identities[b].size;
  });
  ScanProgress progress;
  std::atomic<size_t> shards_done{0};
  const MemoryPlan memory = PlanMemory(config, threads);
  if (plan != nullptr) plan->config.memory_budget = memory.dedup_budget;
  ScanOptions scan_options;
  scan_options.batches_in_flight = memory.batches_in_flight;
  scan_options.batch_bytes = memory.batch_bytes;
  scan_options.write_docs = docs;
  scan_options.cache_dir = options.cache_dir;
  Scanner scanner(config, &quality, plan.get(), scan_options);
  auto scan_shard = [&](size_t i) {
    const std::string dir = run_dir + "/" + shards->folders[i];
    std::filesystem::remove_all(dir, ec);
    Status made = MakeDirectories(dir);
    if (!made.ok()) return made;
    InputResult r = scanner.Scan(inputs[i], dir, &progress);
    if (!r.dedup.output.ok()) return r.dedup.output;
    if (!r.output.ok()) return r.output;
    return WriteShard(dir, r, shards->identities[i], /*done=*/!r.retry_later);
  };
  std::vector<Status> scanned(inputs.size());
  {
    std::unique_ptr<tbb::global_control> limit;
    if (threads > 0) limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads);
    std::unique_ptr<ProgressDisplay> display;
    if (options.progress && !pending.empty()) {
      display = std::make_unique<ProgressDisplay>(&progress, &shards_done, pending.size(), pending_bytes);
    }
    tbb::parallel_for(tbb::blocked_range<size_t>(0, pending.size(), 1), [&](const tbb::blocked_range<size_t>& range) {
      for (size_t k = range.begin(); k != range.end(); ++k) {
        scanned[pending[k]] = scan_shard(pending[k]);
        shards_done.fetch_add(1);
      }
    });
  }
  for (const Status& s : scanned) STOCKTAKE_RETURN_IF_ERROR(s);
  summary->shards_scanned = pending.size();
  if (task && !dedup_task) return Status::Ok();
  const auto scanned_at = std::chrono::steady_clock::now();

  // Everything below reads the shard folders, fresh or reused alike. A
  // reused shard is checked end to end (result.bin, the dedup runs and
  // signatures, the documents), and a damaged one is redone once.
  size_t redone = 0;
  auto load_shard = [&](size_t i, const std::string& dir) -> Result<InputResult> {
    auto loaded = ReadShardResult(dir, inputs[i]);
    if (!loaded.ok() || !shards->reuse[i]) return loaded;
    if (plan != nullptr) {
      STOCKTAKE_RETURN_IF_ERROR(CheckShardDedupFiles(*plan, dir, loaded->dedup.rows.size()));
    }
    if (docs) STOCKTAKE_RETURN_IF_ERROR(CheckDecodes(dir + "/" + kShardDocsName));
    return loaded;
  };
  std::vector<InputResult> results(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string dir = run_dir + "/" + shards->folders[i];
    auto loaded = load_shard(i, dir);
    if (!loaded.ok() && shards->reuse[i]) {
      if (dedup_task) {
        // Dedup tasks run side by side and must not rescan a shard they
        // share: unmark it so `slurm resume` gives it a shard task.
        std::filesystem::remove(dir + "/DONE", ec);
        return Status(loaded.status().code(), fmt::format("{} (its DONE marker was removed: resume the run to redo it)",
                                                          loaded.status().message()));
      }
      STOCKTAKE_RETURN_IF_ERROR(scan_shard(i));
      shards->reuse[i] = 0;
      ++redone;
      loaded = ReadShardResult(dir, inputs[i]);
    }
    if (!loaded.ok()) return loaded.status();
    results[i] = std::move(*loaded);
  }

  if (dedup_task && plan == nullptr) return Status::Ok();  // dedup off: nothing to split
  if (!dedup_task) STOCKTAKE_RETURN_IF_ERROR(WriteNetworkJson(run_dir, results));

  std::optional<DedupReport> dedup;
  if (plan != nullptr) {
    std::vector<const DedupRows*> rows;
    for (const InputResult& r : results) rows.push_back(&r.dedup);
    DedupParts parts{run_dir + "/dedup-parts", options.dedup_task_index,
                     dedup_task ? options.dedup_task_count : options.dedup_parts, dedup_task};
    auto report = ClusterAndCount(*plan, rows, shards->folders, quality.tier_count(), threads, &parts);
    if (!report.ok()) return report.status();
    if (dedup_task) return Status::Ok();
    dedup = std::move(*report);
  }
  if (docs) {
    STOCKTAKE_RETURN_IF_ERROR(WriteDocuments(run_dir, inputs, shards->folders, results, dedup ? &*dedup : nullptr,
                                             options.docs));
  } else {
    std::filesystem::remove_all(run_dir + "/docs", ec);
  }
  for (InputResult& r : results) r.dedup = {};
  const double dedup_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - scanned_at).count();
  STOCKTAKE_RETURN_IF_ERROR(
      WriteFileAtomic(run_dir + "/stats.json", StatsJson(config, results, dedup ? &*dedup : nullptr)));
  QualityCounts quality_total;
  for (const InputResult& r : results) quality_total.Merge(r.quality);
  std::vector<std::string> tier_names;
  for (size_t t = 0; t < quality.tier_count(); ++t) tier_names.emplace_back(quality.tier_name(t));
  STOCKTAKE_RETURN_IF_ERROR(WriteFileAtomic(
      run_dir + "/stats.csv", StatsCsv(tier_names, EncodingNames(config), quality_total, dedup ? &*dedup : nullptr)));
  auto report = ReportHtml({run_dir, "", ""});
  if (!report.ok()) return report.status();
  STOCKTAKE_RETURN_IF_ERROR(WriteFileAtomic(run_dir + "/report.html", *report));

  summary->inputs = results.size();
  summary->shards_scanned = pending.size() + redone;
  summary->shards_reused = inputs.size() - pending.size() - redone;
  summary->encoding = config.encodings.empty() ? "" : config.encodings.front().name;
  for (size_t t = 0; t < quality.tier_count(); ++t) {
    summary->tiers.emplace_back(quality.tier_name(t),
                                t < quality_total.tiers.size() ? quality_total.tiers[t] : TextTotals{});
    if (dedup) summary->unique_tiers.push_back(t < dedup->tiers.size() ? dedup->tiers[t].unique : TextTotals{});
  }
  if (dedup) summary->near_duplicates = dedup->near_duplicates;
  uint64_t bytes_read = 0;
  uint64_t bytes_decoded = 0;
  for (const InputResult& r : results) {
    if (!r.readable) ++summary->unreadable;
    summary->documents += r.documents;
    summary->words += r.words;
    summary->tokens += r.tokens[0];
    summary->text_bytes += r.text_bytes;
    bytes_read += r.bytes_read;
    bytes_decoded += r.bytes_decoded;
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  summary->wall_seconds = wall;

  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  summary->peak_rss_bytes = static_cast<uint64_t>(usage.ru_maxrss) * 1024;
  summary->memory_limit_bytes = memory.limit;
  double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::string timing;
  JsonWriter w(&timing, 2);
  w.BeginObject();
  w.Field("wall_seconds", wall);
  w.Field("cpu_seconds", cpu);
  w.Field("peak_rss_bytes", summary->peak_rss_bytes);
  w.Field("memory_limit_bytes", memory.limit);
  w.Field("batches_in_flight_per_shard", static_cast<uint64_t>(memory.batches_in_flight));
  w.Field("batch_bytes", static_cast<uint64_t>(memory.batch_bytes));
  w.Field("threads", threads > 0 ? threads : tbb::info::default_concurrency());
  w.Field("shards_scanned", static_cast<uint64_t>(summary->shards_scanned));
  w.Field("shards_reused", static_cast<uint64_t>(summary->shards_reused));
  w.Field("bytes_read", bytes_read);
  w.Field("bytes_decoded", bytes_decoded);
  w.Field("read_mb_per_second", wall > 0 ? static_cast<double>(bytes_read) / 1e6 / wall : 0.0);
  w.Field("decoded_mb_per_second", wall > 0 ? static_cast<double>(bytes_decoded) / 1e6 / wall : 0.0);
  if (dedup) {
    w.Key("dedup").BeginObject();
    w.Field("seconds", dedup_seconds);
    w.Field("partitions", static_cast<uint64_t>(config.dedup.partitions));
    w.Field("memory_budget", config.dedup.memory_budget);
    w.Field("partitions_in_flight", static_cast<uint64_t>(dedup->partitions_in_flight));
    w.Field("partitions_merged_from_disk", static_cast<uint64_t>(dedup->partitions_merged_from_disk));
    w.Field("clusterings_joined_from_parts", static_cast<uint64_t>(dedup->joined_from_parts));
    w.EndObject();
  }
  w.EndObject();
  timing.push_back('\n');
  return WriteFileAtomic(run_dir + "/timing.json", timing);
}

namespace {

// `alone`: the rule's result on the unedited text, when it differs.
void WriteRuleResult(const quality::RuleResult& r, const quality::RuleResult* alone, JsonWriter* w) {
  w->BeginObject();
  w->Field("status", quality::RuleStatusName(r.status));
  if (r.status == quality::RuleStatus::kFail) w->Field("reason", r.reason);
  for (const quality::Measured& m : r.values) w->Field(m.name, m.value);
  if (!r.skipped.empty()) {
    w->Key("not_applicable").BeginArray();
    for (const char* check : r.skipped) w->String(check);
    w->EndArray();
  }
  if (alone != nullptr) {
    w->Key("alone");
    WriteRuleResult(*alone, nullptr, w);
  }
  w->EndObject();
}

// language, tier, the missed tier and every rule's result.
void WriteQualityFields(const ExtractedRecord& e, JsonWriter* w) {
  if (e.assessment == nullptr) {
    w->Key("language").Null();
    w->Key("language_score").Null();
    w->Key("tier").Null();
    w->Key("tier_missed").Null();
    return;
  }
  const quality::QualityModel& model = *e.model;
  const quality::Assessment& a = *e.assessment;
  const quality::LanguageGuess& g = *e.language;
  w->Field("language", g.code);
  w->Field("language_score", g.score);
  w->Field("language_reliable", g.reliable);
  w->Field("language_source", e.language_source);
  w->Key("languages").BeginArray();
  for (size_t i = 0; i < g.count; ++i) {
    w->BeginObject().Field("code", g.top[i].code).Field("share", g.top[i].share).EndObject();
  }
  w->EndArray();
  if (a.tier >= 0) {
    w->Field("tier", model.tier_name(static_cast<size_t>(a.tier)));
  } else {
    w->Key("tier").Null();
  }
  if (a.missed_rule >= 0) {
    const size_t rule = static_cast<size_t>(a.missed_rule);
    w->Key("tier_missed").BeginObject();
    w->Field("tier", model.tier_name(model.rule_tier(rule)));
    w->Field("rule", model.rule(rule).spec().name);
    w->Field("reason", a.missed_reason);
    w->EndObject();
  } else {
    w->Key("tier_missed").Null();
  }
  // In sequence: what decided the tier. A rule that saw text edited by an
  // earlier rule also shows its result on the unedited text ("alone").
  w->Key("rules").BeginObject();
  for (size_t i = 0; i < model.rule_count(); ++i) {
    w->Key(model.rule(i).spec().name);
    bool edited = a.rule_text[i].data() != e.text.data() || a.rule_text[i].size() != e.text.size();
    WriteRuleResult(a.rules[i], edited ? &a.alone[i] : nullptr, w);
  }
  w->EndObject();
}

}  // namespace

std::string ExtractJsonLine(const ExtractedRecord& e) {
  const crawler::ExtractedDocument& d = *e.doc;
  std::string out;
  JsonWriter w(&out, 0);
  w.BeginObject();
  w.Field("source", e.source);
  w.Field("url", e.url);
  w.Field("record_id", e.record_id);
  w.Field("offset", e.offset);
  w.Field("title", d.title);
  w.Field("text", e.text);
  w.Field("mode", crawler::ExtractModeName(d.mode));
  w.Field("main_found", d.main_found);
  w.Field("whole_page", d.whole_page);
  w.Field("text_bytes", static_cast<uint64_t>(e.text.size()));
  if (e.size != nullptr && e.encodings != nullptr) {
    w.Field("words", e.size->words);
    w.Field("words_uax29", e.size->words_uax29);
    w.Key("tokens").BeginObject();
    for (size_t i = 0; i < e.encodings->size() && i < kMaxEncodings; ++i) w.Field((*e.encodings)[i], e.size->tokens[i]);
    w.EndObject();
  }
  w.Field("paragraphs", static_cast<uint64_t>(d.paragraphs));
  w.Field("link_density", d.link_density);
  w.Field("charset", e.charset);
  w.Field("html_clipped", d.html_clipped);
  w.Field("depth_limited", d.depth_limited);
  w.Field("over_budget", d.over_budget);
  WriteQualityFields(e, &w);
  w.EndObject();
  out.push_back('\n');
  return out;
}

int RunExtract(const Config& config, const quality::QualityModel& quality, const std::vector<std::string>& inputs,
               std::FILE* out, std::FILE* err) {
  uint64_t documents = 0;
  uint64_t fallbacks = 0;
  int exit_code = 0;
  for (const std::string& input : inputs) {
    InputResult r = ExtractDocuments(input, config, quality, [&](const ExtractedRecord& record) {
      std::string line = ExtractJsonLine(record);
      std::fwrite(line.data(), 1, line.size(), out);
      ++documents;
      if (record.doc->mode == crawler::ExtractMode::kMain && !record.doc->main_found) ++fallbacks;
    });
    if (!r.readable) {
      std::fprintf(err, "stocktake: cannot read %s\n", r.failure.c_str());
      exit_code = 1;
    }
  }
  std::fflush(out);
  std::fprintf(err, "stocktake: %llu documents from %zu inputs (%s mode%s)\n",
               static_cast<unsigned long long>(documents), inputs.size(),
               std::string(crawler::ExtractModeName(config.extract.mode)).c_str(),
               config.extract.mode == crawler::ExtractMode::kMain
                   ? fmt::format(", {} fell back to full text", fallbacks).c_str()
                   : "");
  return exit_code;
}

std::string InspectJsonLine(const InputResult& r) {
  std::string out;
  JsonWriter w(&out, 0);
  w.BeginObject();
  w.Field("file", r.path);
  w.Field("readable", r.readable);
  if (!r.failure.empty()) w.Field("failure", r.failure);
  w.Field("format", r.format);
  w.Field("compression", r.compression);
  w.Field("members", r.members);
  WriteScanFields(r, &w);
  w.EndObject();
  return out;
}

void PrintInspect(const std::vector<InputResult>& results, bool json, std::FILE* out) {
  for (const InputResult& r : results) {
    if (json) {
      std::fprintf(out, "%s\n", InspectJsonLine(r).c_str());
      continue;
    }
    std::string text = r.path + "\n";
    if (!r.readable) {
      text += "  unreadable  " + r.failure + "\n";
      std::fputs(text.c_str(), out);
      continue;
    }
    std::string container = r.compression == "none" ? "uncompressed"
                                                     : fmt::format("{} ({} members)", r.compression, WithThousands(r.members));
    text += fmt::format("  format      {}, {}\n", r.format, container);
    text += fmt::format("  bytes       {} read, {} decoded, {} skipped\n", WithThousands(r.bytes_read),
                        WithThousands(r.bytes_decoded), WithThousands(r.skipped_bytes));
    text += fmt::format("  records     {}: {}\n", WithThousands(r.records.Total()), CountsLine(r.records));
    text += fmt::format("  http        {} responses, {} html; status {}\n", WithThousands(r.http_responses),
                        WithThousands(r.html_responses), CountsLine(r.status_codes));
    text += fmt::format("  charsets    {}\n", CountsLine(r.charsets));
    text += fmt::format("  errors      {}\n", CountsLine(r.errors));
    if (!r.failure.empty()) text += "  failure     " + r.failure + "\n";
    std::fputs(text.c_str(), out);
  }
}

}  // namespace stocktake::pipeline
