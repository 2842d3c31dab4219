#include "pipeline/run.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>

#include "pipeline/default_model.h"
#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

InputResult Result(const std::string& path, uint64_t documents, std::vector<std::string> texts) {
  InputResult r;
  r.path = path;
  r.format = "warc";
  r.compression = "gzip";
  r.records.Add("response", documents);
  r.funnel.records = documents;
  r.funnel.documents = documents;
  r.documents = documents;
  r.words = documents * 10;
  for (const std::string& t : texts) r.text_keys.push_back(dedup::TextKey(t));
  return r;
}

TEST(RunTest, StatsJsonSumsInOrdinalOrderAndCountsDuplicatesAcrossInputs) {
  InputResult unreadable;
  unreadable.path = "c.warc";
  unreadable.readable = false;
  unreadable.failure = "cannot open 'c.warc': Permission denied";
  unreadable.format = "unknown";
  unreadable.compression = "none";
  std::vector<InputResult> results = {Result("a.warc.gz", 2, {"x", "y"}), Result("b.warc.gz", 2, {"y", "z"}),
                                      unreadable};
  std::string json = StatsJson(Config{}, results, nullptr);
  simdjson::dom::parser parser;
  simdjson::dom::element stats = parser.parse(json);
  EXPECT_EQ(uint64_t(stats["inputs"]["count"]), 3u);
  EXPECT_EQ(uint64_t(stats["inputs"]["unreadable"]), 1u);
  EXPECT_EQ(uint64_t(stats["totals"]["documents"]), 4u);
  EXPECT_EQ(uint64_t(stats["totals"]["words"]), 40u);
  EXPECT_EQ(uint64_t(stats["totals"]["records"]["response"]), 4u);
  EXPECT_EQ(uint64_t(stats["totals"]["distinct_texts"]), 3u);  // "y" is in both inputs
  EXPECT_EQ(uint64_t(stats["totals"]["duplicate_documents"]), 1u);
  simdjson::dom::array per_input = stats["per_input"];
  ASSERT_EQ(per_input.size(), 3u);
  EXPECT_EQ(std::string_view(per_input.at(0)["path"]), "a.warc.gz");
  EXPECT_EQ(uint64_t(per_input.at(2)["ordinal"]), 2u);
  EXPECT_FALSE(bool(per_input.at(2)["readable"]));
  EXPECT_EQ(std::string_view(per_input.at(2)["failure"]), "cannot open 'c.warc': Permission denied");
  EXPECT_EQ(std::string_view(stats["config_hash"]), ConfigHash(Config{}));
  // Deterministic: the same results give the same bytes.
  EXPECT_EQ(StatsJson(Config{}, results, nullptr), json);
}

TEST(RunTest, InspectTextAndJsonForms) {
  InputResult r = Result("a.warc.gz", 1234567, {});
  r.members = 3;
  r.errors.Add("record_truncated");
  r.charsets.Add("UTF-8", 2);
  std::string json = InspectJsonLine(r);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::element e = parser.parse(json);
  EXPECT_EQ(std::string_view(e["file"]), "a.warc.gz");
  EXPECT_EQ(uint64_t(e["errors"]["record_truncated"]), 1u);

  testing::TempDir dir;
  std::FILE* f = std::fopen(dir.File("out").c_str(), "w");
  PrintInspect({r}, /*json=*/false, f);
  std::fclose(f);
  std::string text = testing::ReadFile(dir.File("out"));
  EXPECT_NE(text.find("format      warc, gzip (3 members)"), std::string::npos) << text;
  EXPECT_NE(text.find("records     1,234,567: response 1,234,567"), std::string::npos) << text;
  EXPECT_NE(text.find("charsets    UTF-8 2"), std::string::npos) << text;
  EXPECT_NE(text.find("errors      record_truncated 1"), std::string::npos) << text;
}

TEST(RunTest, RunMeasurementWritesAllThreeFiles) {
  testing::TempDir dir;
  RunSummary summary;
  std::vector<std::string> inputs = {
      testing::CorpusFile("jeffharwell+CommonCrawlScalaTools/warcparser/src/test/resources/filter_test_1.wet.gz")};
  Status st = RunMeasurement(Config{}, *DefaultModel(), dir.File("run"), inputs, {1}, &summary);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(summary.inputs, 1u);
  EXPECT_GE(summary.documents, 24u);
  for (const char* f : {"run.json", "stats.json", "timing.json"}) {
    EXPECT_FALSE(testing::ReadFile(dir.File(std::string("run/") + f)).empty()) << f;
  }
}


