// Ratio estimators with jackknife intervals, the dedup curve, HyperLogLog.
#include "stats/estimate.h"

#include <algorithm>
#include <cmath>

namespace stocktake::stats {
namespace {

constexpr double kZ90 = 1.6448536269514722;

// Jackknife around `full` from the leave-one-out estimates.
Interval Jackknife(double full, const std::vector<double>& leave_one_out) {
  Interval r;
  r.estimate = r.low = r.high = full;
  const size_t n = leave_one_out.size();
  if (n < 2) return r;
  double mean = 0;
  for (double v : leave_one_out) mean += v;
  mean /= static_cast<double>(n);
  double ss = 0;
  for (double v : leave_one_out) ss += (v - mean) * (v - mean);
  r.standard_error = std::sqrt(static_cast<double>(n - 1) / static_cast<double>(n) * ss);
  r.low = full - kZ90 * r.standard_error;
  r.high = full + kZ90 * r.standard_error;
  return r;
}

}  // namespace

Interval EstimateRatio(const std::vector<double>& y, const std::vector<double>& x) {
  double sy = 0, sx = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    sy += y[i];
    sx += x[i];
  }
  auto ratio = [](double a, double b) { return b != 0 ? a / b : 0.0; };
  std::vector<double> loo;
  if (y.size() >= 2) {
    for (size_t i = 0; i < y.size(); ++i) loo.push_back(ratio(sy - y[i], sx - x[i]));
  }
  return Jackknife(ratio(sy, sx), loo);
}

Interval EstimateTotal(const std::vector<double>& y, const std::vector<double>& x, double crawl_x) {
  Interval r = EstimateRatio(y, x);
  r.estimate *= crawl_x;
  r.low *= crawl_x;
  r.high *= crawl_x;
  r.standard_error *= crawl_x;
  return r;
}

double DedupCurve::At(double files) const {
  double f = std::min(1.0, a * std::pow(files, -b));
  if (largest_files > 0 && files >= largest_files) f = std::min(f, largest_fraction);
  return f;
}

DedupCurve FitDedupCurve(const std::vector<std::pair<double, double>>& points) {
  DedupCurve c;
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [files, fraction] : points) {
    if (!(files > 0 && fraction > 0)) continue;
    if (files >= c.largest_files) {
      c.largest_files = files;
      c.largest_fraction = std::min(1.0, fraction);
    }
    const double x = std::log(files), y = std::log(fraction);
    n += 1;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double denominator = n * sxx - sx * sx;
  if (n < 2 || std::abs(denominator) < 1e-12) {
    if (n > 0) c.a = std::exp(sy / n);
    return c;
  }
  const double slope = (n * sxy - sx * sy) / denominator;
  c.fitted = true;
  if (slope > 0) {  // rising: no evidence of more duplicates with more files
    c.clamped = true;
    c.a = c.largest_fraction;
    return c;
  }
  c.b = -slope;
  c.a = std::exp((sy - slope * sx) / n);
  return c;
}

void HyperLogLog::Add(uint64_t hash) {
  const size_t index = static_cast<size_t>(hash >> (64 - kBits));
  const uint64_t rest = (hash << kBits) | (uint64_t{1} << (kBits - 1));  // guard bit bounds the rank
  const uint8_t rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
  registers_[index] = std::max(registers_[index], rank);
}

void HyperLogLog::Merge(const HyperLogLog& o) {
  for (size_t i = 0; i < registers_.size(); ++i) registers_[i] = std::max(registers_[i], o.registers_[i]);
}

double HyperLogLog::Estimate() const {
  const double m = static_cast<double>(registers_.size());
  double sum = 0;
  size_t zeros = 0;
  for (uint8_t r : registers_) {
    sum += std::ldexp(1.0, -r);
    zeros += r == 0;
  }
  const double alpha = 0.7213 / (1 + 1.079 / m);
  const double raw = alpha * m * m / sum;
  // Small range: linear counting while registers are still empty.
  if (raw <= 2.5 * m && zeros > 0) return m * std::log(m / static_cast<double>(zeros));
  return raw;
}

}  // namespace stocktake::stats
