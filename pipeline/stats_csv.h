// stats.csv: the tier totals of stats.json as one flat table, for
// spreadsheets and data frames.
//
// One row per (tier, language, stage): language "all" (every language) and
// then each language; stage "total" (every document at or above the tier),
// and with deduplication "after_exact", "unique" and, when the run was
// deduplicated against index runs, "new_unique" (dedup_stage.h defines them).
// Columns: tier, language, stage, documents, bytes, words, words_uax29 and
// tokens_<encoding> per configured encoding. RFC 4180: CRLF line ends, a
// field is quoted (with doubled quotes) only when it holds a comma, quote,
// CR or LF.
#ifndef STOCKTAKE_PIPELINE_STATS_CSV_H_
#define STOCKTAKE_PIPELINE_STATS_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/dedup_stage.h"
#include "pipeline/quality_counts.h"

namespace stocktake::pipeline {

// The whole file. Rows come in tier order, then language ("all" first, then
// the languages in byte order), then stage in the order above; a (tier,
// language) pair with no documents has no rows. Totals come from `quality`
// when `dedup` is null or not enabled, else from `dedup` (whose "total"
// equals quality's). `encodings` names the token columns (at most
// kMaxEncodings are written). Pure function.
std::string StatsCsv(const std::vector<std::string>& tier_names, const std::vector<std::string>& encodings,
                     const QualityCounts& quality, const DedupReport* dedup);

// `field` as an RFC 4180 field: unchanged, or quoted when it holds a comma,
// quote, CR or LF.
std::string CsvField(std::string_view field);

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_STATS_CSV_H_
