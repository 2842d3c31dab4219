// Crawl estimates from finished runs; see estimate_command.h.
//
// Every readable input of the runs is one sampled file. Additive totals go
// through stats::EstimateTotal (per page when the crawl's page count is
// given, else per file); ratios through stats::EstimateRatio; both with
// jackknife intervals over files. The unique fraction of each tier is
// measured on nested subsets of the files (a seeded order; the whole sample,
// half, a quarter, ... down to two files), clustered exactly as a run
// clusters (band and exact runs together), fit as a power law in the number
// of files and extrapolated to the crawl; stock.json says how far (crawl
// files / sample files) the extrapolation reaches.
#include "pipeline/estimate_command.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "common/byte_source.h"
#include "common/json_writer.h"
#include "common/version.h"
#include "dedup/cluster.h"
#include "pipeline/config.h"
#include "pipeline/run.h"
#include "pipeline/shard_store.h"
#include "stats/estimate.h"

namespace stocktake::pipeline {
namespace {

constexpr const char kStockSchema[] = "stocktake.stock/1";

struct Sampled {
  std::string run;
  std::string shard_dir;
  std::string path;
  InputResult result;
  double pages = 0;
};

void WriteInterval(const stats::Interval& i, JsonWriter* w) {
  w->BeginObject();
  w->Field("estimate", i.estimate);
  w->Field("low", i.low);
  w->Field("high", i.high);
  w->Field("standard_error", i.standard_error);
  w->EndObject();
}

// Unique tokens (first encoding) per tier over `subset` (indices into
// `files`): near clusters of their band and exact runs, one representative
// each.
Result<std::vector<std::pair<double, double>>> UniqueOfSubset(const std::vector<Sampled>& files,
                                                             const std::vector<size_t>& subset, size_t tiers,
                                                             uint32_t partitions, int threads) {
  dedup::RunSet bands, exact;
  std::vector<uint32_t> per_input;
  std::vector<uint8_t> tier_of;
  for (size_t k = 0; k < subset.size(); ++k) {
    const Sampled& s = files[subset[k]];
    bands.files.push_back({s.shard_dir + "/bands.run", static_cast<uint32_t>(k)});
    exact.files.push_back({s.shard_dir + "/exact.run", static_cast<uint32_t>(k)});
    per_input.push_back(static_cast<uint32_t>(s.result.dedup.rows.size()));
    for (const DocumentRow& row : s.result.dedup.rows) tier_of.push_back(row.tier);
  }
  dedup::ClusterOptions options;
  options.partitions = partitions;
  options.threads = threads;
  auto clusters = dedup::ClusterBandRuns({bands, exact}, per_input, tier_of, options);
  if (!clusters.ok()) return clusters.status();
  std::vector<std::pair<double, double>> out(tiers, {0.0, 0.0});  // (total, unique)
  uint64_t d = 0;
  for (size_t index : subset) {
    const DedupRows& rows = files[index].result.dedup;
    for (const DocumentRow& row : rows.rows) {
      const bool representative = clusters->documents[d++].representative;
      for (size_t t = 0; t <= row.tier && t < tiers; ++t) {
        const double tokens = static_cast<double>(rows.sizes[row.first_size + t].tokens[0]);
        out[t].first += tokens;
        if (representative) out[t].second += tokens;
      }
    }
  }
  return out;
}

// The length of the folder prefix ("/data/crawl/") all the files' paths share.
size_t SharedFolderLength(const std::vector<Sampled>& files) {
  const std::string_view first = files[0].path;
  size_t common = first.size();
  for (const Sampled& s : files) {
    size_t k = 0;
    while (k < common && k < s.path.size() && s.path[k] == first[k]) ++k;
    common = k;
  }
  const size_t slash = first.substr(0, common).rfind('/');
  return slash == std::string_view::npos ? 0 : slash + 1;
}

}  // namespace

Result<std::string> EstimateStock(const EstimateOptions& options) {
  if (options.runs.empty()) return InvalidArgument("estimate: name at least one finished run");
  std::vector<Sampled> files;
  std::string config_hash;
  size_t unreadable = 0;
  std::vector<std::string> tier_names;
  uint32_t partitions = 0;
  bool dedup = true;
  std::vector<double> growth_new, growth_unique;  // across crawls, per tier, summed over runs with an index
  bool indexed = false;
  for (const std::string& run : options.runs) {
    auto record = ReadRunRecord(run);
    if (!record.ok()) return record.status();
    if (!config_hash.empty() && record->config_hash != config_hash) {
      return InvalidArgument(fmt::format("estimate: run '{}' was made with another configuration (config hash {}, "
                                         "not {}): estimate runs of one configuration together",
                                         run, record->config_hash, config_hash));
    }
    config_hash = record->config_hash;
    auto stats_text = ReadFileToString(run + "/stats.json");
    if (!stats_text.ok()) return InvalidArgument(fmt::format("estimate: run '{}' is not finished (no stats.json)", run));
    simdjson::dom::parser parser;
    simdjson::dom::element stats;
    if (parser.parse(*stats_text).get(stats)) return InvalidArgument(fmt::format("estimate: '{}/stats.json' is damaged", run));
    simdjson::dom::element dedup_block;
    bool enabled = false;
    if (stats["totals"]["dedup"].get(dedup_block) || dedup_block["enabled"].get(enabled) || !enabled) dedup = false;
    if (enabled) {
      // Tier names and, with an index, the across-crawl growth.
      simdjson::dom::array tiers;
      if (!dedup_block["tiers"].get(tiers)) {
        size_t t = 0;
        for (simdjson::dom::element tier : tiers) {
          std::string_view name;
          if (!tier["name"].get(name) && tier_names.size() <= t) tier_names.emplace_back(name);
          uint64_t fresh = 0, unique = 0;
          if (growth_new.size() <= t) {
            growth_new.resize(t + 1, 0);
            growth_unique.resize(t + 1, 0);
          }
          // The first encoding's column.
          auto first = [](simdjson::simdjson_result<simdjson::dom::element> tokens, uint64_t* out) {
            simdjson::dom::object o;
            if (tokens.get(o)) return false;
            for (auto field : o) return !field.value.get(*out);
            return false;
          };
          if (first(tier["new_unique"]["tokens"], &fresh) && first(tier["unique"]["tokens"], &unique)) {
            indexed = true;
            growth_new[t] += static_cast<double>(fresh);
            growth_unique[t] += static_cast<double>(unique);
          }
          ++t;
        }
      }
      auto manifest = ReadFileToString(run + "/dedup/manifest.json");
      simdjson::dom::parser mp;
      simdjson::dom::element m;
      uint64_t p = 0;
      if (!manifest.ok() || mp.parse(*manifest).get(m) || m["partitions"].get(p)) {
        return InvalidArgument(fmt::format("estimate: run '{}' has no readable dedup/manifest.json", run));
      }
      partitions = static_cast<uint32_t>(p);
    }
    for (size_t i = 0; i < record->inputs.size(); ++i) {
      if (i >= record->shards.size() || record->shards[i].empty()) {
        return InvalidArgument(fmt::format("estimate: run '{}' has no shard folders (made by an older version)", run));
      }
      Sampled s;
      s.run = run;
      s.shard_dir = run + "/" + record->shards[i];
      s.path = record->inputs[i];
      auto result = ReadShardResult(s.shard_dir, s.path);
      if (!result.ok()) return result.status();
      s.result = std::move(*result);
      if (!s.result.readable) {
        ++unreadable;
        continue;
      }
      s.pages = static_cast<double>(s.result.funnel.html_200 + s.result.funnel.text_records);
      files.push_back(std::move(s));
    }
  }
  if (files.empty()) return InvalidArgument("estimate: the runs hold no readable input");
  const double n = static_cast<double>(files.size());
  if (options.crawl_files < n) {
    return InvalidArgument(fmt::format("estimate: the crawl has {} files but the sample {}: give --files", options.crawl_files, n));
  }
  size_t tier_count = 0;
  for (const Sampled& s : files) tier_count = std::max(tier_count, s.result.quality.tiers.size());
  for (size_t t = tier_names.size(); t < tier_count; ++t) tier_names.push_back(fmt::format("tier{}", t));

  // Per file: the auxiliary (pages, or 1 per file) and the quantities.
  const bool by_pages = options.crawl_pages > 0;
  const double crawl_x = by_pages ? options.crawl_pages : options.crawl_files;
  std::vector<double> aux, ones(files.size(), 1.0), pages, bytes, tokens;
  for (const Sampled& s : files) {
    aux.push_back(by_pages ? s.pages : 1.0);
    pages.push_back(s.pages);
    bytes.push_back(static_cast<double>(s.result.text_bytes));
    tokens.push_back(static_cast<double>(s.result.tokens[0]));
  }
  auto tier_tokens = [&](size_t t, const std::string* language) {
    std::vector<double> v;
    for (const Sampled& s : files) {
      const QualityCounts& q = s.result.quality;
      const std::vector<TextTotals>* list = &q.tiers;
      if (language != nullptr) {
        auto it = q.tiers_by_language.find(*language);
        list = it == q.tiers_by_language.end() ? nullptr : &it->second;
      }
      v.push_back(list != nullptr && t < list->size() ? static_cast<double>((*list)[t].tokens[0]) : 0.0);
    }
    return v;
  };

  // The dedup curve per tier over nested subsets, in an order seeded by the
  // files' paths below the folder they all share, so that the same files
  // elsewhere (another machine, another mount) give the same estimate.
  const size_t shared = SharedFolderLength(files);
  std::vector<uint64_t> order_key(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    order_key[i] = XXH3_64bits_withSeed(files[i].path.data() + shared, files[i].path.size() - shared, options.seed);
  }
  std::vector<size_t> order(files.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return order_key[a] != order_key[b] ? order_key[a] < order_key[b] : files[a].path < files[b].path;
  });
  std::vector<size_t> sizes;
  for (size_t m = files.size(); m >= 2; m /= 2) sizes.push_back(m);
  if (sizes.empty()) sizes.push_back(files.size());
  std::reverse(sizes.begin(), sizes.end());
  std::vector<std::vector<std::pair<double, double>>> curve_points(tier_count);  // (files, unique fraction)
  std::vector<double> sample_unique(tier_count, 0), sample_total(tier_count, 0);
  if (dedup) {
    for (size_t m : sizes) {
      std::vector<size_t> subset(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(m));
      std::sort(subset.begin(), subset.end());
      auto unique = UniqueOfSubset(files, subset, tier_count, partitions, options.threads);
      if (!unique.ok()) return unique.status();
      for (size_t t = 0; t < tier_count; ++t) {
        const auto [total, kept] = (*unique)[t];
        if (total > 0) curve_points[t].emplace_back(static_cast<double>(m), kept / total);
        if (m == files.size()) {
          sample_total[t] = total;
          sample_unique[t] = kept;
        }
      }
    }
  }

