// Deduplication inside `run`: known duplicates built from real pages, the
// index of earlier runs, verification, and determinism across threads and
// partition counts on the whole corpus.
#include "pipeline/dedup_stage.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "common/byte_source.h"
#include "common/hash.h"
#include "crawler/record_reader.h"
#include "pipeline/default_model.h"
#include "pipeline/inputs.h"
#include "pipeline/run.h"
#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

// Real texts: the longer conversion records of a Common Crawl WET excerpt.
std::vector<std::string> RealTexts() {
  auto source = FileSource::Open(
      testing::CorpusFile("jeffharwell+CommonCrawlScalaTools/warcparser/src/test/resources/filter_test_1.wet.gz"));
  EXPECT_TRUE(source.ok());
  crawler::RecordReader reader(std::move(*source), {});
  std::vector<std::string> texts;
  while (const crawler::Record* rec = reader.Next()) {
    if (rec->type != "conversion") continue;
    std::string body(rec->body);
    if (std::count(body.begin(), body.end(), ' ') >= 300) texts.push_back(body);
  }
  return texts;
}

std::string WetFile(const std::vector<std::string>& texts, const std::string& name) {
  std::string out;
  for (size_t i = 0; i < texts.size(); ++i) {
    out += "WARC/1.0\r\nWARC-Type: conversion\r\n";
    out += "WARC-Target-URI: http://example.com/" + name + "/" + std::to_string(i) + "\r\n";
    out += "WARC-Record-ID: <urn:uuid:" + name + "-" + std::to_string(i) + ">\r\n";
    out += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(texts[i].size()) + "\r\n\r\n";
    out += texts[i] + "\r\n\r\n";
  }
  return out;
}

// Every 100th word replaced: word 5-gram Jaccard about 0.9.
std::string Edited(const std::string& text) {
  std::istringstream in(text);
  std::string word, out;
  for (size_t i = 0; in >> word; ++i) {
    out += (i % 100 == 50 ? std::string("zzqx") + std::to_string(i) : word) + ((i % 12 == 11) ? "\n" : " ");
  }
  return out;
}

// Upper case and extra punctuation: a different text with the same dedup form.
std::string Shouted(const std::string& text) {
  std::string out;
  for (char c : text) {
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (c == ' ') out += "- ";
  }
  return out;
}

struct MeasuredRun {
  std::string dir;
  simdjson::dom::parser parser;
  simdjson::dom::element stats;
  simdjson::dom::element dedup;
  std::string clusters;
};

void Measure(const Config& config, const std::vector<std::string>& inputs, const std::string& dir, int threads,
             MeasuredRun* run) {
  RunSummary summary;
  Status st = RunMeasurement(config, *DefaultModel(), dir, inputs, {threads}, &summary);
  ASSERT_TRUE(st.ok()) << st.message();
  run->dir = dir;
  run->stats = run->parser.load(dir + "/stats.json");
  run->dedup = run->stats["totals"]["dedup"];
  run->clusters = testing::ReadFile(dir + "/dedup/clusters.tsv");
}

uint64_t Field(simdjson::dom::element e, const char* a, const char* b = nullptr) {
  return b == nullptr ? uint64_t(e[a]) : uint64_t(e[a][b]);
}

class DedupStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    texts_ = RealTexts();
    ASSERT_GE(texts_.size(), 5u);
    // a: T0, T1, T0 edited, T2.  b: T0, T1 shouted, T3.
    a_ = dir_.File("a.wet");
    b_ = dir_.File("b.wet");
    testing::WriteFile(a_, WetFile({texts_[0], texts_[1], Edited(texts_[0]), texts_[2]}, "a"));
    testing::WriteFile(b_, WetFile({texts_[0], Shouted(texts_[1]), texts_[3]}, "b"));
  }
  testing::TempDir dir_;
  std::vector<std::string> texts_;
  std::string a_, b_;
};

