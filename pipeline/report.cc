// The report page; see report.h. Data come from the JSON files the other
// commands write, so the page shows exactly the published numbers.
#include "pipeline/report.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <map>
#include <vector>

#include "common/byte_source.h"
#include "common/version.h"
#include "stats/svg_chart.h"

namespace stocktake::pipeline {
namespace {

using simdjson::dom::element;
using stats::EscapeXml;
using stats::ShortNumber;

constexpr const char* kColors[] = {"#3b6fb6", "#e07b39", "#4c9a55", "#b5465b", "#7d5ba6", "#8c8c8c"};

double Number(simdjson::simdjson_result<element> e) {
  double d = 0;
  if (!e.get(d)) return d;
  uint64_t u = 0;
  if (!e.get(u)) return static_cast<double>(u);
  int64_t i = 0;
  if (!e.get(i)) return static_cast<double>(i);
  return 0;
}

double Number(element e) { return Number(simdjson::simdjson_result<element>(std::move(e))); }

// The first encoding's count in a {"tokens": {enc: n}} object.
double Tokens(simdjson::simdjson_result<element> totals) {
  simdjson::dom::object o;
  if (totals["tokens"].get(o)) return 0;
  for (auto field : o) return Number(field.value);
  return 0;
}
double Tokens(element e) { return Tokens(simdjson::simdjson_result<element>(std::move(e))); }

std::string Table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table><thead><tr>";
  for (const std::string& h : header) out += "<th>" + EscapeXml(h) + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) out += (i == 0 ? "<td>" : "<td class=\"n\">") + EscapeXml(row[i]) + "</td>";
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

std::string Section(const std::string& id, const std::string& title, const std::string& text, const std::string& chart,
                    const std::string& table) {
  return fmt::format("<section id=\"{}\"><h2>{}</h2><p>{}</p><div class=\"pair\"><div>{}</div><div>{}</div></div>"
                     "</section>\n",
                     EscapeXml(id), EscapeXml(title), text, chart, table);
}

std::string Percent(double part, double whole) { return whole > 0 ? fmt::format("{:.1f}%", 100 * part / whole) : "-"; }

Result<element> Load(simdjson::dom::parser* parser, const std::string& path, const char* schema) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return InvalidArgument(fmt::format("report: cannot read '{}': {}", path, text.status().message()));
  element root;
  std::string_view found;
  if (parser->parse(*text).get(root) || root["schema"].get(found) || found != schema) {
    return InvalidArgument(fmt::format("report: '{}' is not a {} file", path, schema));
  }
  return root;
}

}  // namespace