  std::string out;
  JsonWriter w(&out, 2);
  w.BeginObject();
  w.Field("schema", kStockSchema);
  w.Key("program").BeginObject().Field("name", kProgramName).Field("version", kProgramVersion).EndObject();
  w.Field("config_hash", config_hash);
  w.Key("runs").BeginArray();
  for (const std::string& run : options.runs) w.String(run);
  w.EndArray();
  w.Key("sample").BeginObject();
  w.Field("files", static_cast<uint64_t>(files.size()));
  w.Field("unreadable_files", static_cast<uint64_t>(unreadable));
  double sample_pages = 0;
  for (double p : pages) sample_pages += p;
  w.Field("pages", sample_pages);
  w.EndObject();
  w.Key("crawl").BeginObject();
  w.Field("files", options.crawl_files);
  if (by_pages) w.Field("pages", options.crawl_pages);
  w.Field("scaled_by", by_pages ? "pages" : "files");
  w.EndObject();

  const double reach = options.crawl_files / n;
  std::vector<stats::DedupCurve> curves(tier_count);
  std::vector<double> crawl_fraction(tier_count, 1.0);
  for (size_t t = 0; t < tier_count; ++t) {
    curves[t] = stats::FitDedupCurve(curve_points[t]);
    if (dedup) crawl_fraction[t] = curves[t].At(options.crawl_files);
  }

