// The stocktake command line. This file only parses arguments, calls the
// pipeline and turns Status values into one-line messages and exit codes:
//   0  success (damaged or unreadable inputs are reported, not fatal)
//   1  `inspect` found an input it could not read
//   2  setup error: bad arguments or config, missing inputs, unwritable output
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/version.h"
#include "common/atomic_file.h"
#include "pipeline/config.h"
#include "pipeline/estimate_command.h"
#include "pipeline/forecast_command.h"
#include "pipeline/report.h"
#include "pipeline/slurm.h"
#include "pipeline/inputs.h"
#include "pipeline/run.h"
#include "pipeline/tokens.h"

namespace {

using stocktake::Status;
using stocktake::pipeline::Config;

constexpr int kSetupError = 2;

int Fail(const Status& status) {
  std::fprintf(stderr, "stocktake: error: %s\n", status.message().c_str());
  return kSetupError;
}

stocktake::Result<Config> ConfigFrom(const std::string& path) {
  if (!path.empty()) return stocktake::pipeline::LoadConfig(path);
  Config config;
  Status resolved = stocktake::pipeline::ResolveEncodings(&config);
  if (!resolved.ok()) return resolved;
  return config;
}

// The configuration file of the run in `run_dir` (from its run.json; "" for
// the built-in defaults), unless `given` names one. Errors: no run there.
stocktake::Result<std::string> RunConfigPath(const std::string& run_dir, const std::string& given) {
  auto record = stocktake::pipeline::ReadRunRecord(run_dir);
  if (!record.ok()) return record.status();
  if (!given.empty()) return given;
  return record->config_source == Config{}.source ? std::string() : record->config_source;
}

// Input expansion that can read crawl manifests with the config's network
// settings.
stocktake::pipeline::InputOptions NetworkInputs(const Config& config,
                                                std::unique_ptr<stocktake::crawler::FetchLimiter>* limiter) {
  *limiter = std::make_unique<stocktake::crawler::FetchLimiter>(config.network.max_concurrent_downloads,
                                                                config.network.requests_per_second);
  stocktake::pipeline::InputOptions options;
  options.base_url = config.network.base_url;
  options.fetch = &config.network.fetch;
  options.limiter = limiter->get();
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  // A file-size limit (ulimit -f) must fail the write with EFBIG, which is
  // reported like a full disk, instead of killing the process mid-file.
  std::signal(SIGXFSZ, SIG_IGN);
  std::unique_ptr<stocktake::crawler::FetchLimiter> manifest_limiter;
  CLI::App app{
      "stocktake measures how much usable text a web crawl holds: it reads WARC/WET/ARC\n"
      "files, extracts and normalizes the text, identifies its language, applies the\n"
      "published quality rules (Gopher, C4, FineWeb) and counts documents, bytes, words\n"
      "and tokens (tiktoken-exact) per quality tier and language.",
      "stocktake"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("stocktake ") + stocktake::kProgramVersion);
  app.footer(
      "Examples:\n"
      "  stocktake inspect shard.warc.gz            what is in a file, and what is damaged\n"
      "  stocktake run -o runs/a data/*.warc.gz     measure; results in runs/a/stats.json\n"
      "  stocktake tokens --words notes.txt         cl100k_base tokens and words of a file\n"
      "  stocktake config show -c my.toml           every setting in effect, as TOML\n"
      "See `stocktake COMMAND --help` and docs/ for details.");

  // run
  std::string config_path;
  std::string run_dir;
  int threads = 0;
  std::vector<std::string> run_inputs;
  CLI::App* run = app.add_subcommand("run", "Measure inputs and write a run directory (RUN/stats.json).");
  run->add_option("-c,--config", config_path,
                  "TOML configuration (default: built-in values, the same as configs/default.toml)");
  run->add_option("-o,--output", run_dir, "Run directory to create or update")->required();
  run->add_option("-t,--threads", threads, "Worker threads (default: the config's run.threads; 0 = all cores)")
      ->check(CLI::Range(0, 4096));
  std::vector<std::string> index_runs;
  bool no_dedup = false;
  run->add_option("--index", index_runs,
                  "An earlier run directory to deduplicate against (repeatable): documents matching it are\n"
                  "\"seen before\" and not counted as new unique tokens (adds to the config's dedup.index)");
  run->add_flag("--no-dedup", no_dedup, "Skip duplicate detection (the config's dedup.enabled = false)");
  bool resume = false;
  bool quiet = false;
  run->add_flag("--resume", resume,
                "Continue the run in -o: its inputs and configuration come from its run.json (inputs given\n"
                "are added); finished shards are kept, unfinished ones redone");
  run->add_flag("-q,--quiet", quiet, "No progress display and no summary (errors only)");
  std::string cache_dir;
  run->add_option("--cache", cache_dir,
                  "Keep the files of URL inputs in this folder once read completely (DIR/host/path), and read\n"
                  "them from there next time instead of the network");
  std::string write_docs;
  run->add_option("--write-docs", write_docs,
                  "Also write the documents as zstd JSONL, RUN/docs/NNNNNN.jsonl.zst per input (id, text,\n"
                  "metadata: url, language, tier, tokens, cluster id and size): one per duplicate cluster\n"
                  "(its representative, whatever its tier), or with =all every document, duplicates marked")
      ->expected(0, 1)
      ->check(CLI::IsMember({"", "unique", "all"}));
  run->add_option("inputs", run_inputs,
                  "Crawl files or JSONL document files (docs/jsonl.md), folders (searched for *.warc*, *.arc*,\n"
                  "*.wet*, *.wat*, *.jsonl*, *.ndjson*, *.json.gz, *.json.zst), globs, http(s):// URLs,\n"
                  "s3://commoncrawl/ paths, or crawl specs: cc:CRAWL[/wet|/wat][?sample=N&seed=S] (docs/network.md);\n"
                  "added to the run's inputs when -o is an existing run");

  // estimate
  stocktake::pipeline::EstimateOptions estimate_options;
  std::string estimate_output;
  CLI::App* estimate = app.add_subcommand(
      "estimate", "Estimate a whole crawl's stock from finished runs over a sample of its files (stock.json).");
  estimate->add_option("runs", estimate_options.runs, "Finished run directories (one configuration)")->required();
  estimate->add_option("--files", estimate_options.crawl_files,
                       "Files (WARC/WET) in the whole crawl, e.g. the line count of its warc.paths.gz")
      ->check(CLI::PositiveNumber);
  estimate->add_option("--pages", estimate_options.crawl_pages,
                       "Pages in the whole crawl, if known (scales per page instead of per file)")
      ->check(CLI::PositiveNumber);
  std::string estimate_crawl;
  std::string estimate_config;
  estimate->add_option("--crawl", estimate_crawl,
                       "Read the crawl's file count from its manifest instead of --files: cc:CRAWL[/wet|/wat]\n"
                       "(network settings from -c)");
  estimate->add_option("-c,--config", estimate_config, "TOML configuration (for [network] with --crawl)");
  estimate->add_option("--seed", estimate_options.seed, "Order of the nested subsets for the dedup curve");
  estimate->add_option("-o,--output", estimate_output, "Also write stock.json here");
  estimate->footer(
      "Totals scale with ratio estimators, intervals (90%) from the jackknife over files; unique tokens\n"
      "extrapolate a power law fit on nested subsets. See docs/estimate.md.");

  // slurm
  CLI::App* slurm = app.add_subcommand("slurm", "Run a measurement on a Slurm cluster (docs/distributed.md).");
  slurm->require_subcommand(1);
  std::string slurm_config, slurm_run;
  std::vector<std::string> slurm_inputs;
  CLI::App* slurm_submit = slurm->add_subcommand(
      "submit", "Plan RUN and submit its shard tasks (a job array) and the finishing job (after them).");
  slurm_submit->add_option("-c,--config", slurm_config, "TOML configuration ([slurm] sets resources); must be on shared storage");
  slurm_submit->add_option("-o,--output", slurm_run, "Run directory on storage every node shares")->required();
  slurm_submit->add_option("inputs", slurm_inputs, "Crawl files, folders, globs, URLs or crawl specs, as for run")->required();
  CLI::App* slurm_resume = slurm->add_subcommand(
      "resume", "Resubmit only the shard tasks with unfinished shards, and the finishing job.");
  slurm_resume->add_option("run", slurm_run, "The run directory")->required();
  CLI::App* slurm_status = slurm->add_subcommand("status", "Shard tasks done, running, queued and failed; the finishing job.");
  slurm_status->add_option("run", slurm_run, "The run directory")->required();

  // task (what the Slurm jobs run)
  CLI::App* task = app.add_subcommand("task", "One stage of a planned run (the jobs `slurm submit` writes run these).");
  task->require_subcommand(1);
  std::string task_run, task_config;
  uint32_t task_index = 0, task_count = 0;
  int task_threads = 0;
  CLI::App* task_shards = task->add_subcommand("shards", "Scan the unfinished shards with ordinal % --of == --task.");
  task_shards->add_option("-o,--output", task_run, "The planned run directory")->required();
  task_shards->add_option("--task", task_index, "This task's index")->required();
  task_shards->add_option("--of", task_count, "Number of shard tasks")->required()->check(CLI::Range(1u, 1000000u));
  task_shards->add_option("-c,--config", task_config, "Configuration (default: the run's, from run.json)");
  task_shards->add_option("-t,--threads", task_threads, "Worker threads (0 = all cores)");
  CLI::App* task_dedup = task->add_subcommand(
      "dedup", "With every shard done: the duplicate edges of dedup partitions p % --of == --task.");
  task_dedup->add_option("-o,--output", task_run, "The run directory")->required();
  task_dedup->add_option("--task", task_index, "This task's index")->required();
  task_dedup->add_option("--of", task_count, "Number of dedup tasks")->required()->check(CLI::Range(1u, 1000000u));
  task_dedup->add_option("-c,--config", task_config, "Configuration (default: the run's, from run.json)");
  task_dedup->add_option("-t,--threads", task_threads, "Worker threads (0 = all cores)");
  uint32_t finish_parts = 0;
  CLI::App* task_finish = task->add_subcommand("finish", "Dedup clustering, stats and report (scans any shard left).");
  task_finish->add_option("--dedup-parts", finish_parts,
                          "Join the clusterings from this many dedup tasks' parts (redone here if missing)");
  task_finish->add_option("-o,--output", task_run, "The run directory")->required();
  task_finish->add_option("-c,--config", task_config, "Configuration (default: the run's, from run.json)");
  task_finish->add_option("-t,--threads", task_threads, "Worker threads (0 = all cores)");

  // report
  stocktake::pipeline::ReportInputs report_inputs;
  std::string report_output;
  CLI::App* report = app.add_subcommand(
      "report", "Write RUN/report.html: charts and tables of a run, and optionally its estimate and forecast.");
  report->add_option("run", report_inputs.run_dir, "A finished run directory")->required();
  report->add_option("--stock", report_inputs.stock_json, "stock.json from `stocktake estimate` (stock, dedup curve)");
  report->add_option("--forecast", report_inputs.forecast_json,
                     "JSON from `stocktake forecast -o` (fan chart, exhaustion year)");
  report->add_option("-o,--output", report_output, "Where to write (default RUN/report.html)");
  report->footer("One self-contained HTML file: inline SVG, no script, no network. `stocktake run` writes the\n"
                 "run-only version itself.");

  // forecast
  std::string forecast_config;
  std::string forecast_output;
  uint64_t forecast_samples = 0;
  double forecast_overtraining = 0;
  CLI::App* forecast = app.add_subcommand(
      "forecast", "Epoch-style forecast: when does training-data demand overtake the stock of text? (JSON)");
  forecast->add_option("-c,--config", forecast_config,
                       "Forecast inputs (TOML); configs/epoch2024.toml holds the published ones")
      ->required();
  forecast->add_option("-o,--output", forecast_output, "Also write the JSON to this file");
  forecast->add_option("--samples", forecast_samples, "Monte Carlo samples (default: the file's)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{100000000}));
  forecast->add_option("--overtraining", forecast_overtraining,
                       "Tokens-per-parameter multiple of Chinchilla for the compute projection (default: the file's)")
      ->check(CLI::Range(1.0, 1000.0));
  std::vector<int> forecast_years;
  forecast->add_option("--years", forecast_years, "Years to report stock and demand for (default: the file's)")
      ->delimiter(',')
      ->check(CLI::Range(1990, 3000));
  std::string forecast_stock;
  std::string forecast_tier = "high";
  forecast->add_option("--stock", forecast_stock,
                       "A stock.json from `stocktake estimate`: its measured bytes per page, bytes per token and\n"
                       "quality factor (--tier's share of the deduplicated tokens) replace the file's priors");
  forecast->add_option("--tier", forecast_tier, "The tier whose share is the quality factor with --stock (default high)");
  forecast->footer(
      "Prints stock_tokens (p5/p50/p95 per year), demand_tokens, exhaustion_year (p10/p50/p90) and the\n"
      "probability that demand exceeds the stock by each year, with the inputs used. See docs/forecast.md.");

  // inspect
  bool json = false;
  std::vector<std::string> inspect_inputs;
  std::string inspect_config;
  CLI::App* inspect = app.add_subcommand(
      "inspect", "Describe crawl files: records by type, HTTP and HTML responses, charsets, damage by reason.");
  inspect->add_flag("--json", json, "One JSON object per line and file instead of text");
  inspect->add_option("-c,--config", inspect_config, "TOML configuration (reader limits)");
  inspect->add_option("files", inspect_inputs, "Crawl files, folders or globs")->required();

  // extract
  std::string extract_mode;
  std::string extract_config;
  std::vector<std::string> extract_inputs;
  CLI::App* extract = app.add_subcommand(
      "extract", "Extract the text of HTML pages: one JSON line per document on stdout.");
  extract->add_option("--mode", extract_mode, "main (the article; default) or full (all visible text)")
      ->check(CLI::IsMember({"main", "full"}));
  extract->add_option("-c,--config", extract_config, "TOML configuration ([extract], [quality], rules and tiers)");
  extract->add_option("inputs", extract_inputs,
                      "WARC/WET/ARC files, bare .html/.html.gz pages (one document each), folders or globs")
      ->required();
  extract->footer(
      "Each line has source, url, record_id, offset, title, text (normalized), mode, main_found,\n"
      "text_bytes, paragraphs, link_density, charset, the guard flags, language, language_score,\n"
      "tier, tier_missed (the rule and reason that kept the page out of the next tier) and\n"
      "rules (every rule's status and measured values). Documents come in input order.\n"
      "See docs/output-format.md and docs/quality.md.");

  // tokens
  stocktake::pipeline::TokensOptions tokens_options;
  std::vector<std::string> tokens_inputs;
  CLI::App* tokens = app.add_subcommand(
      "tokens", "Count tokens (tiktoken-exact BPE) of whole files, or of each JSON line's text.");
  tokens->add_option("-e,--encoding", tokens_options.encodings,
                     "cl100k_base (default), o200k_base, r50k_base (= gpt2), or a .tiktoken file; repeat for\n"
                     "several columns");
  tokens->add_option("--pattern", tokens_options.pattern,
                     "Split pattern for .tiktoken files given by path (default cl100k_base)")
      ->check(CLI::IsMember({"cl100k_base", "o200k_base", "r50k_base", "gpt2"}));
  tokens->add_flag("--jsonl", tokens_options.jsonl, "Count each line's text field (a JSON object per line)");
  tokens->add_option("--text-field", tokens_options.text_field, "The field --jsonl counts (default: text)");
  tokens->add_flag("--words", tokens_options.words, "Also count UAX #29 words and whitespace-separated words");
  tokens->add_flag("--header", tokens_options.header, "Print a header line naming the columns");
  tokens->add_option("files", tokens_inputs, "Files to count (- for standard input)")->required();
  tokens->footer(
      "Output is tab-separated, one line per file (or per JSON line): one count per encoding, in\n"
      "the order given, then with --words the UAX #29 and whitespace word counts, then the file\n"
      "name (with --jsonl the line number, or file:line for several files). Counts equal\n"
      "tiktoken's encode_ordinary: special-token strings such as <|endoftext|> are plain text.\n"
      "Invalid UTF-8 is replaced by U+FFFD first. See docs/tokens.md.");

  // config show
  std::string show_config;
  CLI::App* config_cmd = app.add_subcommand("config", "Work with configuration files.");
  config_cmd->require_subcommand(1);
  config_cmd->footer("Example:\n  stocktake config show -c my.toml > effective.toml\nKeys: docs/configuration.md.");
  CLI::App* show = config_cmd->add_subcommand(
      "show", "Print the effective configuration as TOML (every key, defaults filled in).");
  show->add_option("-c,--config", show_config,
                   "TOML configuration to check and expand (default: the built-in values, the same as\n"
                   "configs/default.toml)");
  show->footer(
      "The output is a complete configuration that -c accepts back: every section and key in the\n"
      "order of configs/default.toml, every rule with all its parameters, the tiers, and paths\n"
      "(rank files, classifier models, dedup index runs) made absolute. A bad file is reported like\n"
      "`run` reports it. Keys: docs/configuration.md.");

  run->footer("Writes RUN/run.json (inputs, configuration), RUN/shards/NNNNNN/ (one folder per input,\n"
              "finished when it has DONE), RUN/dedup/ (manifest, clusters.tsv), RUN/stats.json (the\n"
              "measurement: funnel, tiers overall and per language, each rule's effect alone and in\n"
              "sequence, and the tiers after exact and near-duplicate removal), RUN/stats.csv (the tier\n"
              "table) and RUN/timing.json. Running again into RUN reuses finished shards, so a killed\n"
              "run resumes where it stopped and added inputs are the only ones scanned. See\n"
              "docs/output-format.md; tiers and rules: docs/quality.md; duplicates: docs/dedup.md.");
  inspect->footer("Damage reasons are explained in docs/reader.md.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "stocktake: error: %s (see stocktake --help)\n", e.what());
    return kSetupError;
  }

  if (*run) {
    if (resume) {
      auto path = RunConfigPath(run_dir, config_path);
      if (!path.ok()) return Fail(path.status());
      config_path = *path;
    } else if (run_inputs.empty()) {
      return Fail(stocktake::InvalidArgument("run: no inputs: name crawl files, folders or globs, or --resume a run"));
    }
    auto config = ConfigFrom(config_path);
    if (!config.ok()) return Fail(config.status());
    if (no_dedup) config->dedup.enabled = false;
    for (const std::string& index : index_runs) config->dedup.index.push_back(index);
    std::vector<std::string> inputs;
    if (!run_inputs.empty()) {
      auto expanded = stocktake::pipeline::ExpandInputs(run_inputs, NetworkInputs(*config, &manifest_limiter));
      if (!expanded.ok()) return Fail(expanded.status());
      inputs = std::move(*expanded);
    }
    auto quality = stocktake::pipeline::LoadQualityModel(*config);
    if (!quality.ok()) return Fail(quality.status());
    stocktake::pipeline::RunSummary summary;
    stocktake::pipeline::RunOptions options;
    options.threads = threads;
    options.progress = !quiet;
    options.cache_dir = cache_dir;
    if (run->count("--write-docs") > 0) {
      options.docs = write_docs == "all" ? stocktake::pipeline::DocsMode::kAll : stocktake::pipeline::DocsMode::kUnique;
    }
    Status st = stocktake::pipeline::RunMeasurement(*config, **quality, run_dir, inputs, options, &summary);
    if (!st.ok()) return Fail(st);
    if (summary.peak_rss_bytes > summary.memory_limit_bytes) {
      std::fprintf(stderr, "stocktake: warning: peak memory %.0f MiB exceeded the run.memory_limit of %.0f MiB\n",
                   static_cast<double>(summary.peak_rss_bytes) / (1 << 20),
                   static_cast<double>(summary.memory_limit_bytes) / (1 << 20));
    }
    if (quiet) return 0;
    if (summary.shards_reused > 0) {
      std::printf("stocktake: %zu of %zu shards were finished already and reused\n", summary.shards_reused,
                  summary.inputs);
    }
    std::printf("stocktake: %zu inputs (%zu unreadable), %llu documents, %llu %s tokens, %llu words, %llu text "
                "bytes in %.1f s\n",
                summary.inputs, summary.unreadable, static_cast<unsigned long long>(summary.documents),
                static_cast<unsigned long long>(summary.tokens), summary.encoding.c_str(),
                static_cast<unsigned long long>(summary.words), static_cast<unsigned long long>(summary.text_bytes),
                summary.wall_seconds);
    std::string tiers;
    for (size_t t = 0; t < summary.tiers.size(); ++t) {
      const auto& [name, totals] = summary.tiers[t];
      tiers += fmt::format("{}{} {} documents ({} tokens)", tiers.empty() ? "" : ", ", name, totals.documents,
                           totals.tokens[0]);
    }
    std::printf("stocktake: tiers: %s\n", tiers.c_str());
    if (!summary.unique_tiers.empty()) {
      std::string unique;
      for (size_t t = 0; t < summary.tiers.size() && t < summary.unique_tiers.size(); ++t) {
        unique += fmt::format("{}{} {} documents ({} tokens)", unique.empty() ? "" : ", ", summary.tiers[t].first,
                              summary.unique_tiers[t].documents, summary.unique_tiers[t].tokens[0]);
      }
      std::printf("stocktake: unique (one per duplicate cluster, %llu duplicates): %s\n",
                  static_cast<unsigned long long>(summary.near_duplicates), unique.c_str());
    }
    std::printf("stocktake: results in %s/stats.json (run.json: inputs and config; timing.json: speed)\n",
                run_dir.c_str());
    return 0;
  }

  if (*show) {
    auto config = ConfigFrom(show_config);
    if (!config.ok()) return Fail(config.status());
    std::fputs(stocktake::pipeline::ConfigToml(*config).c_str(), stdout);
    return 0;
  }

  if (*tokens) return stocktake::pipeline::RunTokens(tokens_options, tokens_inputs, stdout, stderr);

  if (*slurm) {
    if (*slurm_status) {
      auto status = stocktake::pipeline::SlurmStatus(slurm_run);
      if (!status.ok()) return Fail(status.status());
      std::fputs(status->c_str(), stdout);
      return 0;
    }
    std::string config_path = slurm_config;
    if (*slurm_resume) {
      auto path = RunConfigPath(slurm_run, slurm_config);
      if (!path.ok()) return Fail(path.status());
      config_path = *path;
    }
    auto config = ConfigFrom(config_path);
    if (!config.ok()) return Fail(config.status());
    if (*slurm_resume) {
      auto line = stocktake::pipeline::SlurmResume(*config, slurm_run);
      if (!line.ok()) return Fail(line.status());
      std::printf("%s\n", line->c_str());
      return 0;
    }
    auto inputs = stocktake::pipeline::ExpandInputs(slurm_inputs, NetworkInputs(*config, &manifest_limiter));
    if (!inputs.ok()) return Fail(inputs.status());
    auto quality = stocktake::pipeline::LoadQualityModel(*config);
    if (!quality.ok()) return Fail(quality.status());
    auto line = stocktake::pipeline::SlurmSubmit(*config, **quality, slurm_run, *inputs);
    if (!line.ok()) return Fail(line.status());
    std::printf("%s\n", line->c_str());
    return 0;
  }

  if (*task) {
    auto config_path = RunConfigPath(task_run, task_config);
    if (!config_path.ok()) return Fail(config_path.status());
    auto config = ConfigFrom(*config_path);
    if (!config.ok()) return Fail(config.status());
    auto quality = stocktake::pipeline::LoadQualityModel(*config);
    if (!quality.ok()) return Fail(quality.status());
    stocktake::pipeline::RunOptions options;
    options.threads = task_threads;
    if ((*task_shards || *task_dedup) && task_index >= task_count) {
      return Fail(stocktake::InvalidArgument("task: --task must be below --of"));
    }
    if (*task_shards) {
      options.task_count = task_count;
      options.task_index = task_index;
    }
    if (*task_dedup) {
      options.dedup_task_count = task_count;
      options.dedup_task_index = task_index;
    }
    options.dedup_parts = finish_parts;
    stocktake::pipeline::RunSummary summary;
    Status st = stocktake::pipeline::RunMeasurement(*config, **quality, task_run, {}, options, &summary);
    if (!st.ok()) return Fail(st);
    if (*task_dedup) {
      std::printf("stocktake: task dedup %u of %u done\n", task_index, task_count);
    } else {
      std::printf("stocktake: task %s done (%zu shard(s) scanned)\n", *task_shards ? "shards" : "finish",
                  summary.shards_scanned);
    }
    return 0;
  }

  if (*report) {
    auto html = stocktake::pipeline::ReportHtml(report_inputs);
    if (!html.ok()) return Fail(html.status());
    const std::string path = report_output.empty() ? report_inputs.run_dir + "/report.html" : report_output;
    Status st = stocktake::WriteFileAtomic(path, *html);
    if (!st.ok()) return Fail(st);
    std::printf("stocktake: wrote %s\n", path.c_str());
    return 0;
  }

  if (*estimate) {
    if (!estimate_crawl.empty()) {
      auto config = ConfigFrom(estimate_config);
      if (!config.ok()) return Fail(config.status());
      auto files = stocktake::pipeline::ExpandInputs({estimate_crawl}, NetworkInputs(*config, &manifest_limiter));
      if (!files.ok()) return Fail(files.status());
      estimate_options.crawl_files = static_cast<double>(files->size());
    }
    if (estimate_options.crawl_files <= 0) {
      return Fail(stocktake::InvalidArgument("estimate: give the crawl's size with --files N or --crawl cc:CRAWL"));
    }
    auto stock = stocktake::pipeline::EstimateStock(estimate_options);
    if (!stock.ok()) return Fail(stock.status());
    if (!estimate_output.empty()) {
      Status st = stocktake::WriteFileAtomic(estimate_output, *stock);
      if (!st.ok()) return Fail(st);
    }
    std::fputs(stock->c_str(), stdout);
    return 0;
  }

  if (*forecast) {
    auto inputs = stocktake::pipeline::LoadForecastInputs(forecast_config);
    if (!inputs.ok()) return Fail(inputs.status());
    if (forecast_samples > 0) inputs->samples = forecast_samples;
    if (!forecast_years.empty()) inputs->years = forecast_years;
    if (forecast_overtraining > 0) inputs->overtraining = stocktake::stats::Distribution::Point(forecast_overtraining);
    std::optional<stocktake::stats::ForecastResult> priors;
    if (!forecast_stock.empty()) {
      priors = stocktake::stats::RunForecast(*inputs);
      auto changed = stocktake::pipeline::ApplyMeasuredStock(forecast_stock, forecast_tier, &*inputs);
      if (!changed.ok()) return Fail(changed.status());
      std::fputs(changed->c_str(), stderr);
    }
    const std::string json_text = stocktake::pipeline::ForecastJson(
        *inputs, stocktake::stats::RunForecast(*inputs), forecast_config, priors ? &*priors : nullptr);
    if (!forecast_output.empty()) {
      Status st = stocktake::WriteFileAtomic(forecast_output, json_text);
      if (!st.ok()) return Fail(st);
    }
    std::fputs(json_text.c_str(), stdout);
    return 0;
  }

  if (*extract) {
    auto config = ConfigFrom(extract_config);
    if (!config.ok()) return Fail(config.status());
    if (!extract_mode.empty()) stocktake::crawler::ParseExtractMode(extract_mode, &config->extract.mode);
    stocktake::pipeline::InputOptions order;
    order.sort = false;
    order.html_files = true;
    auto inputs = stocktake::pipeline::ExpandInputs(extract_inputs, order);
    if (!inputs.ok()) return Fail(inputs.status());
    auto quality = stocktake::pipeline::LoadQualityModel(*config);
    if (!quality.ok()) return Fail(quality.status());
    return stocktake::pipeline::RunExtract(*config, **quality, *inputs, stdout, stderr);
  }

  if (*inspect) {
    auto config = ConfigFrom(inspect_config);
    if (!config.ok()) return Fail(config.status());
    auto inputs = stocktake::pipeline::ExpandInputs(inspect_inputs, NetworkInputs(*config, &manifest_limiter));
    if (!inputs.ok()) return Fail(inputs.status());
    auto results = stocktake::pipeline::ScanInputs(*inputs, *config, /*quality=*/nullptr, 0);
    stocktake::pipeline::PrintInspect(results, json, stdout);
    for (const auto& r : results) {
      if (!r.readable) return 1;
    }
    return 0;
  }
  return 0;
}
