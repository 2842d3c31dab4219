// Integration tests of the stocktake binary: exit codes, one-line setup
// errors, the run directory, and determinism across thread counts.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <set>

#include "test_support/http_server.h"
#include "test_support/test_support.h"

namespace stocktake {
namespace {

using testing::CorpusFile;
using testing::RunCommand;
using testing::StocktakeBinary;

std::vector<std::string> SomeInputs() {
  return {CorpusFile("chatnoir-eu+chatnoir-resiliparse/tests/data/warcfile.warc.gz"),
          CorpusFile("archivesunleashed+aut/src/test/resources/arc/example.arc.gz"),
          CorpusFile("jeffharwell+CommonCrawlScalaTools/warcparser/src/test/resources/filter_test_1.wet.gz"),
          CorpusFile("oduwsdl+ipwb/samples/warcs/sample-1.warc.gz"),
          CorpusFile("webrecorder+warcio/test/data/example-trunc.warc"),
          CorpusFile("iipc+webarchive-commons/wax/src/regression/data/cz-pagesinczech.arc.gz"),
          CorpusFile("webis-de+archive-query-log/data/tests/vk.warc.gz")};
}

testing::CommandResult Stocktake(std::vector<std::string> args) {
  args.insert(args.begin(), StocktakeBinary());
  return RunCommand(args);
}

size_t Lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(MainTest, RunWritesRunDirectory) {
  testing::TempDir dir;
  std::vector<std::string> args = {"run", "-c", testing::SourcePath("configs/default.toml"), "-o", dir.File("run")};
  for (const auto& f : SomeInputs()) args.push_back(f);
  auto r = Stocktake(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("stats.json"), std::string::npos);

  simdjson::dom::parser parser;
  simdjson::dom::element stats = parser.load(dir.File("run/stats.json"));
  EXPECT_EQ(std::string_view(stats["schema"]), "stocktake.stats/1");
  EXPECT_EQ(uint64_t(stats["inputs"]["count"]), SomeInputs().size());
  uint64_t documents = stats["totals"]["documents"];
  uint64_t words = stats["totals"]["words"];
  EXPECT_GT(documents, 100u);
  EXPECT_GT(words, documents * 10);
  EXPECT_EQ(uint64_t(stats["totals"]["funnel"]["documents"]), documents);
  // Per-input entries are in sorted-path order with their ordinals.
  std::vector<std::string> paths;
  for (simdjson::dom::element e : stats["per_input"].get_array()) paths.emplace_back(std::string_view(e["path"]));
  EXPECT_TRUE(std::is_sorted(paths.begin(), paths.end()));
  EXPECT_EQ(paths.size(), SomeInputs().size());

  simdjson::dom::parser parser2;
  simdjson::dom::element run = parser2.load(dir.File("run/run.json"));
  EXPECT_EQ(std::string_view(run["config_hash"]), std::string_view(stats["config_hash"]));
  EXPECT_EQ(uint64_t(run["config"]["reader"]["max_record_bytes"]), 64u << 20);
  EXPECT_EQ(run["inputs"].get_array().size(), SomeInputs().size());
  // Quality: tiers are nested (each no larger than the one below), and the
  // rule funnel adds up: what reaches a rule is what reached the previous
  // one minus what that one removed.
  simdjson::dom::element quality = stats["totals"]["quality"];
  uint64_t previous_docs = documents;
  uint64_t tokens = stats["totals"]["tokens"]["cl100k_base"];
  EXPECT_GT(tokens, words);  // cl100k_base splits more finely than whitespace
  uint64_t previous_tokens = tokens;
  for (simdjson::dom::element tier : quality["tiers"].get_array()) {
    uint64_t docs = tier["documents"];
    uint64_t tier_tokens = tier["tokens"]["cl100k_base"];
    EXPECT_LE(docs, previous_docs);
    EXPECT_LE(tier_tokens, previous_tokens);
    EXPECT_GT(tier_tokens, 0u);
    previous_docs = docs;
    previous_tokens = tier_tokens;
  }
  EXPECT_EQ(uint64_t(quality["tiers"].at(0)["tokens"]["cl100k_base"]), tokens);
  EXPECT_EQ(uint64_t(quality["tiers"].at(0)["documents"]), documents);
  uint64_t reaching = documents;
  for (simdjson::dom::element rule : quality["rules"].get_array()) {
    EXPECT_EQ(uint64_t(rule["in_sequence"]["reached"]["documents"]), reaching) << std::string_view(rule["name"]);
    EXPECT_LE(uint64_t(rule["in_sequence"]["removed"]["tokens"]["cl100k_base"]),
              uint64_t(rule["in_sequence"]["reached"]["tokens"]["cl100k_base"]));
    EXPECT_LE(uint64_t(rule["alone"]["tokens"]["cl100k_base"]), tokens);
    reaching -= uint64_t(rule["in_sequence"]["removed"]["documents"]);
    EXPECT_GE(uint64_t(rule["alone"]["documents"]), 0u);
  }
  EXPECT_EQ(reaching, uint64_t(quality["tiers"].at(3)["documents"]));
  EXPECT_GT(quality["tiers_by_language"]["en"]["extracted"]["documents"].get_uint64().value(), 0u);

  simdjson::dom::parser parser3;
  simdjson::dom::element timing = parser3.load(dir.File("run/timing.json"));
  EXPECT_GT(uint64_t(timing["peak_rss_bytes"]), 0u);
}

TEST(MainTest, RunReportsDuplicatesAndCanSkipThem) {
  testing::TempDir dir;
  // The same file twice (a copy under another name): every document of the
  // second is an exact duplicate of one in the first.
  const std::string input = SomeInputs()[0];
  testing::WriteFile(dir.File("copy.warc.gz"), testing::ReadFile(input));
  auto r = Stocktake({"run", "-o", dir.File("run"), input, dir.File("copy.warc.gz")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("unique (one per duplicate cluster"), std::string::npos) << r.out;
  simdjson::dom::parser parser;
  simdjson::dom::element stats = parser.load(dir.File("run/stats.json"));
  simdjson::dom::element dedup = stats["totals"]["dedup"];
  const uint64_t documents = dedup["documents"];
  EXPECT_GT(documents, 0u);
  EXPECT_EQ(documents % 2, 0u);
  EXPECT_GE(uint64_t(dedup["exact"]["duplicates"]), documents / 2);
  EXPECT_LE(uint64_t(dedup["tiers"].at(0)["unique"]["documents"]), documents / 2);
  EXPECT_FALSE(testing::ReadFile(dir.File("run/dedup/clusters.tsv")).empty());

  // --no-dedup: no dedup block beyond "enabled": false, no dedup files.
  r = Stocktake({"run", "--no-dedup", "-o", dir.File("off"), input, dir.File("copy.warc.gz")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("unique (one per"), std::string::npos) << r.out;
  simdjson::dom::parser parser2;
  simdjson::dom::element off = parser2.load(dir.File("off/stats.json"));
  EXPECT_FALSE(bool(off["totals"]["dedup"]["enabled"]));
  EXPECT_TRUE(off["totals"]["dedup"]["tiers"].error());
  EXPECT_FALSE(std::filesystem::exists(dir.File("off/dedup")));
  EXPECT_FALSE(std::filesystem::exists(dir.File("off/shards/000000/bands.run")));
}

TEST(MainTest, StatsAreByteIdenticalAcrossThreadCounts) {
  testing::TempDir dir;
  std::string one, four;
  for (const char* threads : {"1", "4"}) {
    std::vector<std::string> args = {"run", "--threads", threads, "-o", dir.File(std::string("t") + threads)};
    for (const auto& f : SomeInputs()) args.push_back(f);
    auto r = Stocktake(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_EQ(testing::ReadFile(dir.File("t1/stats.json")), testing::ReadFile(dir.File("t4/stats.json")));
  EXPECT_EQ(testing::ReadFile(dir.File("t1/run.json")), testing::ReadFile(dir.File("t4/run.json")));
}

TEST(MainTest, TokensCountsFilesAndJsonLines) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("a.txt"), "hello world");
  testing::WriteFile(dir.File("b.txt"), "I don't LIKE 12345 <|endoftext|>");
  auto r = Stocktake({"tokens", "-e", "cl100k_base", "-e", "r50k_base", "--words", "--header", dir.File("a.txt"),
                      dir.File("b.txt")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Counts as tiktoken gives them (tests/stats/tokenizer_test.cc has the ids);
  // UAX #29 words: I, don't, LIKE, 12345, endoftext (punctuation is no word).
  EXPECT_EQ(r.out, "cl100k_base\tr50k_base\twords_uax29\twords_whitespace\tfile\n"
                   "2\t2\t2\t2\t" + dir.File("a.txt") + "\n" +
                   "13\t13\t5\t5\t" + dir.File("b.txt") + "\n");

  testing::WriteFile(dir.File("d.jsonl"), "{\"text\": \"hello world\"}\n{\"id\": 2}\n\n{\"text\": \"a \\u00e9t\\u00e9\"}\nnot json\n");
  auto jsonl = Stocktake({"tokens", "--jsonl", "-e", "o200k_base", dir.File("d.jsonl")});
  EXPECT_EQ(jsonl.exit_code, 1);
  EXPECT_EQ(jsonl.out, "2\t1\n2\t4\n");  // o200k_base: "a", " été"
  EXPECT_NE(jsonl.err.find("2: no string field 'text'"), std::string::npos) << jsonl.err;
  EXPECT_NE(jsonl.err.find("5: no string field 'text'"), std::string::npos) << jsonl.err;

  auto bad = Stocktake({"tokens", "-e", "p50k_base", dir.File("a.txt")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(Lines(bad.err), 1u) << bad.err;
  auto missing = Stocktake({"tokens", dir.File("nope.txt")});
  EXPECT_EQ(missing.exit_code, 1);
}

TEST(MainTest, SetupErrorsAreOneLineAndExitTwo) {
  testing::TempDir dir;
  std::string input = SomeInputs()[0];
  testing::WriteFile(dir.File("bad.toml"), "[reader]\nmax_record_bytes = -5\n");
  testing::WriteFile(dir.File("a_file"), "x");
  testing::WriteFile(dir.File("tiers.toml"), "[[tiers]]\nname = \"top\"\nrules = [\"gopher\"]\n");
  std::filesystem::create_symlink("loop.warc.gz", dir.File("loop.warc.gz"));
  struct Case {
    std::vector<std::string> args;
    std::string needle;
  };
  std::vector<Case> cases = {
      {{"run", "-o", dir.File("r1"), dir.File("missing.warc.gz")}, "does not exist"},
      {{"run", "-c", dir.File("nope.toml"), "-o", dir.File("r2"), input}, "nope.toml"},
      {{"run", "-c", dir.File("bad.toml"), "-o", dir.File("r3"), input}, "line 2"},
      {{"run", "-o", dir.File("a_file/run"), input}, "cannot create run directory"},
      {{"inspect", dir.File("missing.warc.gz")}, "does not exist"},
      {{"run", "-o", dir.File("r6"), dir.File("loop.warc.gz")}, "cannot be reached: Too many levels of symbolic links"},
      {{"run", "-c", dir.File("tiers.toml"), "-o", dir.File("r4"), input}, "names rule 'gopher'"},
      {{"extract", "-c", dir.File("tiers.toml"), input}, "names rule 'gopher'"},
      {{"run", "--index", dir.File("no-such-run"), "-o", dir.File("r5"), input}, "no dedup manifest"},
  };
  for (const Case& c : cases) {
    auto r = Stocktake(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.needle;
    EXPECT_EQ(Lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << r.err;
    EXPECT_EQ(r.err.rfind("stocktake: error: ", 0), 0u) << r.err;
  }
}

TEST(MainTest, UsageErrorsExitTwoWithOneLine) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"run", "x.warc"}, {}, {"frobnicate"}, {"run", "--threads", "-3", "-o", "r", "x"}, {"inspect"}}) {
    auto r = Stocktake(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(Lines(r.err), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("stocktake: error: ", 0), 0u) << r.err;
  }
  auto help = Stocktake({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("inspect"), std::string::npos);
  EXPECT_NE(help.out.find("run"), std::string::npos);
  auto version = Stocktake({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("stocktake "), std::string::npos);
}

TEST(MainTest, ConfigShowPrintsTomlThatReadsBack) {
  auto defaults = Stocktake({"config", "show"});
  ASSERT_EQ(defaults.exit_code, 0) << defaults.err;
  EXPECT_EQ(defaults.err, "");
  for (const char* needle : {"[reader]\n", "[[tiers]]\nname = \"high\"\n", "[dedup]\n", "[run]\nthreads = 0\n"}) {
    EXPECT_NE(defaults.out.find(needle), std::string::npos) << needle;
  }
  auto shipped = Stocktake({"config", "show", "-c", testing::SourcePath("configs/default.toml")});
  ASSERT_EQ(shipped.exit_code, 0) << shipped.err;
  EXPECT_EQ(shipped.out, defaults.out);  // the shipped file holds the built-in defaults

  testing::TempDir dir;
  testing::WriteFile(dir.File("mine.toml"), "[run]\nmemory_limit = 134217728\n[dedup]\nverify = true\n");
  auto mine = Stocktake({"config", "show", "--config", dir.File("mine.toml")});
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  EXPECT_NE(mine.out.find("memory_limit = 134217728\n"), std::string::npos) << mine.out;
  testing::WriteFile(dir.File("shown.toml"), mine.out);
  auto again = Stocktake({"config", "show", "-c", dir.File("shown.toml")});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, mine.out);

  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"config", "show", "-c", "/nonexistent.toml"}, {"config"}, {"config", "frobnicate"}}) {
    auto r = Stocktake(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(Lines(r.err), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("stocktake: error: ", 0), 0u) << r.err;
    EXPECT_EQ(r.out, "");
  }
  testing::WriteFile(dir.File("bad.toml"), "[run]\nmemory_limit = 5\n");
  auto bad = Stocktake({"config", "show", "-c", dir.File("bad.toml")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("line 2: 'run.memory_limit'"), std::string::npos) << bad.err;
}

TEST(MainTest, InspectJsonHasOneObjectPerFile) {
  std::vector<std::string> args = {"inspect", "--json"};
  for (const auto& f : SomeInputs()) args.push_back(f);
  auto r = Stocktake(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), SomeInputs().size());
  simdjson::dom::parser parser;
  size_t n = 0;
  for (simdjson::dom::element line : parser.parse_many(r.out)) {
    EXPECT_FALSE(std::string_view(line["file"]).empty());
    EXPECT_TRUE(line["records"].is_object());
    EXPECT_TRUE(line["errors"].is_object());
    EXPECT_TRUE(line["http_responses"].is_uint64());
    EXPECT_TRUE(line["html_responses"].is_uint64());
    EXPECT_TRUE(line["bytes_read"].is_uint64());
    ++n;
  }
  EXPECT_EQ(n, SomeInputs().size());
  // The CC excerpt: types spelled as in WARC-Type.
  auto one = Stocktake({"inspect", "--json", SomeInputs()[0]});
  simdjson::dom::parser p2;
  simdjson::dom::element e = p2.parse(one.out);
  EXPECT_EQ(uint64_t(e["records"]["response"]), 16u);
  EXPECT_EQ(uint64_t(e["records"]["request"]), 17u);
  EXPECT_EQ(uint64_t(e["records"]["metadata"]), 16u);
  EXPECT_EQ(uint64_t(e["records"]["warcinfo"]), 1u);
}

TEST(MainTest, InspectTextOutput) {
  auto r = Stocktake({"inspect", CorpusFile("chatnoir-eu+chatnoir-resiliparse/tests/data/clipped.warc.gz")});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("records     1: response 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("gzip_truncated 1"), std::string::npos) << r.out;
}

TEST(MainTest, ExtractWritesOneJsonLinePerDocumentInInputOrder) {
  std::string page = testing::SharedPath("corpus/extraction/readability/001/source.html");
  std::string warc = CorpusFile("chatnoir-eu+chatnoir-resiliparse/tests/data/warcfile.warc.gz");
  auto r = Stocktake({"extract", warc, page});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), 17u);  // 16 HTML pages in the WARC, then the bare page
  EXPECT_NE(r.err.find("17 documents from 2 inputs (main mode"), std::string::npos) << r.err;
  simdjson::dom::parser parser;
  std::vector<std::string> sources;
  for (simdjson::dom::element doc : parser.parse_many(r.out)) {
    sources.emplace_back(std::string_view(doc["source"]));
    EXPECT_EQ(std::string_view(doc["mode"]), "main");
    EXPECT_TRUE(doc["text"].is_string());
    EXPECT_TRUE(doc["title"].is_string());
    EXPECT_TRUE(doc["url"].is_string());
    EXPECT_TRUE(doc["record_id"].is_string());
    EXPECT_TRUE(doc["main_found"].is_bool());
    EXPECT_TRUE(doc["link_density"].is_double() || doc["link_density"].is_int64() || doc["link_density"].is_uint64());
    EXPECT_TRUE(doc["paragraphs"].is_uint64());
    EXPECT_EQ(uint64_t(doc["text_bytes"]), std::string_view(doc["text"]).size());
    // Quality: language, tier, the missed tier and every rule's values.
    if (std::string_view(doc["text"]).empty()) continue;
    EXPECT_TRUE(doc["language"].is_string());
    double score = doc["language_score"];
    EXPECT_GE(score, 0.0);
    EXPECT_LE(score, 1.0);
    std::string_view tier = doc["tier"];
    EXPECT_TRUE(tier == "extracted" || tier == "clean" || tier == "filtered" || tier == "high") << tier;
    if (tier != "high") {
      EXPECT_TRUE(doc["tier_missed"]["rule"].is_string());
      EXPECT_TRUE(doc["tier_missed"]["reason"].is_string());
    } else {
      EXPECT_TRUE(doc["tier_missed"].is_null());
    }
    for (const char* rule : {"language", "gopher_repetition", "gopher_quality", "c4", "fineweb", "c4_strict"}) {
      std::string_view status = doc["rules"][rule]["status"];
      EXPECT_TRUE(status == "pass" || status == "fail") << rule;
    }
    EXPECT_TRUE(doc["rules"]["gopher_repetition"]["top_2_gram"].is_double() ||
                doc["rules"]["gopher_repetition"]["top_2_gram"].is_int64());
    EXPECT_TRUE(doc["rules"]["c4"]["sentences"].is_int64() || doc["rules"]["c4"]["sentences"].is_double() ||
                doc["rules"]["c4"]["sentences"].is_uint64());
  }
  ASSERT_EQ(sources.size(), 17u);
  EXPECT_EQ(sources.front(), warc);  // input order, not sorted order
  EXPECT_EQ(sources.back(), page);
  simdjson::dom::parser p2;
  simdjson::dom::element last = p2.parse(r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1));
  EXPECT_EQ(std::string_view(last["title"]), "Get your Frontend JavaScript Code Covered | Code | Nicolas Perriault");
  EXPECT_TRUE(std::string_view(last["url"]).rfind("file:///", 0) == 0);
  EXPECT_NE(std::string_view(last["text"]).find("code coverage"), std::string_view::npos);
}

TEST(MainTest, ExtractFullModeKeepsMoreText) {
  std::string page = testing::SharedPath("corpus/extraction/readability/nytimes-1/source.html");
  auto main_mode = Stocktake({"extract", "--mode", "main", page});
  auto full_mode = Stocktake({"extract", "--mode", "full", page});
  ASSERT_EQ(main_mode.exit_code, 0);
  ASSERT_EQ(full_mode.exit_code, 0);
  simdjson::dom::parser p1, p2;
  simdjson::dom::element m = p1.parse(main_mode.out);
  simdjson::dom::element f = p2.parse(full_mode.out);
  EXPECT_EQ(std::string_view(f["mode"]), "full");
  EXPECT_LT(uint64_t(m["text_bytes"]), uint64_t(f["text_bytes"]));
  EXPECT_TRUE(bool(m["main_found"]));
  EXPECT_NE(Stocktake({"extract", "--mode", "best", page}).exit_code, 0);
}

// Finished shard markers under `run`.
size_t DoneShards(const std::string& run) {
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(run + "/shards", ec)) {
    n += std::filesystem::exists(e.path() / "DONE", ec);
  }
  return n;
}

// Whether any "*.tmp.*" file (an output being written) is under `dir`.
bool HasTemporary(const std::string& dir) {
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename().string().find(".tmp.") != std::string::npos) return true;
  }
  return false;
}

// Starts `stocktake args...`, waits until `ready()` holds, then kills it with
// SIGKILL. Returns true if the kill landed (false: it finished first).
bool KillWhen(const std::vector<std::string>& args, const std::function<bool()>& ready) {
  std::vector<std::string> argv = args;
  argv.insert(argv.begin(), StocktakeBinary());
  std::vector<char*> raw;
  for (std::string& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execv(raw[0], raw.data());
    _exit(127);
  }
  int status = 0;
  for (;;) {
    if (waitpid(pid, &status, WNOHANG) == pid) return false;
    if (ready()) break;
    usleep(500);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// The lines of a zstd file, decoded.
std::vector<std::string> ZstdLines(const std::string& path) {
  const std::string all = testing::ReadDecodedFile(path);
  std::vector<std::string> lines;
  for (size_t start = 0, nl; (nl = all.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(all.substr(start, nl - start));
  }
  return lines;
}

TEST(MainTest, WriteDocsKeepsOneDocumentPerClusterOrAllMarked) {
  testing::TempDir dir;
  const std::string input = SomeInputs()[0];
  testing::WriteFile(dir.File("copy.warc.gz"), testing::ReadFile(input));
  for (const char* mode : {"--write-docs", "--write-docs=all"}) {
    const bool all = std::string_view(mode).find("all") != std::string_view::npos;
    const std::string run = dir.File(all ? "all" : "unique");
    auto r = Stocktake({"run", "-q", mode, "-o", run, input, dir.File("copy.warc.gz")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    simdjson::dom::parser stats_parser;
    simdjson::dom::element dedup = stats_parser.load(run + "/stats.json")["totals"]["dedup"];
    std::set<std::string> ids;
    uint64_t lines = 0, duplicates = 0;
    for (const char* file : {"000000.jsonl.zst", "000001.jsonl.zst"}) {
      for (const std::string& line : ZstdLines(run + "/docs/" + file)) {
        simdjson::dom::parser parser;
        simdjson::dom::element doc = parser.parse(line);
        ++lines;
        ids.insert(std::string(std::string_view(doc["id"])));
        EXPECT_FALSE(std::string_view(doc["text"]).empty());
        simdjson::dom::element m = doc["metadata"];
        EXPECT_TRUE(m["url"].is_string());
        EXPECT_TRUE(m["language"].is_string());
        EXPECT_TRUE(m["tier"].is_string());
        EXPECT_GT(uint64_t(m["tokens"]["cl100k_base"]), 0u);
        EXPECT_GE(uint64_t(m["cluster_size"]), 1u);
        const bool duplicate = bool(m["duplicate"]);
        duplicates += duplicate;
        // A representative's cluster id is its own id.
        if (!duplicate) {
          EXPECT_EQ(std::string_view(m["cluster_id"]), std::string_view(doc["id"]));
        }
      }
    }
    EXPECT_EQ(ids.size(), lines);
    if (all) {
      EXPECT_EQ(lines, uint64_t(dedup["documents"]));
      EXPECT_EQ(duplicates, uint64_t(dedup["near"]["duplicates"]));
    } else {
      EXPECT_EQ(lines, uint64_t(dedup["tiers"].at(0)["unique"]["documents"]));
      EXPECT_EQ(duplicates, 0u);
    }
  }
}

TEST(MainTest, UrlInputsAndCrawlSpecsFromTheCommandLine) {
  testing::HttpServer server;
  const std::string file = SomeInputs()[0];
  server.Serve("/a.warc.gz", testing::ReadFile(file));
  server.Script("/a.warc.gz", {{testing::HttpFault::kStatus, 503, 0, 0, 0}});
  testing::TempDir dir;
  testing::WriteFile(dir.File("net.toml"), "[network]\nbackoff_initial_seconds = 0.01\nbase_url = \"" +
                                               server.Url("") + "\"\n");
  auto url = Stocktake({"inspect", "--json", "-c", dir.File("net.toml"), server.Url("/a.warc.gz")});
  ASSERT_EQ(url.exit_code, 0) << url.err;
  auto disk = Stocktake({"inspect", "--json", file});
  ASSERT_EQ(disk.exit_code, 0);
  simdjson::dom::parser p1, p2;
  simdjson::dom::element a = p1.parse(url.out), b = p2.parse(disk.out);
  EXPECT_EQ(uint64_t(a["bytes_decoded"]), uint64_t(b["bytes_decoded"]));
  EXPECT_EQ(uint64_t(a["records"]["response"]), uint64_t(b["records"]["response"]));

  auto bad = Stocktake({"run", "-o", dir.File("run"), "cc:CC-MAIN-2024-18?samples=3"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(Lines(bad.err), 1u) << bad.err;
  EXPECT_NE(bad.err.find("unknown parameter 'samples'"), std::string::npos) << bad.err;
  auto missing = Stocktake({"run", "-c", dir.File("net.toml"), "-o", dir.File("run"), "cc:NO-SUCH-CRAWL"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(Lines(missing.err), 1u) << missing.err;
  EXPECT_NE(missing.err.find("HTTP 404"), std::string::npos) << missing.err;

  // estimate --crawl reads the crawl's file count from its manifest.
  server.Serve("/crawl-data/TEST-2/warc.paths.gz", "a/1.warc.gz\na/2.warc.gz\na/3.warc.gz\na/4.warc.gz\na/5.warc.gz\n");
  ASSERT_EQ(Stocktake({"run", "-q", "-o", dir.File("sample"), file}).exit_code, 0);
  auto estimate = Stocktake({"estimate", "-c", dir.File("net.toml"), "--crawl", "cc:TEST-2", dir.File("sample")});
  ASSERT_EQ(estimate.exit_code, 0) << estimate.err;
  simdjson::dom::parser p3;
  EXPECT_EQ(double(p3.parse(estimate.out)["crawl"]["files"]), 5.0);
  auto no_size = Stocktake({"estimate", dir.File("sample")});
  EXPECT_EQ(no_size.exit_code, 2);
  EXPECT_NE(no_size.err.find("--files N or --crawl"), std::string::npos) << no_size.err;
}

TEST(MainTest, ForecastPrintsAndWritesItsJson) {
  testing::TempDir dir;
  auto r = Stocktake({"forecast", "-c", testing::SourcePath("configs/epoch2024.toml"), "--samples", "2000", "--years",
                      "2025,2030", "-o", dir.File("f.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(testing::ReadFile(dir.File("f.json")) == r.out);
  simdjson::dom::parser parser;
  simdjson::dom::element f = parser.parse(r.out);
  EXPECT_EQ(f["stock_tokens"].get_object().size(), 2u);
  EXPECT_TRUE(f["stock_tokens"]["2030"]["p95"].is_double());
  EXPECT_TRUE(f["exhaustion_year"]["p50"].is_int64());
  testing::WriteFile(dir.File("bad.toml"), "[stock]\npages = \"many\"\n");
  auto bad = Stocktake({"forecast", "-c", dir.File("bad.toml")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(Lines(bad.err), 1u) << bad.err;
  EXPECT_NE(bad.err.find("stock.pages"), std::string::npos) << bad.err;
}

TEST(MainTest, RunsKilledAtAnyPointResumeToTheSameBytes) {
  testing::TempDir dir;
  const std::string corpus = testing::SharedPath("corpus/warc");
  auto reference = Stocktake({"run", "-q", "-o", dir.File("reference"), corpus});
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const std::string stats = testing::ReadFile(dir.File("reference/stats.json"));
  const std::string clusters = testing::ReadFile(dir.File("reference/dedup/clusters.tsv"));
  const size_t shards = DoneShards(dir.File("reference"));
  ASSERT_GT(shards, 100u);

  struct Point {
    const char* name;
    std::function<bool(const std::string&)> ready;
  };
  // Every stage: planning, a shard's files half-written, shards finished,
  // clustering, clusters written, statistics written (report not yet).
  const std::vector<Point> points = {
      {"run.json written", [](const std::string& run) { return std::filesystem::exists(run + "/run.json"); }},
      {"a shard half-written", [](const std::string& run) { return HasTemporary(run + "/shards"); }},
      {"first shard done", [](const std::string& run) { return DoneShards(run) >= 1; }},
      {"half the shards done", [&](const std::string& run) { return DoneShards(run) >= shards / 2; }},
      {"clustering", [](const std::string& run) { return std::filesystem::exists(run + "/dedup/manifest.json"); }},
      {"clusters written", [](const std::string& run) { return std::filesystem::exists(run + "/dedup/clusters.tsv"); }},
      {"stats written", [](const std::string& run) { return std::filesystem::exists(run + "/stats.json"); }},
  };
  int killed = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    const std::string run = dir.File("run" + std::to_string(i));
    killed += KillWhen({"run", "-q", "--threads", "1", "-o", run, corpus}, [&] { return points[i].ready(run); });
    if (i + 1 < points.size()) {
      EXPECT_FALSE(std::filesystem::exists(run + "/stats.json")) << points[i].name;
    }
    // Resume twice: after a kill, and once more after that (nothing to do).
    for (int round = 0; round < 2; ++round) {
      auto resumed = Stocktake({"run", "--resume", "-o", run});
      ASSERT_EQ(resumed.exit_code, 0) << points[i].name << ": " << resumed.err;
      EXPECT_TRUE(testing::ReadFile(run + "/stats.json") == stats) << points[i].name;
      EXPECT_TRUE(testing::ReadFile(run + "/dedup/clusters.tsv") == clusters) << points[i].name;
    }
  }
  // The poll is fast, the run with one thread slow: the kills before
  // clustering land (the last stages take milliseconds and may finish first).
  EXPECT_GE(killed, 4);
}

TEST(MainTest, ResumeAndInputsAreCheckedUpFront) {
  testing::TempDir dir;
  auto none = Stocktake({"run", "-o", dir.File("run")});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no inputs"), std::string::npos) << none.err;
  auto nothing = Stocktake({"run", "--resume", "-o", dir.File("run")});
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_NE(nothing.err.find("not a run directory"), std::string::npos) << nothing.err;
  EXPECT_EQ(Lines(nothing.err), 1u);
  // A finished run with one configuration refuses another.
  const std::string input = SomeInputs()[0];
  ASSERT_EQ(Stocktake({"run", "-q", "-o", dir.File("run"), input}).exit_code, 0);
  auto other = Stocktake({"run", "-q", "--no-dedup", "-o", dir.File("run"), input});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("another configuration"), std::string::npos) << other.err;
  // Adding an input to it scans only that one; progress (not a terminal:
  // log lines) counts the shards scanned now.
  auto added = Stocktake({"run", "-o", dir.File("run"), SomeInputs()[1]});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_NE(added.out.find("1 of 2 shards were finished already"), std::string::npos) << added.out;
  EXPECT_NE(added.err.find("stocktake: shards 1/1, "), std::string::npos) << added.err;
  EXPECT_NE(added.err.find(" MB/s, ETA "), std::string::npos) << added.err;
  // -q: nothing at all on success.
  auto quiet = Stocktake({"run", "-q", "-o", dir.File("run"), SomeInputs()[2]});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.out + quiet.err, "");
}

// A run that stopped on a full disk: one clear line, a failure exit, no
// statistics, no temporaries left; resumed with space again, it redoes only
// the shards without DONE (so no shard marked done was half-written) and
// ends with the bytes of a run that never failed.
void ExpectResumesLikeReference(const std::string& run, const std::string& reference, const std::string& cause) {
  SCOPED_TRACE(cause);
  EXPECT_FALSE(std::filesystem::exists(run + "/stats.json"));
  EXPECT_FALSE(HasTemporary(run));
  size_t unfinished = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(run + "/shards", ec)) {
    unfinished += !std::filesystem::exists(e.path() / "DONE");
  }
  const size_t planned = SomeInputs().size();
  EXPECT_GT(unfinished, 0u);
  auto resumed = Stocktake({"run", "-q", "--write-docs", "--resume", "-o", run});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  simdjson::dom::parser parser;
  simdjson::dom::element timing = parser.load(run + "/timing.json");
  // Shards never started have no folder yet: scanned too.
  EXPECT_EQ(uint64_t(timing["shards_scanned"]), planned - (DoneShards(run) - unfinished)) << resumed.err;
  EXPECT_LE(uint64_t(timing["shards_scanned"]), planned);
  for (const char* file : {"stats.json", "dedup/clusters.tsv", "docs/000000.jsonl.zst", "docs/000001.jsonl.zst"}) {
    EXPECT_TRUE(testing::ReadFile(run + "/" + file) == testing::ReadFile(reference + "/" + file)) << file;
  }
}

TEST(MainTest, AFileSizeLimitFailsClearlyAndTheRunResumesToTheSameBytes) {
  testing::TempDir dir;
  std::vector<std::string> args = {"run", "-q", "--write-docs", "-o", dir.File("reference")};
  for (const auto& f : SomeInputs()) args.push_back(f);
  ASSERT_EQ(Stocktake(args).exit_code, 0);
  // RLIMIT_FSIZE: a write past 40 kB fails with EFBIG (stocktake ignores
  // SIGXFSZ), as on a full disk.
  args[4] = dir.File("run");
  args.insert(args.begin(), {"/usr/bin/prlimit", "--fsize=40000", StocktakeBinary()});
  auto limited = RunCommand(args);
  EXPECT_EQ(limited.exit_code, 2) << limited.err;
  EXPECT_EQ(Lines(limited.err), 1u) << limited.err;
  EXPECT_NE(limited.err.find("File too large"), std::string::npos) << limited.err;
  ExpectResumesLikeReference(dir.File("run"), dir.File("reference"), "RLIMIT_FSIZE");
}

TEST(MainTest, AFullFilesystemFailsClearlyAndTheRunResumesToTheSameBytes) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting a size-limited tmpfs needs root";
  testing::TempDir dir;
  std::vector<std::string> args = {"run", "-q", "--write-docs", "-o", dir.File("reference")};
  for (const auto& f : SomeInputs()) args.push_back(f);
  ASSERT_EQ(Stocktake(args).exit_code, 0);
  const std::string mount = dir.File("small");
  std::filesystem::create_directories(mount);
  auto mounted = RunCommand({"/bin/mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount});
  ASSERT_EQ(mounted.exit_code, 0) << mounted.err;
  struct Unmount {
    std::string path;
    ~Unmount() { RunCommand({"/bin/umount", path}); }
  } unmount{mount};
  args[4] = mount + "/run";
  auto full = Stocktake(args);
  EXPECT_EQ(full.exit_code, 2) << full.err;
  EXPECT_EQ(Lines(full.err), 1u) << full.err;
  EXPECT_NE(full.err.find("No space left on device"), std::string::npos) << full.err;
  // Space again: the filesystem grows, the run resumes.
  ASSERT_EQ(RunCommand({"/bin/mount", "-o", "remount,size=256m", mount}).exit_code, 0);
  ExpectResumesLikeReference(mount + "/run", dir.File("reference"), "ENOSPC");
}

}  // namespace
}  // namespace stocktake
