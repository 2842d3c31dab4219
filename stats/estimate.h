// Estimating a whole crawl from a sample of its files.
//
// Additive quantities (pages, documents, tokens) scale to the crawl with a
// ratio estimator: the sample's total per unit of an auxiliary quantity
// known for the whole crawl (pages, or files when only the file count is
// known), times the crawl's total. Ratios (bytes per page, tokens per byte,
// a tier's share) are estimated directly. Intervals come from the
// delete-one jackknife over files: each file left out in turn, the spread of
// the estimates gives the variance. (Not a bootstrap that resamples files
// with replacement: repeated files would look like duplicates.)
//
// Duplicate-dependent quantities do not scale linearly: the unique fraction
// falls as the sample grows. FitDedupCurve fits unique fraction =
// a * files^-b to measurements on nested subsets and extrapolates.
//
// HyperLogLog counts distinct keys in 2^14 registers (~0.8% standard
// error), mergeable across shards.
//
// Pure functions and value types; thread-compatible.
#ifndef STOCKTAKE_STATS_ESTIMATE_H_
#define STOCKTAKE_STATS_ESTIMATE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace stocktake::stats {

struct Interval {
  double estimate = 0;
  double low = 0;   // 90% interval (normal approximation, jackknife variance)
  double high = 0;
  double standard_error = 0;
};

// Total of y over the crawl: sum(y) / sum(x) * crawl_x. With x = 1 per file
// and crawl_x = the crawl's file count this is the mean per file times the
// files. Needs at least two files for an interval (one: low = high).
Interval EstimateTotal(const std::vector<double>& y, const std::vector<double>& x, double crawl_x);
// sum(y) / sum(x), e.g. bytes per page.
Interval EstimateRatio(const std::vector<double>& y, const std::vector<double>& x);

// unique fraction = a * files^-b, fit by least squares in log-log space over
// (files, fraction) points with fraction > 0. The expected unique fraction of
// a random set of files does not rise with more files, so the fit keeps
// b >= 0 (a rising fit becomes the flat line through the largest subset) and
// beyond the largest subset never returns more than its measured fraction.
struct DedupCurve {
  double a = 1;
  double b = 0;
  bool fitted = false;   // at least two points with different file counts
  bool clamped = false;  // the points rose with files; the curve is flat
  double largest_files = 0;     // the largest measured subset
  double largest_fraction = 1;  // and its unique fraction
  double At(double files) const;
};
DedupCurve FitDedupCurve(const std::vector<std::pair<double, double>>& points);

class HyperLogLog {
 public:
  static constexpr int kBits = 14;
  HyperLogLog() { registers_.fill(0); }
  void Add(uint64_t hash);  // a well-mixed 64-bit hash
  void Merge(const HyperLogLog& o);
  double Estimate() const;

 private:
  std::array<uint8_t, std::size_t{1} << kBits> registers_;
};

}  // namespace stocktake::stats

#endif  // STOCKTAKE_STATS_ESTIMATE_H_
