// stats.csv writer. The rows are a reshaping of counts already merged for
// stats.json (QualityCounts, DedupReport), so this file only orders and
// formats them; a long table (one row per stage) rather than one wide row per
// (tier, language) keeps the columns the same whether or not the run was
// deduplicated or had index runs.
#include "pipeline/stats_csv.h"

#include <fmt/format.h>

#include <algorithm>

namespace stocktake::pipeline {

namespace {

constexpr std::string_view kLineEnd = "\r\n";  // RFC 4180

void AppendRow(std::string_view tier, std::string_view language, std::string_view stage, const TextTotals& t,
               size_t encodings, std::string* out) {
  *out += CsvField(tier);
  *out += ',';
  *out += CsvField(language);
  *out += ',';
  *out += stage;
  fmt::format_to(std::back_inserter(*out), ",{},{},{},{}", t.documents, t.bytes, t.words, t.words_uax29);
  for (size_t e = 0; e < encodings; ++e) fmt::format_to(std::back_inserter(*out), ",{}", t.tokens[e]);
  *out += kLineEnd;
}

void AppendDedupRows(std::string_view tier, std::string_view language, const DedupTotals& d, bool new_unique,
                     size_t encodings, std::string* out) {
  if (d.total.documents == 0) return;
  AppendRow(tier, language, "total", d.total, encodings, out);
  AppendRow(tier, language, "after_exact", d.after_exact, encodings, out);
  AppendRow(tier, language, "unique", d.unique, encodings, out);
  if (new_unique) AppendRow(tier, language, "new_unique", d.new_unique, encodings, out);
}

}  // namespace

std::string CsvField(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string StatsCsv(const std::vector<std::string>& tier_names, const std::vector<std::string>& encodings,
                     const QualityCounts& quality, const DedupReport* dedup) {
  if (dedup != nullptr && !dedup->enabled) dedup = nullptr;
  const size_t columns = std::min(encodings.size(), kMaxEncodings);
  std::string out = "tier,language,stage,documents,bytes,words,words_uax29";
  for (size_t e = 0; e < columns; ++e) out += "," + CsvField("tokens_" + encodings[e]);
  out += kLineEnd;

  for (size_t t = 0; t < tier_names.size(); ++t) {
    const std::string& tier = tier_names[t];
    if (dedup == nullptr) {
      auto append = [&](std::string_view language, const std::vector<TextTotals>& tiers) {
        if (t < tiers.size() && tiers[t].documents != 0) AppendRow(tier, language, "total", tiers[t], columns, &out);
      };
      append("all", quality.tiers);
      for (const auto& [language, tiers] : quality.tiers_by_language) append(language, tiers);
    } else {
      const bool new_unique = !dedup->index_runs.empty();
      auto append = [&](std::string_view language, const std::vector<DedupTotals>& tiers) {
        if (t < tiers.size()) AppendDedupRows(tier, language, tiers[t], new_unique, columns, &out);
      };
      append("all", dedup->tiers);
      for (const auto& [language, tiers] : dedup->tiers_by_language) append(language, tiers);
    }
  }
  return out;
}

}  // namespace stocktake::pipeline
