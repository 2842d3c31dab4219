// The report: every chart with its table, self-contained, and rendered by
// headless Chromium without a console error (a screenshot is kept).
#include "pipeline/report.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "pipeline/default_model.h"
#include "pipeline/estimate_command.h"
#include "pipeline/forecast_command.h"
#include "pipeline/inputs.h"
#include "pipeline/run.h"
#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

const char* const kCharts[] = {"chart-funnel",  "chart-published-funnels", "chart-languages",
                               "chart-rules",   "chart-clusters",          "chart-stock",
                               "chart-dedup-curve", "chart-forecast",      "chart-exhaustion"};

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto inputs = ExpandInputs({testing::SharedPath("corpus/warc")});
    ASSERT_TRUE(inputs.ok());
    RunSummary summary;
    ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), dir_.File("run"), *inputs, {2}, &summary).ok());
    EstimateOptions estimate;
    estimate.runs = {dir_.File("run")};
    estimate.crawl_files = 10000;
    auto stock = EstimateStock(estimate);
    ASSERT_TRUE(stock.ok());
    testing::WriteFile(dir_.File("stock.json"), *stock);
    auto forecast = LoadForecastInputs(testing::SourcePath("configs/epoch2024.toml"));
    ASSERT_TRUE(forecast.ok());
    forecast->samples = 20000;
    testing::WriteFile(dir_.File("forecast.json"), ForecastJson(*forecast, stats::RunForecast(*forecast), "epoch"));
    auto html = ReportHtml({dir_.File("run"), dir_.File("stock.json"), dir_.File("forecast.json")});
    ASSERT_TRUE(html.ok()) << html.status().message();
    html_ = *html;
    testing::WriteFile(dir_.File("report.html"), html_);
  }
  testing::TempDir dir_;
  std::string html_;
};

TEST_F(ReportTest, EveryChartHasItsTableAndNothingIsFetched) {
  for (const char* id : kCharts) {
    const size_t at = html_.find(std::string("<svg id=\"") + id + "\"");
    ASSERT_NE(at, std::string::npos) << id;
    const size_t table = html_.find("<table>", at);
    ASSERT_NE(table, std::string::npos) << id;
    EXPECT_LT(table, html_.find("</section>", at)) << id << ": its table is in its section";
  }
  EXPECT_EQ(html_.find("<script"), std::string::npos);
  EXPECT_EQ(html_.find("src="), std::string::npos);
  EXPECT_EQ(html_.find("href="), std::string::npos);
  EXPECT_EQ(html_.find("url("), std::string::npos);
  EXPECT_EQ(html_.find("NaN"), std::string::npos);
  // The run writes its own (run-only) report.
  const std::string own = testing::ReadFile(dir_.File("run/report.html"));
  EXPECT_NE(own.find("chart-funnel"), std::string::npos);
  EXPECT_EQ(own.find("chart-forecast"), std::string::npos);
  EXPECT_FALSE(ReportHtml({dir_.File("run"), dir_.File("run/stats.json"), ""}).ok());  // not a stock.json
}

TEST_F(ReportTest, HeadlessChromiumRendersItWithoutErrors) {
  const std::string browser = std::filesystem::exists("/usr/bin/chromium") ? "/usr/bin/chromium" : "chromium";
  const std::vector<std::string> common = {browser, "--headless", "--no-sandbox", "--disable-gpu",
                                           "--user-data-dir=" + dir_.File("profile"), "--enable-logging=stderr", "--v=0",
                                           "--window-size=1400,6000"};
  std::vector<std::string> dump = common;
  dump.push_back("--dump-dom");
  dump.push_back("file://" + dir_.File("report.html"));
  auto dom = testing::RunCommand(dump);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  for (const char* id : kCharts) EXPECT_NE(dom.out.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  // Page problems reach the log as console messages; there must be none.
  EXPECT_EQ(dom.err.find("CONSOLE"), std::string::npos) << dom.err;
  EXPECT_EQ(dom.err.find("Uncaught"), std::string::npos) << dom.err;

  std::vector<std::string> shot = common;
  const std::string png = dir_.File("report.png");
  shot.push_back("--screenshot=" + png);
  shot.push_back("file://" + dir_.File("report.html"));
  auto r = testing::RunCommand(shot);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string bytes = testing::ReadFile(png);
  ASSERT_GT(bytes.size(), 20000u);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  // Kept for a person to look at.
  std::filesystem::copy_file(png, std::filesystem::temp_directory_path() / "stocktake-report.png",
                             std::filesystem::copy_options::overwrite_existing);
}

}  // namespace
}  // namespace stocktake::pipeline
