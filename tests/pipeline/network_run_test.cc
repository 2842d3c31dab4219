// Runs over HTTP from a real server on 127.0.0.1: with every fault the
// server can produce, the measurement equals the one from disk; a fault
// beyond the retry budget fails that input only, and the next run retries it;
// crawl specs read a manifest and sample it; --cache serves repeat runs.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>

#include "pipeline/default_model.h"
#include "pipeline/document_pass.h"
#include "pipeline/inputs.h"
#include "pipeline/run.h"
#include "test_support/compress.h"
#include "test_support/http_server.h"
#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

using testing::HttpFault;

const std::vector<std::string>& Files() {
  static const std::vector<std::string> files = {
      "chatnoir-eu+chatnoir-resiliparse/tests/data/warcfile.warc.gz",
      "archivesunleashed+aut/src/test/resources/arc/example.arc.gz",
      "jeffharwell+CommonCrawlScalaTools/warcparser/src/test/resources/filter_test_1.wet.gz",
      "oduwsdl+ipwb/samples/warcs/sample-1.warc.gz",
      "webrecorder+warcio/test/data/example-trunc.warc",
      "iipc+webarchive-commons/wax/src/regression/data/cz-pagesinczech.arc.gz",
  };
  return files;
}

Config NetworkConfig(const testing::HttpServer& server) {
  Config config;
  config.network.base_url = server.Url("");
  config.network.fetch.max_retries = 5;
  config.network.fetch.backoff_initial_seconds = 0.01;
  config.network.fetch.backoff_max_seconds = 0.05;
  config.network.fetch.stall_timeout_seconds = 0.3;
  config.network.requests_per_second = 0;
  return config;
}

// stats.json with the server's URL prefix replaced by the shared folder, so
// a run over URLs and a run over the same files on disk read alike.
std::string StatsAsIfLocal(const std::string& run, const testing::HttpServer& server) {
  std::string text = testing::ReadFile(run + "/stats.json");
  const std::string from = server.Url("/"), to = testing::SharedPath("");
  for (size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, from.size(), to);
  return text;
}

class NetworkRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string& f : Files()) {
      const std::string path = "/corpus/warc/" + f;
      server_.Serve(path, testing::ReadFile(testing::CorpusFile(f)));
      urls_.push_back(server_.Url(path));
      local_.push_back(testing::CorpusFile(f));
    }
  }
  void Faults() {
    for (const std::string& f : Files()) {
      server_.Script("/corpus/warc/" + f, {{HttpFault::kStatus, 503, 0, 0, 0},
                                          {HttpFault::kReset, 0, 700},
                                          {HttpFault::kStall, 0, 3000, 2000},
                                          {HttpFault::kShortBody, 0, 9000},
                                          {HttpFault::kStatus, 429}});
    }
  }

  testing::HttpServer server_;
  std::vector<std::string> urls_, local_;
  testing::TempDir dir_;
};

TEST_F(NetworkRunTest, EveryFaultEnabledGivesTheStatsOfTheFilesOnDisk) {
  RunSummary summary;
  ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), dir_.File("disk"), local_, {2}, &summary).ok());
  Faults();
  const Config config = NetworkConfig(server_);
  Status st = RunMeasurement(config, *DefaultModel(), dir_.File("net"), urls_, {2}, &summary);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(summary.unreadable, 0u);
  EXPECT_TRUE(StatsAsIfLocal(dir_.File("net"), server_) == testing::ReadFile(dir_.File("disk/stats.json")));
  EXPECT_TRUE(testing::ReadFile(dir_.File("net/dedup/clusters.tsv")) ==
              testing::ReadFile(dir_.File("disk/dedup/clusters.tsv")));

  // network.json says what happened.
  simdjson::dom::parser parser;
  simdjson::dom::element net = parser.load(dir_.File("net/network.json"));
  EXPECT_EQ(uint64_t(net["totals"]["inputs"]), Files().size());
  EXPECT_EQ(uint64_t(net["totals"]["failed"]), 0u);
  EXPECT_GE(uint64_t(net["totals"]["retries"]), 2 * Files().size());
  EXPECT_GE(uint64_t(net["totals"]["faults"]["http_503"]), Files().size());
  EXPECT_GT(uint64_t(net["totals"]["resumes"]), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("disk/network.json")));
}