TEST(RunTest, FinishedShardsAreReusedAndBrokenOnesRedone) {
  testing::TempDir dir;
  const std::vector<std::string> inputs = {
      testing::CorpusFile("jeffharwell+CommonCrawlScalaTools/warcparser/src/test/resources/filter_test_1.wet.gz"),
      testing::CorpusFile("chatnoir-eu+chatnoir-resiliparse/tests/data/warcfile.warc.gz")};
  const std::string run = dir.File("run");
  RunSummary summary;
  ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), run, inputs, {1}, &summary).ok());
  EXPECT_EQ(summary.shards_reused, 0u);
  const std::string stats = testing::ReadFile(run + "/stats.json");
  const std::string clusters = testing::ReadFile(run + "/dedup/clusters.tsv");
  // Inputs are sorted: the chatnoir file is ordinal 0, in shards/000000.
  EXPECT_NE(testing::ReadFile(run + "/shards/000000/DONE").find("chatnoir"), std::string::npos);

  auto again = [&](size_t expect_reused) {
    RunSummary s;
    Status st = RunMeasurement(Config{}, *DefaultModel(), run, {inputs[0]}, {2}, &s);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(s.inputs, 2u);  // the run keeps its inputs
    EXPECT_EQ(s.shards_reused, expect_reused);
    EXPECT_TRUE(testing::ReadFile(run + "/stats.json") == stats);
    EXPECT_TRUE(testing::ReadFile(run + "/dedup/clusters.tsv") == clusters);
  };
  again(2);
  // An unfinished shard (no DONE) and leftovers of a killed run are redone
  // or removed.
  std::filesystem::remove(run + "/shards/000001/DONE");
  std::filesystem::create_directories(run + "/shards/000007");
  testing::WriteFile(run + "/shards/000007/result.bin", "partial");
  testing::WriteFile(run + "/stats.json.tmp.123", "partial");
  again(1);
  EXPECT_FALSE(std::filesystem::exists(run + "/shards/000007"));
  EXPECT_FALSE(std::filesystem::exists(run + "/stats.json.tmp.123"));
  // A damaged result behind a DONE marker is found and redone.
  std::string bytes = testing::ReadFile(run + "/shards/000000/result.bin");
  bytes[bytes.size() / 2] ^= 1;
  testing::WriteFile(run + "/shards/000000/result.bin", bytes);
  again(1);  // redone, not reused

  // Another configuration cannot continue this run.
  Config other;
  other.quality.normal_form = quality::NormalForm::kNFKC;
  Status st = RunMeasurement(other, *DefaultModel(), run, inputs, {1}, &summary);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("another configuration"), std::string::npos) << st.message();
  // Partitions do not change results but do change run files: shards redone.
  Config partitions;
  partitions.dedup.partitions = 8;
  ASSERT_TRUE(RunMeasurement(partitions, *DefaultModel(), run, {}, {1}, &summary).ok());
  EXPECT_EQ(summary.shards_reused, 0u);
  EXPECT_TRUE(testing::ReadFile(run + "/stats.json") == stats);

  auto record = ReadRunRecord(run);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->inputs.size(), 2u);
  EXPECT_FALSE(ReadRunRecord(dir.File("nothing")).ok());
}

// What opening and reading the first byte of `path` fails with here, or ""
// when it reads.
std::string FirstReadFailure(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::strerror(errno);
  char byte;
  const ssize_t got = ::pread(fd, &byte, 1, 0);
  const int error = errno;
  ::close(fd);
  return got < 0 ? std::strerror(error) : "";
}

TEST(RunTest, AnUnreadableInputIsReportedWithItsReason) {
  testing::TempDir dir;
  const std::string kept = testing::CorpusFile("webrecorder+warcio/test/data/example.warc.gz");
  // A Unix socket exists but cannot be opened (ENXIO), for root too.
  const std::string socket_path = dir.File("socket.warc.gz");
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  ASSERT_LT(socket_path.size(), sizeof(address.sun_path));
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size());
  ASSERT_EQ(::bind(sock, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0) << std::strerror(errno);
  // /proc/self/mem opens, but reading offset 0 fails (EIO) for whichever
  // process reads it; a sandbox that refuses the open gives its own reason.
  const std::string mem = "/proc/self/mem";
  const std::string mem_failure = FirstReadFailure(mem);
  ASSERT_NE(mem_failure, "") << "offset 0 of /proc/self/mem reads on this machine";

  RunSummary summary;
  ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), dir.File("run"), {kept, socket_path, mem}, {1}, &summary).ok());
  ::close(sock);
  EXPECT_EQ(summary.unreadable, 2u);
  simdjson::dom::parser parser;
  simdjson::dom::element stats = parser.load(dir.File("run/stats.json"));
  EXPECT_EQ(uint64_t(stats["inputs"]["unreadable"]), 2u);
  // per_input is in path order, which depends on where the corpus lives.
  std::map<std::string, simdjson::dom::element> by_path;
  for (simdjson::dom::element entry : stats["per_input"].get_array()) by_path[std::string(entry["path"])] = entry;
  ASSERT_EQ(by_path.size(), 3u);
  EXPECT_TRUE(bool(by_path.at(kept)["readable"]));
  EXPECT_FALSE(bool(by_path.at(socket_path)["readable"]));
  EXPECT_NE(std::string_view(by_path.at(socket_path)["failure"]).find(std::strerror(ENXIO)), std::string_view::npos)
      << std::string_view(by_path.at(socket_path)["failure"]);
  EXPECT_FALSE(bool(by_path.at(mem)["readable"]));
  EXPECT_NE(std::string_view(by_path.at(mem)["failure"]).find(mem_failure), std::string_view::npos)
      << std::string_view(by_path.at(mem)["failure"]);
}