TEST_F(DedupStageTest, KnownExactAndNearDuplicatesAcrossInputs) {
  MeasuredRun run;
  Measure(Config{}, {a_, b_}, dir_.File("run"), 2, &run);
  simdjson::dom::element d = run.dedup;
  EXPECT_EQ(Field(d, "documents"), 7u);
  EXPECT_EQ(Field(d, "signed_documents"), 7u);
  EXPECT_EQ(Field(d, "exact", "groups"), 1u);       // T0 in a and b
  EXPECT_EQ(Field(d, "exact", "duplicates"), 1u);
  EXPECT_EQ(Field(d, "exact", "documents_matched"), 2u);
  EXPECT_EQ(Field(d, "near", "clusters"), 2u);      // {a0, a2, b0}, {a1, b1}
  EXPECT_EQ(Field(d, "near", "duplicates"), 3u);
  EXPECT_EQ(Field(d, "near", "documents_matched"), 3u);  // a2, a1, b1
  EXPECT_EQ(Field(d, "distinct_urls"), 7u);
  EXPECT_EQ(Field(d, "distinct_dedup_texts"), 5u);  // T1 and T1 shouted share one
  simdjson::dom::element extracted = d["tiers"].at(0);
  EXPECT_EQ(Field(extracted["total"], "documents"), 7u);
  EXPECT_EQ(Field(extracted["after_exact"], "documents"), 6u);
  EXPECT_EQ(Field(extracted["unique"], "documents"), 4u);
  EXPECT_TRUE(extracted["new_unique"].error());  // no index
  // The table lists the five clustered documents with their match kind.
  std::map<std::string, std::string> match;  // "input:position" -> row
  std::istringstream lines(run.clusters);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "input\tposition\toffset\tcluster_input\tcluster_position\tcluster_size\trepresentative\tmatch");
  std::map<std::string, int> representatives;  // cluster -> count
  while (std::getline(lines, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, '\t');) f.push_back(x);
    ASSERT_EQ(f.size(), 8u) << line;
    match[f[0] + ":" + f[1]] = f[7];
    representatives[f[3] + ":" + f[4]] += f[6] == "1";
    EXPECT_EQ(f[5], f[0] + ":" + f[1] == "0:1" || f[0] + ":" + f[1] == "1:1" ? "2" : "3") << line;
  }
  EXPECT_EQ(match.size(), 5u);
  EXPECT_EQ(match["0:0"], "exact");
  EXPECT_EQ(match["1:0"], "exact");
  EXPECT_EQ(match["0:2"], "near");
  EXPECT_EQ(match["0:1"], "near");
  EXPECT_EQ(match["1:1"], "near");
  EXPECT_EQ(representatives.size(), 2u);
  for (const auto& [cluster, n] : representatives) EXPECT_EQ(n, 1) << cluster;
}

TEST_F(DedupStageTest, AnIndexMarksWhatEarlierRunsHadAsSeenBefore) {
  MeasuredRun earlier, later;
  Measure(Config{}, {a_}, dir_.File("earlier"), 1, &earlier);
  Config config;
  config.dedup.index = {dir_.File("earlier")};
  Measure(config, {b_}, dir_.File("later"), 1, &later);
  simdjson::dom::element d = later.dedup;
  EXPECT_EQ(Field(d["index"], "documents"), 4u);
  EXPECT_EQ(Field(d["index"], "seen_before"), 2u);  // T0 (exact) and T1 shouted (near)
  simdjson::dom::element extracted = d["tiers"].at(0);
  EXPECT_EQ(Field(extracted["unique"], "documents"), 3u);      // per crawl: nothing repeats within b
  EXPECT_EQ(Field(extracted["new_unique"], "documents"), 1u);  // only T3 is new
  EXPECT_NE(later.clusters.find("\tseen_before\n"), std::string::npos);

  // The index must have been signed alike, must exist, and is not the run itself.
  Config other = config;
  other.dedup.minhash.ngram = 3;
  RunSummary summary;
  Status st = RunMeasurement(other, *DefaultModel(), dir_.File("x"), {b_}, {1}, &summary);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("ngram"), std::string::npos) << st.message();
  other = config;
  other.dedup.partitions = 8;
  st = RunMeasurement(other, *DefaultModel(), dir_.File("x"), {b_}, {1}, &summary);
  EXPECT_NE(st.message().find("partitions = 64"), std::string::npos) << st.message();
  other.dedup.index = {dir_.File("missing")};
  st = RunMeasurement(other, *DefaultModel(), dir_.File("x"), {b_}, {1}, &summary);
  EXPECT_NE(st.message().find("no dedup manifest"), std::string::npos) << st.message();
  other = config;
  other.dedup.index = {dir_.File("earlier")};
  st = RunMeasurement(other, *DefaultModel(), dir_.File("earlier"), {b_}, {1}, &summary);
  EXPECT_NE(st.message().find("own directory"), std::string::npos) << st.message();
  // The failed attempts left the earlier run usable.
  MeasuredRun again;
  Measure(config, {b_}, dir_.File("again"), 2, &again);
  EXPECT_EQ(Field(again.dedup["index"], "seen_before"), 2u);
}

