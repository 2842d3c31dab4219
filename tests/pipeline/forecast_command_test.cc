// configs/epoch2024.toml reproduces the published results of "Will we run
// out of data?" (2024) within sampling error, and bad forecast files are
// one-line errors.
#include "pipeline/forecast_command.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

constexpr double kT = 1e12;

TEST(ForecastCommandTest, EpochInputsReproduceThePublishedResults) {
  auto in = LoadForecastInputs(testing::SourcePath("configs/epoch2024.toml"));
  ASSERT_TRUE(in.ok()) << in.status().message();
  const stats::ForecastResult r = stats::RunForecast(*in);
  // Indexed web: 510T [130T, 2100T] (95%).
  EXPECT_NEAR(r.indexed_web_tokens.p50 / kT, 510, 510 * 0.10);
  EXPECT_NEAR(r.indexed_web_tokens.p2_5 / kT, 130, 130 * 0.20);
  EXPECT_NEAR(r.indexed_web_tokens.p97_5 / kT, 2100, 2100 * 0.20);
  // Effective stock: ~300T, 90% [100T, 1000T].
  EXPECT_NEAR(r.effective_stock_tokens.p50 / kT, 300, 300 * 0.15);
  EXPECT_GT(r.effective_stock_tokens.p5 / kT, 100 / 1.5);
  EXPECT_LT(r.effective_stock_tokens.p5 / kT, 100 * 1.5);
  EXPECT_GT(r.effective_stock_tokens.p95 / kT, 1000 / 1.5);
  EXPECT_LT(r.effective_stock_tokens.p95 / kT, 1000 * 1.5);
  // Demand overtakes it in 2028 (median), 80% interval 2026-2032.
  const std::string json = ForecastJson(*in, r, "epoch2024.toml");
  simdjson::dom::parser parser;
  simdjson::dom::element e = parser.parse(json)["exhaustion_year"];
  EXPECT_EQ(int64_t(e["p50"]), 2028);
  EXPECT_GE(int64_t(e["p10"]), 2025);
  EXPECT_LE(int64_t(e["p10"]), 2027);
  EXPECT_GE(int64_t(e["p90"]), 2031);
  EXPECT_LE(int64_t(e["p90"]), 2033);
  // With 5x overtraining: earlier (the paper: about a year).
  stats::ForecastInputs over = *in;
  over.overtraining = stats::Distribution::Point(5);
  const double earlier = r.exhaustion_year.p50 - stats::RunForecast(over).exhaustion_year.p50;
  EXPECT_GT(earlier, 0.4);
  EXPECT_LT(earlier, 1.5);
  // The JSON has what the issue promises.
  simdjson::dom::element root = parser.parse(json);
  EXPECT_TRUE(root["stock_tokens"]["2030"]["p5"].is_double());
  EXPECT_TRUE(root["stock_tokens"]["2030"]["p95"].is_double());
  EXPECT_TRUE(root["inputs"]["pages"].is_string());
  EXPECT_GT(double(root["probability_exhausted_by"]["2032"]), 0.8);
}

TEST(ForecastCommandTest, BadFilesNameTheKeyAndLine) {
  testing::TempDir dir;
  const std::string good = testing::ReadFile(testing::SourcePath("configs/epoch2024.toml"));
  struct Case {
    std::string text;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {good + "\n[extra]\nx = 1\n", "'extra' is not a known section"},
      {good + "\n[stock]\n", "line"},  // a duplicate table is a parse error with a line
      {[&] {
         std::string t = good;
         t.replace(t.find("quality = {"), 11, "qualty = {");
         return t;
       }(),
       "'stock.qualty' is not a known key"},
      {[&] {
         std::string t = good;
         t.replace(t.find("repetition = {"), 0, "# ");
         return t;
       }(),
       "'stock.repetition' is missing"},
      {[&] {
         std::string t = good;
         t.replace(t.find("low = 6100, high = 8200"), 23, "low = 8200, high = 6100");
         return t;
       }(),
       "low must not exceed high"},
      // Floats are not integers, even huge ones (casting 1e300 is undefined).
      {[&] {
         std::string t = good;
         const size_t at = t.find("samples = ");
         t.replace(at, t.find('\n', at) - at, "samples = 1e300");
         return t;
       }(),
       "forecast.samples' must be an integer"},
      {[&] {
         std::string t = good;
         const size_t at = t.find("years = [");
         t.replace(at, t.find(']', at) + 1 - at, "years = [2030, -1e300]");
         return t;
       }(),
       "forecast.years' must be a list of years"},
  };
  for (const Case& c : cases) {
    testing::WriteFile(dir.File("f.toml"), c.text);
    auto in = LoadForecastInputs(dir.File("f.toml"));
    ASSERT_FALSE(in.ok()) << c.expect;
    EXPECT_NE(in.status().message().find(c.expect), std::string::npos) << in.status().message();
    EXPECT_EQ(in.status().message().find('\n'), std::string::npos);
  }
  EXPECT_FALSE(LoadForecastInputs(dir.File("missing.toml")).ok());
}

}  // namespace
}  // namespace stocktake::pipeline