  // Totals: pages (when scaled by files), documents-free token totals per tier.
  w.Key("totals").BeginObject();
  if (!by_pages) {
    w.Key("pages");
    WriteInterval(stats::EstimateTotal(pages, aux, crawl_x), &w);
  }
  w.Key("text_bytes");
  WriteInterval(stats::EstimateTotal(bytes, aux, crawl_x), &w);
  w.Key("tokens");
  WriteInterval(stats::EstimateTotal(tokens, aux, crawl_x), &w);
  w.EndObject();

  auto scaled = [](stats::Interval i, double f) {
    i.estimate *= f;
    i.low *= f;
    i.high *= f;
    i.standard_error *= f;
    return i;
  };
  w.Key("tiers").BeginArray();
  for (size_t t = 0; t < tier_count; ++t) {
    const stats::Interval total = stats::EstimateTotal(tier_tokens(t, nullptr), aux, crawl_x);
    w.BeginObject();
    w.Field("name", tier_names[t]);
    w.Key("tokens");
    WriteInterval(total, &w);
    if (dedup) {
      w.Key("unique_tokens");
      WriteInterval(scaled(total, crawl_fraction[t]), &w);
      w.Field("sample_unique_tokens", sample_unique[t]);
      w.Field("sample_tokens", sample_total[t]);
    }
    w.EndObject();
  }
  w.EndArray();

