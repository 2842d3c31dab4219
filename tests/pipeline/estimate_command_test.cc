// stocktake estimate on a real run: a crawl the size of the sample gives
// the sample's own numbers, a larger one scales them, the sample's unique
// tokens equal the run's, and measured factors feed the forecast.
#include "pipeline/estimate_command.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>

#include "pipeline/default_model.h"
#include "pipeline/inputs.h"
#include "pipeline/run.h"
#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

class EstimateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    auto inputs = ExpandInputs({testing::SharedPath("corpus/warc")});
    ASSERT_TRUE(inputs.ok());
    RunSummary summary;
    ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), dir_->File("run"), *inputs, {2}, &summary).ok());
    files_ = static_cast<double>(summary.inputs - summary.unreadable);
  }
  static void TearDownTestSuite() { delete dir_; }
  static testing::TempDir* dir_;
  static double files_;
};
testing::TempDir* EstimateTest::dir_ = nullptr;
double EstimateTest::files_ = 0;

TEST_F(EstimateTest, TheSampleAsTheCrawlGivesTheSampleItself) {
  EstimateOptions options;
  options.runs = {dir_->File("run")};
  options.crawl_files = files_;
  auto stock = EstimateStock(options);
  ASSERT_TRUE(stock.ok()) << stock.status().message();
  simdjson::dom::parser p1, p2;
  simdjson::dom::element s = p1.parse(*stock);
  simdjson::dom::element stats = p2.load(dir_->File("run/stats.json"));
  EXPECT_EQ(std::string_view(s["schema"]), "stocktake.stock/1");
  EXPECT_DOUBLE_EQ(double(s["totals"]["tokens"]["estimate"]), double(uint64_t(stats["totals"]["tokens"]["cl100k_base"])));
  simdjson::dom::element extracted = s["tiers"].at(0);
  EXPECT_DOUBLE_EQ(double(extracted["tokens"]["estimate"]),
                   double(uint64_t(stats["totals"]["dedup"]["tiers"].at(0)["total"]["tokens"]["cl100k_base"])));
  // The full sample's unique tokens are the run's, clustered the same way.
  EXPECT_DOUBLE_EQ(double(extracted["sample_unique_tokens"]),
                   double(uint64_t(stats["totals"]["dedup"]["tiers"].at(0)["unique"]["tokens"]["cl100k_base"])));
  EXPECT_LE(double(extracted["tokens"]["low"]), double(extracted["tokens"]["estimate"]));
  EXPECT_GE(double(extracted["tokens"]["high"]), double(extracted["tokens"]["estimate"]));
  EXPECT_GT(double(s["factors"]["bytes_per_token"]["estimate"]), 2.0);
  EXPECT_LT(double(s["factors"]["bytes_per_token"]["estimate"]), 6.0);
  EXPECT_GE(s["dedup_curve"]["extracted"]["points"].get_array().size(), 5u);
  EXPECT_GT(double(s["distinct"]["urls_hll"]), 100.0);
}

TEST_F(EstimateTest, ALargerCrawlScalesTotalsAndExtrapolatesUniqueness) {
  EstimateOptions options;
  options.runs = {dir_->File("run")};
  options.crawl_files = files_;
  simdjson::dom::parser p1, p2;
  simdjson::dom::element same = p1.parse(*EstimateStock(options));
  options.crawl_files = files_ * 10;
  auto bigger = EstimateStock(options);
  ASSERT_TRUE(bigger.ok());
  simdjson::dom::element ten = p2.parse(*bigger);
  EXPECT_NEAR(double(ten["totals"]["tokens"]["estimate"]), 10 * double(same["totals"]["tokens"]["estimate"]), 1);
  EXPECT_NEAR(double(ten["dedup_curve"]["reach"]), 10.0, 1e-9);
  // More files, more duplicates: the unique fraction does not rise.
  simdjson::dom::element crawl = ten["factors"]["dedup"]["extracted"]["crawl"];
  EXPECT_LE(double(crawl["estimate"]), double(same["factors"]["dedup"]["extracted"]["crawl"]["estimate"]) + 1e-12);
  EXPECT_LE(double(crawl["low"]), double(crawl["estimate"]));
  EXPECT_GE(double(crawl["high"]), double(crawl["estimate"]));
  EXPECT_LT(double(crawl["low"]), double(crawl["high"]));  // the fits disagree somewhat

  options.crawl_files = files_ / 2;
  auto small = EstimateStock(options);
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.status().message().find("give --files"), std::string::npos);
  options.runs = {dir_->File("nothing")};
  EXPECT_FALSE(EstimateStock(options).ok());
}

