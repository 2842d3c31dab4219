// JSONL document inputs through the whole run: the --write-docs round trip,
// compressions detected from the bytes, bad lines by reason, configurable
// fields, and URLs.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "pipeline/default_model.h"
#include "pipeline/inputs.h"
#include "pipeline/run.h"
#include "test_support/compress.h"
#include "test_support/http_server.h"
#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

// Per tier: documents, bytes, words and tokens, from a stats.json object
// holding "tiers" (totals.quality or a dedup column).
std::string TierCounts(simdjson::dom::array tiers, const char* column = nullptr) {
  std::string out;
  for (simdjson::dom::element tier : tiers) {
    simdjson::dom::element t = column == nullptr ? tier : tier[column];
    out += std::string(std::string_view(tier["name"])) + " " + std::to_string(uint64_t(t["documents"])) + " " +
           std::to_string(uint64_t(t["bytes"])) + " " + std::to_string(uint64_t(t["words"])) + " " +
           simdjson::to_string(t["tokens"]) + "\n";
  }
  return out;
}

std::vector<std::string> DocsFiles(const std::string& run) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(run + "/docs")) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(JsonlRunTest, WrittenDocumentsReadBackGiveTheSameTierAndTokenCounts) {
  testing::TempDir dir;
  auto corpus = ExpandInputs({testing::SharedPath("corpus/warc")});
  ASSERT_TRUE(corpus.ok());
  for (DocsMode mode : {DocsMode::kAll, DocsMode::kUnique}) {
    const bool all = mode == DocsMode::kAll;
    SCOPED_TRACE(all ? "all" : "unique");
    const std::string first = dir.File(all ? "all" : "unique");
    RunOptions options;
    options.docs = mode;
    RunSummary summary;
    ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), first, *corpus, options, &summary).ok());
    const std::string second = first + "-again";
    // The docs folder as the input: its *.jsonl.zst files.
    auto docs = ExpandInputs({first + "/docs"});
    ASSERT_TRUE(docs.ok());
    EXPECT_EQ(*docs, DocsFiles(first));
    Status st = RunMeasurement(Config{}, *DefaultModel(), second, *docs, {}, &summary);
    ASSERT_TRUE(st.ok()) << st.message();
    simdjson::dom::parser p1, p2;
    simdjson::dom::element a = p1.load(first + "/stats.json")["totals"];
    simdjson::dom::element b = p2.load(second + "/stats.json")["totals"];
    // All documents: the same totals per tier. One per cluster: the first
    // run's unique (after near dedup) counts.
    const std::string expected =
        all ? TierCounts(a["quality"]["tiers"]) : TierCounts(a["dedup"]["tiers"], "unique");
    EXPECT_EQ(TierCounts(b["quality"]["tiers"]), expected);
    EXPECT_GT(uint64_t(b["documents"]), 500u);
    EXPECT_EQ(b["errors"].get_object().size(), 0u) << simdjson::to_string(b["errors"]);
    if (all) {
      EXPECT_EQ(simdjson::to_string(b["quality"]["languages"]), simdjson::to_string(a["quality"]["languages"]));
    }
  }
}

// Good documents and bad lines of every kind.
std::string MixedJsonl() {
  std::string out;
  const std::string prose =
      "The committee met on Tuesday to review the budget for the coming year. Members raised several "
      "questions about the new library and the repairs to the old bridge, and agreed to meet again in May.";
  for (int i = 0; i < 30; ++i) {
    out += "{\"id\": \"d" + std::to_string(i) + "\", \"text\": \"" + prose + " Item " + std::to_string(i) +
           ".\", \"metadata\": {\"url\": \"http://example.org/" + std::to_string(i) + "\", \"date\": \"2024\"}}\n";
    if (i % 10 == 3) out += "{\"text\": \"unterminated\n";
    if (i % 10 == 5) out += "{\"id\": \"no text\"}\n";
    if (i % 10 == 7) out += "   \n";
  }
  out += "{\"text\": \"" + std::string(3000, 'x') + "\"}\n";  // past max_record_bytes below
  return out;
}