TEST(RunTest, AnInputGoneMissingIsReportedNotFatal) {
  testing::TempDir dir;
  const std::string kept = testing::CorpusFile("webrecorder+warcio/test/data/example.warc.gz");
  const std::string gone = dir.File("gone.warc.gz");
  testing::WriteFile(gone, testing::ReadFile(kept));
  RunSummary summary;
  ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), dir.File("run"), {kept, gone}, {1}, &summary).ok());
  std::filesystem::remove(gone);
  // The run keeps the input, finds it changed (gone), scans it again, and
  // reports it instead of stopping.
  Status st = RunMeasurement(Config{}, *DefaultModel(), dir.File("run"), {}, {1}, &summary);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(summary.unreadable, 1u);
  EXPECT_EQ(summary.shards_reused, 1u);
  simdjson::dom::parser parser;
  simdjson::dom::element stats = parser.load(dir.File("run/stats.json"));
  EXPECT_EQ(uint64_t(stats["inputs"]["unreadable"]), 1u);
  size_t found = 0;
  for (simdjson::dom::element entry : stats["per_input"].get_array()) {
    if (std::string_view(entry["path"]) != gone) continue;
    ++found;
    EXPECT_FALSE(bool(entry["readable"]));
    EXPECT_NE(std::string_view(entry["failure"]).find("No such file"), std::string_view::npos);
  }
  EXPECT_EQ(found, 1u);
}

// Every per-shard output of a finished shard, flipped, cut short or gone:
// the resumed run finds it (checksums, sizes, zstd frame checks), redoes
// that shard only, and ends with the same bytes as the intact run.
TEST(RunTest, DamagedShardOutputsAreRedoneNotTrusted) {
  testing::TempDir dir;
  const std::vector<std::string> inputs = {
      testing::CorpusFile("webrecorder+warcio/test/data/example.warc.gz"),
      testing::CorpusFile("chatnoir-eu+chatnoir-resiliparse/tests/data/warcfile.warc.gz")};
  Config config;
  config.dedup.verify = true;  // signatures.sig too
  RunOptions options;
  options.threads = 1;
  options.docs = DocsMode::kUnique;
  RunSummary summary;
  const std::string run = dir.File("run");
  ASSERT_TRUE(RunMeasurement(config, *DefaultModel(), run, inputs, options, &summary).ok());
  auto outputs = [](const std::string& r) {
    return testing::ReadFile(r + "/stats.json") + testing::ReadFile(r + "/dedup/clusters.tsv") +
           testing::ReadFile(r + "/docs/000000.jsonl.zst") + testing::ReadFile(r + "/docs/000001.jsonl.zst");
  };
  const std::string intact = outputs(run);
  const std::string shard = "/shards/000001/";
  for (const char* file : {"result.bin", "bands.run", "exact.run", "signatures.sig", "docs.jsonl.zst", "DONE"}) {
    ASSERT_TRUE(std::filesystem::exists(run + shard + file)) << file;
    for (const char* damage : {"flipped", "truncated", "removed"}) {
      const std::string copy = dir.File(std::string(file) + "-" + damage);
      std::filesystem::copy(run, copy, std::filesystem::copy_options::recursive);
      const std::string path = copy + shard + file;
      std::string bytes = testing::ReadFile(path);
      if (damage == std::string_view("flipped")) {
        bytes[bytes.size() / 2] ^= 0x10;
        testing::WriteFile(path, bytes);
      } else if (damage == std::string_view("truncated")) {
        testing::WriteFile(path, bytes.substr(0, bytes.size() - std::max<size_t>(1, bytes.size() / 3)));
      } else {
        std::filesystem::remove(path);
      }
      RunSummary resumed;
      Status st = RunMeasurement(config, *DefaultModel(), copy, {}, options, &resumed);
      ASSERT_TRUE(st.ok()) << file << " " << damage << ": " << st.message();
      EXPECT_EQ(resumed.shards_reused, 1u) << file << " " << damage;
      EXPECT_EQ(resumed.shards_scanned, 1u) << file << " " << damage;
      EXPECT_TRUE(outputs(copy) == intact) << file << " " << damage;
    }
  }
}

