// Crawl specs, manifests and stratified samples.
#include "crawler/crawl_manifest.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>

#include "test_support/compress.h"

namespace stocktake::crawler {
namespace {

TEST(CrawlManifestTest, SpecsParseAndBadOnesSayWhy) {
  auto a = ParseCrawlSpec("cc:CC-MAIN-2024-18");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->crawl, "CC-MAIN-2024-18");
  EXPECT_EQ(a->kind, "warc");
  EXPECT_EQ(a->sample, 0u);
  EXPECT_EQ(ManifestPath(*a), "crawl-data/CC-MAIN-2024-18/warc.paths.gz");
  auto b = ParseCrawlSpec("cc:CC-MAIN-2024-18/wet?sample=100&seed=7");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->kind, "wet");
  EXPECT_EQ(b->sample, 100u);
  EXPECT_EQ(b->seed, 7u);
  for (const char* bad : {"cc:", "cc:X/html", "cc:X?sample=-1", "cc:X?size=3", "cc:X/../y", "CC-MAIN-2024-18"}) {
    auto r = ParseCrawlSpec(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("e.g. cc:"), std::string::npos) << r.status().message();
    }
  }
  EXPECT_TRUE(IsCrawlSpec("cc:X"));
  EXPECT_FALSE(IsCrawlSpec("c:X"));
}

TEST(CrawlManifestTest, ManifestsGzipOrPlain) {
  const std::string text = "crawl-data/C/segments/1/warc/a.warc.gz\r\ncrawl-data/C/segments/1/warc/b.warc.gz\n\n";
  for (const std::string& bytes : {text, testing::GzipMember(text)}) {
    auto paths = ParseManifest(bytes);
    ASSERT_TRUE(paths.ok()) << paths.status().message();
    EXPECT_EQ(*paths, (std::vector<std::string>{"crawl-data/C/segments/1/warc/a.warc.gz",
                                                "crawl-data/C/segments/1/warc/b.warc.gz"}));
  }
  EXPECT_FALSE(ParseManifest("").ok());
  EXPECT_FALSE(ParseManifest("a\n../etc/passwd\n").ok());
  EXPECT_FALSE(ParseManifest("/abs/path\n").ok());
  EXPECT_FALSE(ParseManifest("http://elsewhere/x\n").ok());
}

TEST(CrawlManifestTest, SamplesAreStratifiedAndReproducible) {
  // Three segments of 50, 30 and 20 files.
  std::vector<std::string> paths;
  const std::map<std::string, int> sizes = {{"s1", 50}, {"s2", 30}, {"s3", 20}};
  for (const auto& [segment, size] : sizes) {
    for (int i = 0; i < size; ++i) paths.push_back(fmt::format("crawl-data/C/segments/{}/warc/f{:03d}.warc.gz", segment, i));
  }
  auto count = [](const std::vector<std::string>& sample, const std::string& segment) {
    return std::count_if(sample.begin(), sample.end(),
                         [&](const std::string& p) { return p.find("/" + segment + "/") != std::string::npos; });
  };
  const std::vector<std::string> ten = SampleStratified(paths, 10, 7);
  ASSERT_EQ(ten.size(), 10u);
  EXPECT_EQ(count(ten, "s1"), 5);
  EXPECT_EQ(count(ten, "s2"), 3);
  EXPECT_EQ(count(ten, "s3"), 2);
  EXPECT_TRUE(std::is_sorted(ten.begin(), ten.end()));
  EXPECT_EQ(SampleStratified(paths, 10, 7), ten);  // reproducible
  EXPECT_NE(SampleStratified(paths, 10, 8), ten);  // the seed matters
  // Largest remainder: 7 -> 3.5, 2.1, 1.4 -> 3 + 2 + 1, one more to s1 (.5).
  const std::vector<std::string> seven = SampleStratified(paths, 7, 1);
  EXPECT_EQ(count(seven, "s1"), 4);
  EXPECT_EQ(count(seven, "s2"), 2);
  EXPECT_EQ(count(seven, "s3"), 1);
  EXPECT_EQ(SampleStratified(paths, 0, 1).size(), 100u);
  EXPECT_EQ(SampleStratified(paths, 1000, 1).size(), 100u);
}

TEST(CrawlManifestTest, S3PathsMapToTheBaseUrl) {
  auto url = MapS3Url("s3://commoncrawl/crawl-data/C/a.warc.gz", "http://127.0.0.1:8080");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url, "http://127.0.0.1:8080/crawl-data/C/a.warc.gz");
  EXPECT_FALSE(MapS3Url("s3://other-bucket/x", "https://data.commoncrawl.org").ok());
  EXPECT_FALSE(MapS3Url("s3://commoncrawl/", "https://data.commoncrawl.org").ok());
}

}  // namespace
}  // namespace stocktake::crawler