TEST(JsonlRunTest, CompressionIsDetectedAndBadLinesAreCountedByReason) {
  testing::TempDir dir;
  const std::string plain = MixedJsonl();
  // No telling extensions: the bytes decide.
  testing::WriteFile(dir.File("plain"), plain);
  testing::WriteFile(dir.File("gzipped"), testing::GzipMember(plain));
  testing::WriteFile(dir.File("zstd"), testing::ZstdFrame(plain));
  Config config;
  config.max_record_bytes = 2048;
  RunSummary summary;
  ASSERT_TRUE(RunMeasurement(config, *DefaultModel(), dir.File("run"),
                             {dir.File("plain"), dir.File("gzipped"), dir.File("zstd")}, {1}, &summary)
                  .ok());
  simdjson::dom::parser parser;
  simdjson::dom::element stats = parser.load(dir.File("run/stats.json"));
  std::string first_tiers;
  std::set<std::string> compressions;
  for (simdjson::dom::element entry : stats["per_input"].get_array()) {
    SCOPED_TRACE(std::string(std::string_view(entry["path"])));
    EXPECT_EQ(std::string_view(entry["format"]), "jsonl");
    compressions.insert(std::string(std::string_view(entry["compression"])));
    EXPECT_EQ(uint64_t(entry["documents"]), 30u);
    EXPECT_EQ(uint64_t(entry["funnel"]["records"]), 30u + 3 + 3 + 3 + 1);
    EXPECT_EQ(uint64_t(entry["errors"]["jsonl_invalid_json"]), 3u);
    EXPECT_EQ(uint64_t(entry["errors"]["jsonl_no_text"]), 3u);
    EXPECT_EQ(uint64_t(entry["errors"]["jsonl_blank_line"]), 3u);
    EXPECT_EQ(uint64_t(entry["errors"]["jsonl_line_too_long"]), 1u);
    const std::string tiers = simdjson::to_string(entry["quality"]["tiers"]);
    if (first_tiers.empty()) first_tiers = tiers;
    EXPECT_EQ(tiers, first_tiers);
  }
  EXPECT_EQ(compressions, (std::set<std::string>{"none", "gzip", "zstd"}));
  // The same documents three times: two thirds are exact duplicates.
  EXPECT_EQ(uint64_t(stats["totals"]["dedup"]["exact"]["duplicates"]), 60u);
}

TEST(JsonlRunTest, FieldNamesComeFromTheConfigAndUrlsWork) {
  testing::TempDir dir;
  const std::string lines =
      "{\"raw_content\": \"A first document about rivers, lakes and the sea, long enough to be measured here.\", "
      "\"meta\": {\"link\": \"http://example.org/a\"}}\n"
      "{\"raw_content\": \"A second document about mountains and valleys, long enough to be measured too.\", "
      "\"meta\": {\"link\": \"http://example.org/b\"}}\n";
  testing::WriteFile(dir.File("rp.jsonl"), lines);
  Config config;
  config.jsonl.text = "raw_content";
  config.jsonl.url = "meta.link";
  RunSummary disk;
  ASSERT_TRUE(RunMeasurement(config, *DefaultModel(), dir.File("disk"), {dir.File("rp.jsonl")}, {1}, &disk).ok());
  EXPECT_EQ(disk.documents, 2u);
  // The default fields find no text.
  RunSummary defaults;
  ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), dir.File("defaults"), {dir.File("rp.jsonl")}, {1}, &defaults).ok());
  EXPECT_EQ(defaults.documents, 0u);
  // Over HTTP, gzipped: the same counts.
  testing::HttpServer server;
  server.Serve("/rp.jsonl.gz", testing::GzipMember(lines));
  RunSummary url;
  ASSERT_TRUE(RunMeasurement(config, *DefaultModel(), dir.File("url"), {server.Url("/rp.jsonl.gz")}, {1}, &url).ok());
  EXPECT_EQ(url.documents, disk.documents);
  EXPECT_EQ(url.tokens, disk.tokens);
  ASSERT_EQ(url.tiers.size(), disk.tiers.size());
  for (size_t t = 0; t < url.tiers.size(); ++t) {
    EXPECT_EQ(url.tiers[t].second.documents, disk.tiers[t].second.documents);
    EXPECT_EQ(url.tiers[t].second.words, disk.tiers[t].second.words);
  }
}

TEST(JsonlRunTest, WrittenDocumentsKeepTheInputsIdAndMetadata) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("in.jsonl"),
                     "{\"id\": \"fw-17\", \"text\": \"A plain document about gardens, trees and flowers that grow in "
                     "spring, long enough to count.\", \"metadata\": {\"url\": \"http://example.org/g\", \"dump\": "
                     "\"CC-MAIN-2024-10\", \"score\": [0.5, {\"x\": null}]}}\n");
  RunOptions options;
  options.docs = DocsMode::kAll;
  RunSummary summary;
  ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), dir.File("run"), {dir.File("in.jsonl")}, options, &summary).ok());
  const std::vector<std::string> files = DocsFiles(dir.File("run"));
  ASSERT_EQ(files.size(), 1u);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(testing::ReadDecodedFile(files[0]));
  EXPECT_EQ(std::string_view(doc["id"]), "0:1");  // (ordinal, line number)
  EXPECT_EQ(std::string_view(doc["metadata"]["url"]), "http://example.org/g");
  EXPECT_EQ(std::string_view(doc["metadata"]["source_id"]), "fw-17");
  EXPECT_EQ(std::string_view(doc["metadata"]["source_metadata"]["dump"]), "CC-MAIN-2024-10");
  EXPECT_EQ(simdjson::to_string(doc["metadata"]["source_metadata"]["score"]), "[0.5,{\"x\":null}]");
}

}  // namespace
}  // namespace stocktake::pipeline