TEST_F(DedupStageTest, VerificationDropsPairsBelowTheThreshold) {
  Config config;
  config.dedup.verify = true;
  config.dedup.verify_threshold = 0.99;  // the edited copy (Jaccard ~0.9) fails, the shouted one (1.0) passes
  MeasuredRun run;
  Measure(config, {a_, b_}, dir_.File("run"), 2, &run);
  simdjson::dom::element d = run.dedup;
  EXPECT_GT(Field(d["verification"], "pairs_rejected"), 0u);
  EXPECT_GE(Field(d["verification"], "pairs_tested"), Field(d["verification"], "pairs_rejected"));
  EXPECT_EQ(Field(d, "near", "clusters"), 2u);  // {a0, b0} (exact, never tested), {a1, b1}
  EXPECT_EQ(Field(d, "near", "duplicates"), 2u);
  EXPECT_EQ(Field(d["tiers"].at(0)["unique"], "documents"), 5u);

  config.dedup.verify_threshold = 0.7;
  MeasuredRun loose;
  Measure(config, {a_, b_}, dir_.File("loose"), 1, &loose);
  EXPECT_EQ(Field(loose.dedup, "near", "duplicates"), 3u);
  EXPECT_EQ(Field(loose.dedup["verification"], "pairs_rejected"), 0u);

  // Damaged signatures are found, not trusted: an index run's file flipped.
  std::string sig = testing::ReadFile(dir_.File("loose/shards/000000/signatures.sig"));
  sig[40] ^= 1;
  testing::WriteFile(dir_.File("loose/shards/000000/signatures.sig"), sig);
  config.dedup.index = {dir_.File("loose")};
  RunSummary summary;
  Status st = RunMeasurement(config, *DefaultModel(), dir_.File("later"), {b_}, {1}, &summary);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("damaged"), std::string::npos) << st.message();
}

// The whole corpus under other thread counts, partition counts and memory
// budgets gives the bytes of the golden run (2 threads, 64 partitions,
// 512 MiB; tests/pipeline/golden_run_test.cc): stats.json itself and
// clusters.tsv by its SHA-256. One setting per test, so the settings run
// side by side.
struct DedupSetting {
  int threads;
  uint32_t partitions;
  uint64_t budget;
};

class DedupDeterminismTest : public ::testing::TestWithParam<DedupSetting> {};

TEST_P(DedupDeterminismTest, SameStatsAndClustersAsTheGoldenRun) {
  const DedupSetting s = GetParam();
  auto inputs = ExpandInputs({testing::SharedPath("corpus/warc")});
  ASSERT_TRUE(inputs.ok());
  testing::TempDir dir;
  Config config;
  config.dedup.partitions = s.partitions;
  config.dedup.memory_budget = s.budget;
  MeasuredRun run;
  Measure(config, *inputs, dir.File("run"), s.threads, &run);
  // (EXPECT_TRUE: a difference is not worth printing 450 KB of JSON; the
  // golden test shows it.)
  EXPECT_TRUE(testing::WithoutSharedPrefix(testing::ReadFile(dir.File("run/stats.json"))) ==
              testing::ReadFile(testing::SourcePath("tests/golden/corpus_warc/stats.json")));
  EXPECT_EQ(Sha256Hex(testing::WithoutSharedPrefix(run.clusters)) + "\n",
            testing::ReadFile(testing::SourcePath("tests/golden/corpus_warc/clusters.tsv.sha256")));

  // Sanity of the counts: every stage is at most the one before, and the
  // cluster histogram accounts for every document.
  simdjson::dom::element d = run.dedup;
  EXPECT_GT(Field(d, "near", "duplicates"), 100u);
  EXPECT_GE(Field(d, "near", "duplicates"), Field(d, "exact", "duplicates"));
  EXPECT_EQ(Field(d, "exact", "duplicates"), Field(run.stats["totals"], "duplicate_documents"));
  uint64_t clusters = 0, documents = 0;
  for (simdjson::dom::element b : d["cluster_sizes"].get_array()) {
    clusters += Field(b, "clusters");
    documents += Field(b, "documents");
  }
  EXPECT_EQ(documents, Field(d, "documents"));
  EXPECT_EQ(clusters, Field(d["tiers"].at(0)["unique"], "documents"));
  for (simdjson::dom::element tier : d["tiers"].get_array()) {
    const char* enc = "cl100k_base";
    EXPECT_LE(uint64_t(tier["unique"]["tokens"][enc]), uint64_t(tier["after_exact"]["tokens"][enc]));
    EXPECT_LE(uint64_t(tier["after_exact"]["tokens"][enc]), uint64_t(tier["total"]["tokens"][enc]));
  }
}

// One thread with seven partitions and a 16 MiB budget (partitions spill to
// disk and merge back), and two threads with all of it in one partition.
INSTANTIATE_TEST_SUITE_P(Settings, DedupDeterminismTest,
                         ::testing::Values(DedupSetting{1, 7, 16ull << 20}, DedupSetting{2, 1, 512ull << 20}),
                         [](const ::testing::TestParamInfo<DedupSetting>& info) {
                           return std::to_string(info.param.threads) + "Threads" +
                                  std::to_string(info.param.partitions) + "Partitions";
                         });

}  // namespace
}  // namespace stocktake::pipeline
