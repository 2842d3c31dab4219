// `stocktake forecast`: the forecast's inputs from TOML (configs/
// epoch2024.toml is the paper's), the Monte Carlo (stats/forecast.h), and
// its JSON output.
#ifndef STOCKTAKE_PIPELINE_FORECAST_COMMAND_H_
#define STOCKTAKE_PIPELINE_FORECAST_COMMAND_H_

#include <string>

#include "common/status.h"
#include "stats/forecast.h"

namespace stocktake::pipeline {

// Reads a forecast file. Every input must be given (there are no built-in
// priors: the numbers and their sources live in the file). Unknown keys,
// wrong types and impossible distributions are errors naming file, line
// and key.
Result<stats::ForecastInputs> LoadForecastInputs(const std::string& path);

// The JSON report: the inputs as used, stock and demand quantiles per
// reported year, the exhaustion year's quantiles (calendar years) and the
// probability that demand has overtaken the stock by the end of each year.
// With `priors` (the same forecast before measured factors replaced the
// file's), a "with_priors" block shows how the answer moved.
std::string ForecastJson(const stats::ForecastInputs& inputs, const stats::ForecastResult& result,
                         const std::string& source, const stats::ForecastResult* priors = nullptr);

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_FORECAST_COMMAND_H_