TEST_F(NetworkRunTest, AFaultBeyondTheBudgetFailsOneInputAndTheNextRunRetriesIt) {
  RunSummary summary;
  ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), dir_.File("disk"), local_, {1}, &summary).ok());
  Config config = NetworkConfig(server_);
  const std::string victim = "/corpus/warc/" + Files()[0];
  server_.Script(victim, std::vector<HttpFault>(config.network.fetch.max_retries + 1, HttpFault{HttpFault::kStatus, 503}));
  Status st = RunMeasurement(config, *DefaultModel(), dir_.File("net"), urls_, {2}, &summary);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(summary.unreadable, 1u);
  EXPECT_EQ(summary.inputs, Files().size());
  simdjson::dom::parser parser;
  simdjson::dom::element stats = parser.load(dir_.File("net/stats.json"));
  size_t failed = 0;
  for (simdjson::dom::element e : stats["per_input"].get_array()) {
    if (bool(e["readable"])) continue;
    ++failed;
    EXPECT_EQ(std::string_view(e["path"]), server_.Url(victim));
    EXPECT_NE(std::string_view(e["failure"]).find("gave up after 5 retries (last fault: http_503"),
              std::string_view::npos)
        << std::string_view(e["failure"]);
    EXPECT_EQ(uint64_t(e["records"].get_object().size()), 0u);  // nothing of it counted
  }
  EXPECT_EQ(failed, 1u);

  // The failed input's shard is not done: the next run fetches it again
  // (the server is well now) and the results equal the disk run's.
  st = RunMeasurement(config, *DefaultModel(), dir_.File("net"), {}, {2}, &summary);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(summary.unreadable, 0u);
  EXPECT_EQ(summary.shards_reused, Files().size() - 1);
  EXPECT_TRUE(StatsAsIfLocal(dir_.File("net"), server_) == testing::ReadFile(dir_.File("disk/stats.json")));
}

TEST_F(NetworkRunTest, CrawlSpecsSampleTheManifestAndTheCacheServesRepeats) {
  // A crawl of six files in two segments, its manifest gzipped.
  std::string manifest;
  for (size_t i = 0; i < Files().size(); ++i) {
    const std::string path = "crawl-data/TEST-1/segments/s" + std::to_string(i % 2) + "/warc/" +
                             std::to_string(i) + "-" + std::filesystem::path(Files()[i]).filename().string();
    server_.Serve("/" + path, testing::ReadFile(testing::CorpusFile(Files()[i])));
    manifest += path + "\n";
  }
  server_.Serve("/crawl-data/TEST-1/warc.paths.gz", testing::GzipMember(manifest));
  const Config config = NetworkConfig(server_);
  InputOptions options;
  options.base_url = config.network.base_url;
  options.fetch = &config.network.fetch;
  auto inputs = ExpandInputs({"cc:TEST-1?sample=4&seed=3"}, options);
  ASSERT_TRUE(inputs.ok()) << inputs.status().message();
  ASSERT_EQ(inputs->size(), 4u);
  size_t s0 = 0;
  for (const std::string& url : *inputs) {
    EXPECT_EQ(url.rfind(server_.Url("/crawl-data/TEST-1/segments/s"), 0), 0u) << url;
    s0 += url.find("/segments/s0/") != std::string::npos;
  }
  EXPECT_EQ(s0, 2u);  // stratified: two from each segment
  EXPECT_EQ(*ExpandInputs({"cc:TEST-1?sample=4&seed=3"}, options), *inputs);
  auto missing = ExpandInputs({"cc:NO-SUCH-CRAWL"}, options);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("HTTP 404"), std::string::npos) << missing.status().message();
  auto s3 = ExpandInputs({"s3://commoncrawl/crawl-data/TEST-1/x.warc.gz"}, options);
  ASSERT_TRUE(s3.ok());
  EXPECT_EQ(s3->front(), server_.Url("/crawl-data/TEST-1/x.warc.gz"));

  // --cache: the first run keeps the files; a second run with the server
  // answering 404 to everything reads them from the cache.
  RunOptions run_options{2};
  run_options.cache_dir = dir_.File("cache");
  RunSummary summary;
  ASSERT_TRUE(RunMeasurement(config, *DefaultModel(), dir_.File("first"), *inputs, run_options, &summary).ok());
  EXPECT_EQ(summary.unreadable, 0u);
  for (const std::string& url : *inputs) EXPECT_TRUE(std::filesystem::exists(CachePath(run_options.cache_dir, url))) << url;
  for (const std::string& url : *inputs) {
    server_.Script(url.substr(server_.Url("").size()), std::vector<HttpFault>(20, HttpFault{HttpFault::kStatus, 404}));
  }
  ASSERT_TRUE(RunMeasurement(config, *DefaultModel(), dir_.File("second"), *inputs, run_options, &summary).ok());
  EXPECT_EQ(summary.unreadable, 0u);
  EXPECT_TRUE(testing::ReadFile(dir_.File("first/stats.json")) == testing::ReadFile(dir_.File("second/stats.json")));
}

}  // namespace
}  // namespace stocktake::pipeline
