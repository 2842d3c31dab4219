// The forecast model: distributions hit their stated quantiles, the crossing
// year follows the closed form, and results depend only on inputs and seed.
#include "stats/forecast.h"

#include <gtest/gtest.h>

#include <cmath>

namespace stocktake::stats {
namespace {

using D = Distribution;

TEST(ForecastTest, DistributionsHitTheirStatedQuantiles) {
  D log_normal{4, 2, 5, 0.95, true, false};
  EXPECT_NEAR(log_normal.Quantile(0.5), 4, 1e-9);
  EXPECT_NEAR(log_normal.Quantile(0.025), 2, 1e-6);
  EXPECT_NEAR(log_normal.Quantile(0.975), 5, 1e-6);
  D normal{0.38, 0.27, 0.48, 0.8, false, false};
  EXPECT_NEAR(normal.Quantile(0.1), 0.27, 1e-6);
  EXPECT_NEAR(normal.Quantile(0.9), 0.48, 1e-6);
  D uniform{0.05, 0, 0.1, 0.9, false, true};
  EXPECT_NEAR(uniform.Quantile(0.25), 0.025, 1e-12);
  EXPECT_EQ(D::Point(7).Quantile(0.01), 7);
  EXPECT_NE(log_normal.Describe().find("95%"), std::string::npos);
}

ForecastInputs PointInputs() {
  ForecastInputs in;
  in.samples = 1000;
  in.years = {2024, 2025, 2026};
  in.pages = D::Point(1e11);
  in.bytes_per_page = D::Point(1000);
  in.bytes_per_token = D::Point(4);
  in.quality = D::Point(0.5);
  in.repetition = D::Point(2);
  in.pages_growth = D::Point(0);
  in.bytes_per_page_growth = D::Point(0);
  in.historical_share = 1;
  in.start_tokens = D::Point(2.5e11);
  in.historical_growth_oom = D::Point(1);  // 10x a year
  in.compute_flop = D::Point(1.2e24);      // D0 = 20 sqrt(1e22) = 2e12
  in.compute_growth = D::Point(100);       // data 10x a year
  in.overtraining = D::Point(1);
  return in;
}

TEST(ForecastTest, TheCrossingFollowsTheClosedForm) {
  // Stock 2.5e13 (x 0.5 x 2), demand 2.5e11 growing 10x a year: two years.
  ForecastInputs in = PointInputs();
  ForecastResult r = RunForecast(in);
  EXPECT_DOUBLE_EQ(r.indexed_web_tokens.p50, 2.5e13);
  EXPECT_DOUBLE_EQ(r.effective_stock_tokens.p50, 2.5e13);
  EXPECT_NEAR(r.exhaustion_year.p50, 2026.0, 1e-9);
  EXPECT_NEAR(r.demand_tokens[2025].p50, 2.5e12, 1e3);
  EXPECT_EQ(r.probability_exhausted_by[2025], 0.0);
  EXPECT_EQ(r.probability_exhausted_by[2026], 1.0);
  // The compute projection: 2e12 tokens growing 10x a year -> 1.1 years;
  // 4x overtraining doubles the data (sqrt 4) and brings it 0.3 years closer.
  in.historical_share = 0;
  EXPECT_NEAR(RunForecast(in).exhaustion_year.p50, 2024 + std::log10(12.5), 1e-9);
  in.overtraining = D::Point(4);
  EXPECT_NEAR(RunForecast(in).exhaustion_year.p50, 2024 + std::log10(6.25), 1e-9);
  // A stock growing faster than demand is never overtaken.
  in.pages_growth = D::Point(100);
  ForecastResult never = RunForecast(in);
  EXPECT_EQ(never.probability_after_horizon, 1.0);
  EXPECT_EQ(never.exhaustion_year.p50, in.horizon + 1);
}

TEST(ForecastTest, SameInputsAndSeedGiveTheSameNumbers) {
  ForecastInputs in = PointInputs();
  in.pages = D{2.7e11, 75e9, 1e12, 0.95, true, false};
  in.pages_growth = D{0.05, 0, 0.1, 0.9, false, true};
  in.samples = 20000;
  const ForecastResult a = RunForecast(in), b = RunForecast(in);
  EXPECT_EQ(a.exhaustion_year.p50, b.exhaustion_year.p50);
  EXPECT_EQ(a.stock_tokens.at(2026).p95, b.stock_tokens.at(2026).p95);
  in.seed = 2;
  EXPECT_NE(RunForecast(in).stock_tokens.at(2026).p95, a.stock_tokens.at(2026).p95);
  // The sampled pages hit their interval.
  EXPECT_NEAR(a.indexed_web_tokens.p2_5 / 2.5e2, 75e9 * 1000 / 4 / 2.5e2, 75e9 * 1000 / 4 / 2.5e2 * 0.05);
}

}  // namespace
}  // namespace stocktake::stats
