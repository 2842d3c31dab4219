// RUN/report.html: one self-contained page (inline CSS and SVG, no script,
// no network) with the run's funnel beside RefinedWeb's and FineWeb's,
// tokens per tier and language, the rules' effects, duplicate cluster
// sizes, and -- when given -- the crawl estimate (stock, dedup curve) and
// the forecast (fan chart, exhaustion-year distribution). Every chart has
// its numbers in a table beside it.
#ifndef STOCKTAKE_PIPELINE_REPORT_H_
#define STOCKTAKE_PIPELINE_REPORT_H_

#include <string>

#include "common/status.h"

namespace stocktake::pipeline {

struct ReportInputs {
  std::string run_dir;        // reads RUN/stats.json
  std::string stock_json;     // optional: stocktake estimate's output
  std::string forecast_json;  // optional: stocktake forecast's output
};

// The HTML. Errors: an unreadable or foreign stats.json, stock or forecast.
Result<std::string> ReportHtml(const ReportInputs& inputs);

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_REPORT_H_