// A tight memory limit shrinks the batches (two per worker must fit in half
// of it); the results do not depend on the batch size.
TEST(RunTest, ATightMemoryLimitShrinksTheBatchesNotTheResults) {
  testing::TempDir dir;
  // Pages of 100 KB and more: several batches of 2 MiB per input.
  const std::vector<std::string> inputs = {testing::CorpusFile("webis-de+archive-query-log/data/tests/bing.warc.gz"),
                                           testing::CorpusFile("webis-de+archive-query-log/data/tests/qwant.warc.gz")};
  RunSummary summary;
  RunOptions options;
  options.threads = 4;
  ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), dir.File("roomy"), inputs, options, &summary).ok());
  Config tight;
  tight.memory_limit = 64u << 20;  // 32 MiB for batches: 4 workers x 2 x (2 x 2 MiB)
  ASSERT_TRUE(RunMeasurement(tight, *DefaultModel(), dir.File("tight"), inputs, options, &summary).ok());
  EXPECT_NE(testing::ReadFile(dir.File("roomy/timing.json")).find("\"batch_bytes\": 16777216"), std::string::npos);
  EXPECT_NE(testing::ReadFile(dir.File("tight/timing.json")).find("\"batch_bytes\": 2097152"), std::string::npos);
  EXPECT_TRUE(testing::ReadFile(dir.File("tight/stats.json")) == testing::ReadFile(dir.File("roomy/stats.json")));
}

TEST(RunTest, StagesRunApartGiveTheLocalRunsStats) {
  testing::TempDir dir;
  const std::vector<std::string> inputs = {
      testing::CorpusFile("jeffharwell+CommonCrawlScalaTools/warcparser/src/test/resources/filter_test_1.wet.gz"),
      testing::CorpusFile("chatnoir-eu+chatnoir-resiliparse/tests/data/warcfile.warc.gz"),
      testing::CorpusFile("oduwsdl+ipwb/samples/warcs/sample-1.warc.gz")};
  RunSummary summary;
  ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), dir.File("local"), inputs, {2}, &summary).ok());
  const std::string run = dir.File("staged");
  RunOptions plan;
  plan.plan_only = true;
  ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), run, inputs, plan, &summary).ok());
  EXPECT_FALSE(std::filesystem::exists(run + "/shards/000000/DONE"));
  // Two shard tasks, a dedup stage split in three before all shards are done
  // (refused), then after.
  RunOptions dedup;
  dedup.dedup_task_count = 3;
  EXPECT_FALSE(RunMeasurement(Config{}, *DefaultModel(), run, {}, dedup, &summary).ok());
  for (uint32_t t = 0; t < 2; ++t) {
    RunOptions shard;
    shard.task_count = 2;
    shard.task_index = t;
    ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), run, {}, shard, &summary).ok());
  }
  for (uint32_t t = 0; t < 3; ++t) {
    dedup.dedup_task_index = t;
    ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), run, {}, dedup, &summary).ok());
  }
  RunOptions finish;
  finish.dedup_parts = 3;
  ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), run, {}, finish, &summary).ok());
  EXPECT_EQ(summary.shards_reused, inputs.size());
  EXPECT_TRUE(testing::ReadFile(run + "/stats.json") == testing::ReadFile(dir.File("local/stats.json")));
  EXPECT_NE(testing::ReadFile(run + "/timing.json").find("\"clusterings_joined_from_parts\": 2"), std::string::npos);
  // A shard redone since makes the parts stale: they are not trusted, and
  // the clustering is done whole again, with the same result.
  std::filesystem::remove(run + "/shards/000001/DONE");
  ASSERT_TRUE(RunMeasurement(Config{}, *DefaultModel(), run, {}, finish, &summary).ok());
  EXPECT_TRUE(testing::ReadFile(run + "/stats.json") == testing::ReadFile(dir.File("local/stats.json")));
  EXPECT_NE(testing::ReadFile(run + "/timing.json").find("\"clusterings_joined_from_parts\": 0"), std::string::npos);
}

}  // namespace
}  // namespace stocktake::pipeline
