// The Epoch-style data forecast (Villalobos et al., "Will we run out of
// data?", 2024): a Monte Carlo over the stock of text and the demand of the
// largest training runs, and the year demand first exceeds the stock.
//
// Stock in the base year = pages x bytes per page / bytes per token (the
// indexed web), x quality factor x repetition factor (the effective stock);
// it grows each year by (1 + page growth) x (1 + bytes-per-page growth).
// Demand is, per sample, with probability `historical_share` the historical
// dataset-size trend (start tokens x 10^(growth x years)), otherwise the
// compute projection: Chinchilla-optimal tokens for the largest run's
// compute, D = 20 sqrt(k C / 120) with overtraining factor k (k = 1 is
// Chinchilla; k tokens-per-parameter multiples beyond it cost sqrt(k) more
// data). Both grow log-linearly, so the crossing year has a closed form per
// sample.
//
// Every uncertain input is a Distribution; results are quantiles over the
// samples. Deterministic: the same inputs and seed give the same numbers on
// every machine (own PRNG and normal sampling). Pure; thread-safe.
#ifndef STOCKTAKE_STATS_FORECAST_H_
#define STOCKTAKE_STATS_FORECAST_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace stocktake::stats {

// An uncertain input: a two-piece normal (in log space when `log`) with the
// given median whose central `level` interval is [low, high]; the two sides
// may be unequal. `uniform` draws evenly from [low, high] instead. A point
// value has low == median == high.
struct Distribution {
  double median = 0;
  double low = 0;
  double high = 0;
  double level = 0.9;
  bool log = true;
  bool uniform = false;

  static Distribution Point(double v) { return {v, v, v, 0.9, false, false}; }
  // Quantile function: `u` in (0, 1).
  double Quantile(double u) const;
  // A one-line description ("median 4 [2, 5] (95%, log-normal)").
  std::string Describe() const;
};

struct ForecastInputs {
  int base_year = 2024;
  std::vector<int> years = {2024, 2026, 2028, 2030, 2032, 2034};  // reported
  uint64_t samples = 100000;
  uint64_t seed = 1;
  int horizon = 2100;  // crossings later than this count as "after the horizon"

  // Stock, base year.
  Distribution pages;
  Distribution bytes_per_page;
  Distribution bytes_per_token;
  Distribution quality;     // fraction kept by quality filtering
  Distribution repetition;  // epochs the data may be repeated
  Distribution pages_growth;           // per year, as a fraction
  Distribution bytes_per_page_growth;  // per year

  // Demand.
  double historical_share = 0.5;
  Distribution start_tokens;           // historical trend, base year
  Distribution historical_growth_oom;  // orders of magnitude per year
  Distribution compute_flop;           // largest training run, base year
  Distribution compute_growth;         // factor per year
  Distribution overtraining;           // k (1 = Chinchilla-optimal)
};

struct Quantiles {
  double p2_5 = 0, p5 = 0, p10 = 0, p50 = 0, p90 = 0, p95 = 0, p97_5 = 0;
};

struct ForecastResult {
  Quantiles indexed_web_tokens;  // base year
  Quantiles effective_stock_tokens;
  std::map<int, Quantiles> stock_tokens;   // effective stock per reported year
  std::map<int, Quantiles> demand_tokens;  // per reported year
  Quantiles exhaustion_year;               // fractional years (crossing time); beyond horizon = horizon + 1
  std::map<int, double> probability_exhausted_by;  // P(crossing before the end of the year)
  double probability_after_horizon = 0;
};

ForecastResult RunForecast(const ForecastInputs& inputs);

}  // namespace stocktake::stats

#endif  // STOCKTAKE_STATS_FORECAST_H_