TEST_F(EstimateTest, MeasuredFactorsReplaceTheForecastPriors) {
  EstimateOptions options;
  options.runs = {dir_->File("run")};
  options.crawl_files = files_ * 100;
  auto stock = EstimateStock(options);
  ASSERT_TRUE(stock.ok());
  testing::WriteFile(dir_->File("stock.json"), *stock);
  stats::ForecastInputs in;
  in.quality = stats::Distribution{0.2, 0.1, 0.4, 0.95, true, false};
  auto changed = ApplyMeasuredStock(dir_->File("stock.json"), "high", &in);
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  EXPECT_NE(changed->find("bytes_per_page"), std::string::npos);
  EXPECT_NE(changed->find("quality"), std::string::npos);
  simdjson::dom::parser p;
  simdjson::dom::element s = p.parse(*stock);
  EXPECT_DOUBLE_EQ(in.bytes_per_token.median, double(s["factors"]["bytes_per_token"]["estimate"]));
  EXPECT_LT(in.quality.median, double(s["factors"]["quality"]["high"]["estimate"]) + 1e-12);
  EXPECT_FALSE(ApplyMeasuredStock(dir_->File("stock.json"), "no-such-tier", &in).ok());
  EXPECT_FALSE(ApplyMeasuredStock(dir_->File("run/stats.json"), "high", &in).ok());
}

TEST_F(EstimateTest, AnIndexGivesTheGrowthAcrossCrawls) {
  // A "later crawl": the corpus again, deduplicated against the first run;
  // nothing in it is new.
  Config config;
  config.dedup.index = {dir_->File("run")};
  auto inputs = ExpandInputs({testing::SharedPath("corpus/warc")});
  ASSERT_TRUE(inputs.ok());
  RunSummary summary;
  ASSERT_TRUE(RunMeasurement(config, *DefaultModel(), dir_->File("later"), *inputs, {2}, &summary).ok());
  EstimateOptions options;
  options.runs = {dir_->File("later")};
  options.crawl_files = files_;
  auto stock = EstimateStock(options);
  ASSERT_TRUE(stock.ok()) << stock.status().message();
  simdjson::dom::parser p;
  simdjson::dom::element s = p.parse(*stock);
  EXPECT_DOUBLE_EQ(double(s["across_crawls"]["extracted"]), 0.0);
}

// The same files in another folder (another machine, another mount) give
// the same estimate: the subsets' order depends on the paths below the
// folder they share, not on where that folder is.
TEST(EstimateLocationTest, TheSameFilesElsewhereGiveTheSameEstimate) {
  testing::TempDir dir;
  auto corpus = ExpandInputs({testing::SharedPath("corpus/warc")});
  ASSERT_TRUE(corpus.ok());
  ASSERT_GE(corpus->size(), 24u);
  std::string stock[2];
  const char* folders[2] = {"first/crawl", "zz/elsewhere/crawl"};
  for (int k = 0; k < 2; ++k) {
    std::vector<std::string> inputs;
    std::filesystem::create_directories(dir.File(folders[k]));
    for (size_t i = 0; i < 24; ++i) {
      const std::string& file = (*corpus)[i * corpus->size() / 24];
      inputs.push_back(dir.File(fmt::format("{}/{:02}-{}", folders[k], i, std::filesystem::path(file).filename().string())));
      std::filesystem::create_symlink(file, inputs.back());
    }
    RunSummary summary;
    const std::string run = dir.File(fmt::format("run{}", k));
    ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), run, inputs, {2}, &summary).ok());
    EstimateOptions options;
    options.runs = {run};
    options.crawl_files = 1000;
    auto estimate = EstimateStock(options);
    ASSERT_TRUE(estimate.ok()) << estimate.status().message();
    stock[k] = *estimate;
  }
  simdjson::dom::parser p0, p1;
  simdjson::dom::element s0 = p0.parse(stock[0]), s1 = p1.parse(stock[1]);
  EXPECT_EQ(simdjson::minify(s0["dedup_curve"]), simdjson::minify(s1["dedup_curve"]));
  EXPECT_EQ(simdjson::minify(s0["factors"]), simdjson::minify(s1["factors"]));
  EXPECT_EQ(simdjson::minify(s0["tiers"]), simdjson::minify(s1["tiers"]));
  EXPECT_GE(s0["dedup_curve"]["extracted"]["points"].get_array().size(), 4u);
}

}  // namespace
}  // namespace stocktake::pipeline
