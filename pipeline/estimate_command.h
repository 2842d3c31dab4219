// `stocktake estimate`: a whole crawl's stock from the shards of one or
// more finished runs (a sample of its files), with 90% intervals, written as
// stock.json; and the measured factors `stocktake forecast --stock` takes.
#ifndef STOCKTAKE_PIPELINE_ESTIMATE_COMMAND_H_
#define STOCKTAKE_PIPELINE_ESTIMATE_COMMAND_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "stats/forecast.h"

namespace stocktake::pipeline {

struct EstimateOptions {
  std::vector<std::string> runs;  // finished run directories (same configuration)
  double crawl_files = 0;         // files in the whole crawl (required)
  double crawl_pages = 0;         // pages in the whole crawl (0: unknown; scale by files)
  uint64_t seed = 1;              // order of the nested subsets for the dedup curve
  int threads = 0;
};

// The stock.json document. Errors: a run that is not finished or was made
// with another configuration, no readable shard, a crawl smaller than the
// sample.
Result<std::string> EstimateStock(const EstimateOptions& options);

// Replaces the forecast's stock factors with the measured ones of a
// stock.json: bytes per page, bytes per token and the quality factor of
// `tier` (its share of the deduplicated tokens at crawl scale). Returns
// what was replaced, one line per factor.
Result<std::string> ApplyMeasuredStock(const std::string& stock_json_path, const std::string& tier,
                                       stats::ForecastInputs* inputs);

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_ESTIMATE_COMMAND_H_