  std::map<std::string, bool> languages;
  for (const Sampled& s : files) {
    for (const auto& [language, list] : s.result.quality.tiers_by_language) languages[language] = true;
  }
  w.Key("tiers_by_language").BeginObject();
  for (const auto& [language, unused] : languages) {
    w.Key(language).BeginObject();
    for (size_t t = 0; t < tier_count; ++t) {
      const std::vector<double> v = tier_tokens(t, &language);
      double sum = 0;
      for (double x : v) sum += x;
      if (sum == 0) continue;
      w.Key(tier_names[t]).BeginObject();
      w.Key("tokens");
      WriteInterval(stats::EstimateTotal(v, aux, crawl_x), &w);
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();

  // Epoch's factors.
  w.Key("factors").BeginObject();
  w.Key("bytes_per_page");
  WriteInterval(stats::EstimateRatio(bytes, pages), &w);
  w.Key("tokens_per_byte");
  WriteInterval(stats::EstimateRatio(tokens, bytes), &w);
  w.Key("bytes_per_token");
  WriteInterval(stats::EstimateRatio(bytes, tokens), &w);
  w.Key("quality").BeginObject();  // tier tokens / extracted tokens, before dedup
  for (size_t t = 0; t < tier_count; ++t) {
    w.Key(tier_names[t]);
    WriteInterval(stats::EstimateRatio(tier_tokens(t, nullptr), tier_tokens(0, nullptr)), &w);
  }
  w.EndObject();
  if (dedup) {
    w.Key("dedup").BeginObject();  // unique fraction of each tier's tokens
    for (size_t t = 0; t < tier_count; ++t) {
      w.Key(tier_names[t]).BeginObject();
      w.Field("sample", sample_total[t] > 0 ? sample_unique[t] / sample_total[t] : 1.0);
      // The crawl-scale fraction, with the range of the fits that leave
      // out one subset each (how much the extrapolation rests on any one
      // measurement).
      stats::Interval crawl;
      crawl.estimate = crawl.low = crawl.high = crawl_fraction[t];
      if (curve_points[t].size() >= 3) {
        for (size_t k = 0; k < curve_points[t].size(); ++k) {
          std::vector<std::pair<double, double>> rest = curve_points[t];
          rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(k));
          const double f = stats::FitDedupCurve(rest).At(options.crawl_files);
          crawl.low = std::min(crawl.low, f);
          crawl.high = std::max(crawl.high, f);
        }
      }
      w.Key("crawl");
      WriteInterval(crawl, &w);
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();

  if (dedup) {
    w.Key("dedup_curve").BeginObject();
    w.Field("model", "unique fraction = a * files^-b");
    w.Field("reach", reach);
    w.Field("note", fmt::format("fit on {} to {} files, extrapolated to {} ({:.1f}x the sample)", sizes.front(),
                                sizes.back(), options.crawl_files, reach));
    for (size_t t = 0; t < tier_count; ++t) {
      w.Key(tier_names[t]).BeginObject();
      w.Field("a", curves[t].a);
      w.Field("b", curves[t].b);
      w.Field("fitted", curves[t].fitted);
      w.Field("clamped", curves[t].clamped);
      w.Key("points").BeginArray();
      for (const auto& [m, f] : curve_points[t]) w.BeginArray().Double(m).Double(f).EndArray();
      w.EndArray();
      w.EndObject();
    }
    w.EndObject();
    // Distinct URLs and payload digests of the sample, by HyperLogLog.
    stats::HyperLogLog urls, digests;
    for (const Sampled& s : files) {
      for (const dedup::ExactKey& k : s.result.dedup.url_keys) urls.Add(k.low);
      for (const dedup::ExactKey& k : s.result.dedup.digest_keys) digests.Add(k.low);
    }
    w.Key("distinct").BeginObject();
    w.Field("urls_hll", urls.Estimate());
    w.Field("payload_digests_hll", digests.Estimate());
    w.EndObject();
    if (indexed) {
      w.Key("across_crawls").BeginObject();  // new unique / unique tokens, from the runs' index
      for (size_t t = 0; t < growth_new.size() && t < tier_names.size(); ++t) {
        w.Field(tier_names[t], growth_unique[t] > 0 ? growth_new[t] / growth_unique[t] : 0.0);
      }
      w.EndObject();
    }
  }
  w.EndObject();
  out.push_back('\n');
  return out;
}

Result<std::string> ApplyMeasuredStock(const std::string& path, const std::string& tier, stats::ForecastInputs* in) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return InvalidArgument(fmt::format("--stock '{}': {}", path, text.status().message()));
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view schema;
  if (parser.parse(*text).get(root) || root["schema"].get(schema) || schema != kStockSchema) {
    return InvalidArgument(fmt::format("--stock '{}' is not a stock.json from stocktake estimate", path));
  }
  auto interval = [&](simdjson::simdjson_result<simdjson::dom::element> e, stats::Distribution* d) -> bool {
    double est = 0, low = 0, high = 0;
    if (e["estimate"].get(est) || e["low"].get(low) || e["high"].get(high) || !(est > 0)) return false;
    low = std::max(low, est * 1e-3);
    high = std::max(high, est);
    *d = stats::Distribution{est, std::min(low, est), high, 0.9, true, false};
    return true;
  };
  std::string changed;
  simdjson::dom::element factors;
  if (root["factors"].get(factors)) return InvalidArgument(fmt::format("--stock '{}' has no factors", path));
  if (interval(factors["bytes_per_page"], &in->bytes_per_page)) {
    changed += "bytes_per_page: " + in->bytes_per_page.Describe() + " (measured)\n";
  }
  if (interval(factors["bytes_per_token"], &in->bytes_per_token)) {
    changed += "bytes_per_token: " + in->bytes_per_token.Describe() + " (measured)\n";
  }
  stats::Distribution quality;
  if (!interval(factors["quality"][tier], &quality)) {
    return InvalidArgument(fmt::format("--stock '{}' has no quality factor for tier '{}'", path, tier));
  }
  double dedup_fraction = 1;
  if (!factors["dedup"][tier]["crawl"]["estimate"].get(dedup_fraction) && dedup_fraction > 0) {
    quality.median *= dedup_fraction;
    quality.low *= dedup_fraction;
    quality.high *= dedup_fraction;
  }
  in->quality = quality;
  changed += fmt::format("quality: {} (measured: tier '{}' share x unique fraction {:.3f})\n", quality.Describe(), tier,
                         dedup_fraction);
  return changed;
}

}  // namespace stocktake::pipeline
