// Ratio estimators with jackknife intervals, the dedup curve, HyperLogLog.
#include "stats/estimate.h"

#include <gtest/gtest.h>

#include <cmath>

namespace stocktake::stats {
namespace {

TEST(EstimateTest, PerFileTotalsAndTheJackknifeOfTheMean) {
  const std::vector<double> y = {10, 12, 9, 15, 14}, ones(5, 1.0);
  const Interval t = EstimateTotal(y, ones, 100);
  EXPECT_DOUBLE_EQ(t.estimate, 1200);  // mean 12 x 100 files
  // For a mean, the jackknife standard error is the textbook s / sqrt(n).
  double ss = 0;
  for (double v : y) ss += (v - 12) * (v - 12);
  const double se = std::sqrt(ss / 4 / 5) * 100;
  EXPECT_NEAR(t.standard_error, se, 1e-9);
  EXPECT_NEAR(t.high - t.estimate, 1.6448536269514722 * se, 1e-6);
  EXPECT_NEAR(t.estimate - t.low, t.high - t.estimate, 1e-9);
  // Identical files: no spread.
  const Interval flat = EstimateTotal({3, 3, 3}, {1, 1, 1}, 10);
  EXPECT_DOUBLE_EQ(flat.estimate, 30);
  EXPECT_DOUBLE_EQ(flat.standard_error, 0);
  // One file: a point.
  EXPECT_DOUBLE_EQ(EstimateTotal({4}, {1}, 10).low, 40);
}

TEST(EstimateTest, RatiosScaleWithTheirAuxiliary) {
  // Tokens proportional to pages: the ratio estimator is exact.
  const Interval r = EstimateTotal({20, 40, 60}, {1, 2, 3}, 1000);
  EXPECT_DOUBLE_EQ(r.estimate, 20000);
  EXPECT_NEAR(r.standard_error, 0, 1e-9);
  const Interval bytes_per_page = EstimateRatio({7000, 14000}, {1, 2});
  EXPECT_DOUBLE_EQ(bytes_per_page.estimate, 7000);
}

TEST(EstimateTest, TheDedupCurveRecoversAPowerLaw) {
  std::vector<std::pair<double, double>> points;
  for (double m : {2.0, 4.0, 8.0, 16.0, 32.0}) points.emplace_back(m, 0.9 * std::pow(m, -0.1));
  const DedupCurve c = FitDedupCurve(points);
  ASSERT_TRUE(c.fitted);
  EXPECT_NEAR(c.a, 0.9, 1e-9);
  EXPECT_NEAR(c.b, 0.1, 1e-9);
  EXPECT_NEAR(c.At(1000), 0.9 * std::pow(1000.0, -0.1), 1e-9);
  EXPECT_FALSE(FitDedupCurve({{4, 0.5}}).fitted);
  EXPECT_LE(FitDedupCurve({{2, 1.0}, {4, 1.0}}).At(1e6), 1.0);
  EXPECT_FALSE(c.clamped);
  EXPECT_DOUBLE_EQ(c.largest_files, 32);
}

TEST(EstimateTest, ARisingDedupCurveIsFlatAtTheLargestSubset) {
  // Small subsets happened to share more duplicates than the whole sample.
  const DedupCurve c = FitDedupCurve({{2, 0.53}, {4, 0.80}, {8, 0.81}, {16, 0.93}, {32, 0.66}});
  ASSERT_TRUE(c.fitted);
  EXPECT_TRUE(c.clamped);
  EXPECT_DOUBLE_EQ(c.b, 0);
  EXPECT_DOUBLE_EQ(c.At(32), 0.66);
  EXPECT_DOUBLE_EQ(c.At(32000), 0.66);
}

TEST(EstimateTest, TheExtrapolationNeverExceedsTheLargestSubsetsFraction) {
  // A late fall: the fit at the largest subset (0.69) lies above its
  // measurement (0.6), which caps it there and beyond.
  const DedupCurve c = FitDedupCurve({{2, 0.99}, {4, 0.98}, {8, 0.97}, {16, 0.6}});
  ASSERT_TRUE(c.fitted);
  EXPECT_FALSE(c.clamped);
  EXPECT_GT(c.a * std::pow(16.0, -c.b), 0.6);
  EXPECT_DOUBLE_EQ(c.At(16), 0.6);
  EXPECT_DOUBLE_EQ(c.At(20), 0.6);
  EXPECT_NEAR(c.At(1e4), c.a * std::pow(1e4, -c.b), 1e-12);
  EXPECT_LT(c.At(1e4), 0.6);
}

TEST(EstimateTest, HyperLogLogCountsDistinctKeys) {
  HyperLogLog a, b, all;
  uint64_t x = 0x12345678;
  for (int i = 0; i < 200000; ++i) {
    x += 0x9E3779B97F4A7C15ull;
    uint64_t h = x;
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    h ^= h >> 31;
    (i % 2 ? a : b).Add(h);
    all.Add(h);
    all.Add(h);  // repeats do not count
  }
  EXPECT_NEAR(all.Estimate(), 200000, 200000 * 0.03);
  a.Merge(b);
  EXPECT_DOUBLE_EQ(a.Estimate(), all.Estimate());
  HyperLogLog few;
  for (uint64_t k = 1; k <= 100; ++k) few.Add(k * 0x9E3779B97F4A7C15ull);
  EXPECT_NEAR(few.Estimate(), 100, 5);
  EXPECT_EQ(HyperLogLog().Estimate(), 0);
}

}  // namespace
}  // namespace stocktake::stats