Result<std::string> ReportHtml(const ReportInputs& in) {
  simdjson::dom::parser stats_parser, stock_parser, forecast_parser;
  auto stats_root = Load(&stats_parser, in.run_dir + "/stats.json", "stocktake.stats/1");
  if (!stats_root.ok()) return stats_root.status();
  const element totals = (*stats_root)["totals"];
  std::string body;

  // 1. Funnel, documents and tokens, beside RefinedWeb's and FineWeb's.
  {
    struct Stage {
      std::string name;
      double documents;
      double tokens;  // < 0: not measured at this stage
    };
    std::vector<Stage> stages;
    const element f = totals["funnel"];
    stages.push_back({"records", Number(f["records"]), -1});
    stages.push_back({"response records", Number(f["response_records"]), -1});
    stages.push_back({"HTTP 200", Number(f["status_200"]), -1});
    stages.push_back({"HTML 200 + WET text", Number(f["html_200"]) + Number(f["text_records"]), -1});
    simdjson::dom::array tiers;
    if (!totals["quality"]["tiers"].get(tiers)) {
      for (element t : tiers) {
        std::string_view name;
        if (t["name"].get(name)) continue;
        stages.push_back({"tier " + std::string(name), Number(t["documents"]), Tokens(t)});
      }
    }
    simdjson::dom::array dedup_tiers;
    if (!totals["dedup"]["tiers"].get(dedup_tiers)) {
      for (element t : dedup_tiers) {
        std::string_view name;
        if (t["name"].get(name)) continue;
        stages.push_back({std::string(name) + ", unique", Number(t["unique"]["documents"]), Tokens(t["unique"])});
      }
    }
    const double base = stages.size() > 4 ? stages[4].documents : 0;  // first tier: every document
    stats::BarChart docs{"chart-funnel", "Documents at each stage", {}, {{"documents", kColors[0], {}}}, true, ""};
    std::vector<std::vector<std::string>> rows;
    for (const Stage& s : stages) {
      docs.categories.push_back(s.name);
      docs.series[0].values.push_back(s.documents);
      rows.push_back({s.name, ShortNumber(s.documents), s.tokens >= 0 ? ShortNumber(s.tokens) : "",
                      s.tokens >= 0 ? Percent(s.documents, base) : ""});
    }
    body += Section("funnel", "From records to unique tokens",
                    "Every record read, down to the documents of each quality tier and, after near-duplicate "
                    "removal, one document per cluster. Tokens in the first configured encoding.",
                    stats::RenderBarChart(docs),
                    Table({"stage", "documents", "tokens", "of extracted documents"}, rows));

    // Published funnels for comparison: shares kept of the starting documents.
    stats::BarChart published{"chart-published-funnels", "Share kept: this run vs RefinedWeb and FineWeb",
                              {}, {{"share kept", kColors[1], {}}}, false, "%"};
    std::vector<std::vector<std::string>> prow;
    auto add = [&](const std::string& name, double share, const std::string& source) {
      published.categories.push_back(name);
      published.series[0].values.push_back(share);
      prow.push_back({name, fmt::format("{:.1f}%", share), source});
    };
    for (size_t i = 5; i < stages.size(); ++i) {
      add("this run: " + stages[i].name, base > 0 ? 100 * stages[i].documents / base : 0, "documents, this run");
    }
    add("RefinedWeb: English ID", 47.5, "Penedo et al. 2023, Fig. 2");
    add("RefinedWeb: document filters", 30.2, "Penedo et al. 2023");
    add("RefinedWeb: fuzzy dedup", 14.5, "Penedo et al. 2023");
    add("RefinedWeb: exact dedup", 11.7, "Penedo et al. 2023");
    add("FineWeb: per-dump MinHash (tokens)", 100.0 * 20 / 36, "36T -> 20T GPT-2 tokens");
    add("FineWeb: released (tokens)", 100.0 * 15 / 36, "36T -> 15T");
    body += Section("published-funnels", "Beside the published funnels",
                    "RefinedWeb's shares are of all Common Crawl documents; ours of the extracted documents; FineWeb's "
                    "of its tokens after base filtering.",
                    stats::RenderBarChart(published), Table({"stage", "kept", "source"}, prow));
  }

  // 2. Tokens per tier and language.
  {
    simdjson::dom::object by_language;
    std::vector<std::pair<double, std::string>> languages;
    std::vector<std::string> tier_names;
    simdjson::dom::array tiers;
    if (!totals["quality"]["tiers"].get(tiers)) {
      for (element t : tiers) {
        std::string_view name;
        if (!t["name"].get(name)) tier_names.emplace_back(name);
      }
    }
    if (!totals["quality"]["tiers_by_language"].get(by_language)) {
      for (auto field : by_language) {
        languages.emplace_back(tier_names.empty() ? 0 : Tokens(field.value[tier_names[0]]), std::string(field.key));
      }
    }
    std::sort(languages.begin(), languages.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (languages.size() > 12) languages.resize(12);
    stats::BarChart chart{"chart-languages", "Tokens per tier, top languages", {}, {}, true, ""};
    for (size_t t = 0; t < tier_names.size(); ++t) chart.series.push_back({tier_names[t], kColors[t % 6], {}});
    std::vector<std::vector<std::string>> rows;
    for (const auto& [tokens, language] : languages) {
      chart.categories.push_back(language);
      std::vector<std::string> row = {language};
      for (size_t t = 0; t < tier_names.size(); ++t) {
        const double v = Tokens(by_language[language][tier_names[t]]);
        chart.series[t].values.push_back(v);
        row.push_back(ShortNumber(v));
      }
      rows.push_back(row);
    }
    std::vector<std::string> header = {"language"};
    for (const std::string& t : tier_names) header.push_back(t);
    body += Section("languages", "Tokens per tier and language",
                    "The twelve languages with the most extracted tokens; a tier holds every document at or above it.",
                    stats::RenderBarChart(chart), Table(header, rows));
  }

  // 3. Rules: what each removes alone and in sequence.
  {
    simdjson::dom::array rules;
    stats::BarChart chart{"chart-rules", "Tokens each rule removes", {}, {{"alone", kColors[3], {}}, {"in sequence", kColors[0], {}}},
                          true, ""};
    std::vector<std::vector<std::string>> rows;
    if (!totals["quality"]["rules"].get(rules)) {
      for (element r : rules) {
        std::string_view name;
        if (r["name"].get(name)) continue;
        const double alone = Tokens(r["alone"]), seq = Tokens(r["in_sequence"]["removed"]);
        chart.categories.emplace_back(name);
        chart.series[0].values.push_back(alone);
        chart.series[1].values.push_back(seq);
        rows.push_back({std::string(name), ShortNumber(Number(r["alone"]["documents"])), ShortNumber(alone),
                        ShortNumber(Number(r["in_sequence"]["removed"]["documents"])), ShortNumber(seq)});
      }
    }
    body += Section("rules", "What each quality rule removes",
                    "Alone: the rule on every document. In sequence: on what the rules before it left.",
                    stats::RenderBarChart(chart),
                    Table({"rule", "documents alone", "tokens alone", "documents in sequence", "tokens in sequence"}, rows));
  }

  // 4. Duplicate cluster sizes.
  {
    simdjson::dom::array sizes;
    stats::BarChart chart{"chart-clusters", "Near-duplicate clusters by size", {}, {{"clusters", kColors[2], {}}}, true, ""};
    std::vector<std::vector<std::string>> rows;
    if (!totals["dedup"]["cluster_sizes"].get(sizes)) {
      for (element b : sizes) {
        const std::string name = fmt::format("size <= {}", ShortNumber(Number(b["size_at_most"])));
        chart.categories.push_back(name);
        chart.series[0].values.push_back(Number(b["clusters"]));
        rows.push_back({name, ShortNumber(Number(b["clusters"])), ShortNumber(Number(b["documents"]))});
      }
    }
    body += Section("clusters", "Duplicate cluster sizes",
                    rows.empty() ? "Deduplication was off for this run." : "Clusters by size (power-of-two buckets).",
                    stats::RenderBarChart(chart), Table({"cluster size", "clusters", "documents"}, rows));
  }

  // 5. The crawl estimate.
  if (!in.stock_json.empty()) {
    auto stock = Load(&stock_parser, in.stock_json, "stocktake.stock/1");
    if (!stock.ok()) return stock.status();
    simdjson::dom::array tiers;
    stats::BarChart chart{"chart-stock", "Crawl tokens per tier (90% interval)", {},
                          {{"tokens", kColors[0], {}}, {"unique tokens", kColors[2], {}}}, true, ""};
    std::vector<std::vector<std::string>> rows;
    if (!(*stock)["tiers"].get(tiers)) {
      for (element t : tiers) {
        std::string_view name;
        if (t["name"].get(name)) continue;
        chart.categories.emplace_back(name);
        chart.series[0].values.push_back(Number(t["tokens"]["estimate"]));
        chart.series[1].values.push_back(Number(t["unique_tokens"]["estimate"]));
        rows.push_back({std::string(name), ShortNumber(Number(t["tokens"]["estimate"])),
                        ShortNumber(Number(t["tokens"]["low"])) + " - " + ShortNumber(Number(t["tokens"]["high"])),
                        ShortNumber(Number(t["unique_tokens"]["estimate"]))});
      }
    }
    body += Section("stock", "The crawl's stock",
                    fmt::format("Estimated from {} sampled files of {}.", ShortNumber(Number((*stock)["sample"]["files"])),
                                ShortNumber(Number((*stock)["crawl"]["files"]))),
                    stats::RenderBarChart(chart), Table({"tier", "tokens", "90% interval", "unique tokens"}, rows));
    // The dedup curve of the first tier.
    simdjson::dom::object curves;
    stats::LineChart line{"chart-dedup-curve", "Unique fraction vs sample size", "files", "unique fraction", {}, true, false};
    std::vector<std::vector<std::string>> crow;
    if (!(*stock)["dedup_curve"].get(curves)) {
      size_t k = 0;
      for (auto field : curves) {
        simdjson::dom::array points;
        if (field.value["points"].get(points)) continue;
        stats::LineSeries s{std::string(field.key), kColors[k++ % 6], {}, {}, {}, {}, false};
        for (element p : points) {
          s.x.push_back(Number(p.at(0)));
          s.y.push_back(Number(p.at(1)));
          crow.push_back({std::string(field.key), ShortNumber(s.x.back()), fmt::format("{:.3f}", s.y.back())});
        }
        line.series.push_back(std::move(s));
      }
    }
    body += Section("dedup-curve", "Duplicates grow with the sample",
                    "The unique share of tokens on nested subsets of the sampled files; the estimate extrapolates "
                    "a power law fit to the whole crawl.",
                    stats::RenderLineChart(line), Table({"tier", "files", "unique fraction"}, crow));
  }

  // 6. The forecast.
  if (!in.forecast_json.empty()) {
    auto forecast = Load(&forecast_parser, in.forecast_json, "stocktake.forecast/1");
    if (!forecast.ok()) return forecast.status();
    stats::LineSeries stock{"effective stock", kColors[0], {}, {}, {}, {}, false};
    stats::LineSeries demand{"training demand", kColors[1], {}, {}, {}, {}, true};
    std::vector<std::vector<std::string>> rows;
    simdjson::dom::object stock_years, demand_years;
    if (!(*forecast)["stock_tokens"].get(stock_years) && !(*forecast)["demand_tokens"].get(demand_years)) {
      for (auto field : stock_years) {
        const double year = std::stod(std::string(field.key));
        stock.x.push_back(year);
        stock.y.push_back(Number(field.value["p50"]));
        stock.low.push_back(Number(field.value["p5"]));
        stock.high.push_back(Number(field.value["p95"]));
        const element d = demand_years[field.key];
        demand.x.push_back(year);
        demand.y.push_back(Number(d["p50"]));
        demand.low.push_back(Number(d["p5"]));
        demand.high.push_back(Number(d["p95"]));
        rows.push_back({std::string(field.key), ShortNumber(stock.y.back()),
                        ShortNumber(stock.low.back()) + " - " + ShortNumber(stock.high.back()),
                        ShortNumber(demand.y.back())});
      }
    }
    stats::LineChart fan{"chart-forecast", "Stock and demand (median, 90% band)", "year", "tokens", {stock, demand}, false, true};
    const element e = (*forecast)["exhaustion_year"];
    body += Section("forecast", "When demand overtakes the stock",
                    fmt::format("Median year {}, 80% interval {}-{}.", Number(e["p50"]), Number(e["p10"]), Number(e["p90"])),
                    stats::RenderLineChart(fan), Table({"year", "stock p50", "stock 90%", "demand p50"}, rows));
    simdjson::dom::object by_year;
    stats::BarChart years{"chart-exhaustion", "Probability demand has overtaken the stock, by year", {},
                          {{"probability", kColors[3], {}}}, false, "%"};
    std::vector<std::vector<std::string>> yrows;
    if (!(*forecast)["probability_exhausted_by"].get(by_year)) {
      double previous = 0;
      for (auto field : by_year) {
        const double p = Number(field.value);
        if (previous >= 0.99) break;  // the tail adds nothing to read
        years.categories.emplace_back(field.key);
        years.series[0].values.push_back(100 * p);
        yrows.push_back({std::string(field.key), fmt::format("{:.1f}%", 100 * p), fmt::format("{:.1f}%", 100 * (p - previous))});
        previous = p;
      }
    }
    body += Section("exhaustion", "The exhaustion year", "Cumulative probability; the last column is each year's share.",
                    stats::RenderBarChart(years), Table({"year", "by end of year", "in that year"}, yrows));
  }

  std::string config_hash;
  std::string_view hash;
  if (!(*stats_root)["config_hash"].get(hash)) config_hash = std::string(hash);
  std::string html = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>stocktake report</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;margin:2em auto;max-width:1400px;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin:1.6em 0 .3em;border-bottom:1px solid #ddd}
.pair{display:flex;flex-wrap:wrap;gap:2em;align-items:flex-start}
table{border-collapse:collapse;font-size:13px}th,td{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.chart text{font:11px system-ui,sans-serif;fill:#333}.chart .chart-title{font-size:13px;font-weight:600}
.chart .grid{stroke:#e5e5e5}.chart .tick{fill:#777}.meta{color:#666}
</style></head><body>
)";
  html += fmt::format("<h1>stocktake report</h1><p class=\"meta\">{} · config {} · {} {}</p>\n", EscapeXml(in.run_dir),
                      EscapeXml(config_hash), kProgramName, kProgramVersion);
  html += body;
  html += "</body></html>\n";
  return html;
}

}  // namespace stocktake::pipeline
