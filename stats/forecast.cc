// The forecast Monte Carlo; see forecast.h.
//
// Sampling is by inverse transform: every input draws one uniform number
// from a splitmix64 stream and maps it through its quantile function, so the
// numbers depend on nothing but the inputs and the seed (std::
// normal_distribution is implementation-defined). The normal quantile is a
// rational first guess (Abramowitz & Stegun 26.2.23) refined by two Newton
// steps on erfc, accurate to ~1e-12.
#include "stats/forecast.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace stocktake::stats {
namespace {

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double InverseNormal(double u) {
  u = std::clamp(u, 1e-15, 1 - 1e-15);
  const double p = std::min(u, 1 - u);
  const double t = std::sqrt(-2 * std::log(p));
  double z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  if (u < 0.5) z = -z;
  for (int i = 0; i < 2; ++i) {
    const double density = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
    z -= (NormalCdf(z) - u) / density;
  }
  return z;
}

class Uniforms {
 public:
  explicit Uniforms(uint64_t seed) : state_(seed) {}
  // (0, 1), never 0 or 1.
  double Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (static_cast<double>(z >> 11) + 0.5) / 9007199254740992.0;
  }

 private:
  uint64_t state_;
};

Quantiles QuantilesOf(std::vector<double> v) {
  Quantiles q;
  if (v.empty()) return q;
  std::sort(v.begin(), v.end());
  auto at = [&](double p) {
    const double pos = p * static_cast<double>(v.size() - 1);
    const size_t i = static_cast<size_t>(pos);
    const double f = pos - static_cast<double>(i);
    return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v[i];
  };
  q.p2_5 = at(0.025);
  q.p5 = at(0.05);
  q.p10 = at(0.10);
  q.p50 = at(0.50);
  q.p90 = at(0.90);
  q.p95 = at(0.95);
  q.p97_5 = at(0.975);
  return q;
}

}  // namespace

double Distribution::Quantile(double u) const {
  if (uniform) return low + (high - low) * u;
  if (low == high) return median;
  const double z_level = InverseNormal(0.5 + level / 2);
  const double z = InverseNormal(u);
  if (log) {
    const double m = std::log(median);
    const double sigma = z < 0 ? (m - std::log(low)) / z_level : (std::log(high) - m) / z_level;
    return std::exp(m + sigma * z);
  }
  const double sigma = z < 0 ? (median - low) / z_level : (high - median) / z_level;
  return median + sigma * z;
}

std::string Distribution::Describe() const {
  if (uniform) return fmt::format("uniform [{:g}, {:g}]", low, high);
  if (low == high) return fmt::format("{:g}", median);
  return fmt::format("median {:g} [{:g}, {:g}] ({:g}%, {})", median, low, high, level * 100,
                     log ? "log-normal" : "normal");
}

ForecastResult RunForecast(const ForecastInputs& in) {
  const size_t n = static_cast<size_t>(std::max<uint64_t>(in.samples, 1));
  Uniforms u(in.seed);
  std::vector<double> indexed(n), effective(n), crossing(n);
  std::map<int, std::vector<double>> stock_by_year, demand_by_year;
  for (int y : in.years) {
    stock_by_year[y].resize(n);
    demand_by_year[y].resize(n);
  }
  const double ln10 = std::log(10.0);
  for (size_t i = 0; i < n; ++i) {
    // Every input draws in every sample, in a fixed order, so changing one
    // input's distribution leaves the others' draws alone.
    const double pages = in.pages.Quantile(u.Next());
    const double bytes_per_page = in.bytes_per_page.Quantile(u.Next());
    const double bytes_per_token = in.bytes_per_token.Quantile(u.Next());
    const double quality = in.quality.Quantile(u.Next());
    const double repetition = in.repetition.Quantile(u.Next());
    const double pages_growth = in.pages_growth.Quantile(u.Next());
    const double bytes_growth = in.bytes_per_page_growth.Quantile(u.Next());
    const bool historical = u.Next() < in.historical_share;
    const double start_tokens = in.start_tokens.Quantile(u.Next());
    const double growth_oom = in.historical_growth_oom.Quantile(u.Next());
    const double flop = in.compute_flop.Quantile(u.Next());
    const double flop_growth = in.compute_growth.Quantile(u.Next());
    const double k = in.overtraining.Quantile(u.Next());

    indexed[i] = pages * bytes_per_page / bytes_per_token;
    effective[i] = indexed[i] * quality * repetition;
    const double ln_s0 = std::log(effective[i]);
    const double gs = std::log1p(pages_growth) + std::log1p(bytes_growth);
    double ln_d0, gd;
    if (historical) {
      ln_d0 = std::log(start_tokens);
      gd = growth_oom * ln10;
    } else {
      ln_d0 = std::log(20.0) + 0.5 * (std::log(k) + std::log(flop) - std::log(120.0));
      gd = 0.5 * std::log(flop_growth);
    }
    double t;
    if (ln_d0 >= ln_s0) {
      t = 0;
    } else if (gd <= gs) {
      t = static_cast<double>(in.horizon + 1 - in.base_year);
    } else {
      t = std::min((ln_s0 - ln_d0) / (gd - gs), static_cast<double>(in.horizon + 1 - in.base_year));
    }
    crossing[i] = in.base_year + t;
    for (int y : in.years) {
      const double dt = y - in.base_year;
      stock_by_year[y][i] = std::exp(ln_s0 + gs * dt);
      demand_by_year[y][i] = std::exp(ln_d0 + gd * dt);
    }
  }
  ForecastResult r;
  r.indexed_web_tokens = QuantilesOf(indexed);
  r.effective_stock_tokens = QuantilesOf(effective);
  for (auto& [y, v] : stock_by_year) r.stock_tokens[y] = QuantilesOf(std::move(v));
  for (auto& [y, v] : demand_by_year) r.demand_tokens[y] = QuantilesOf(std::move(v));
  uint64_t after = 0;
  for (double c : crossing) after += c >= in.horizon + 1;
  r.probability_after_horizon = static_cast<double>(after) / static_cast<double>(n);
  std::vector<double> sorted = crossing;
  std::sort(sorted.begin(), sorted.end());
  for (int y = in.base_year; y <= std::min(in.horizon, in.base_year + 30); ++y) {
    const auto end = std::lower_bound(sorted.begin(), sorted.end(), static_cast<double>(y + 1));
    r.probability_exhausted_by[y] = static_cast<double>(end - sorted.begin()) / static_cast<double>(n);
  }
  r.exhaustion_year = QuantilesOf(std::move(crossing));
  return r;
}

}  // namespace stocktake::stats
