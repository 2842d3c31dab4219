#include "pipeline/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

Result<Config> LoadText(const std::string& text) {
  static testing::TempDir dir;
  std::string path = dir.File("c.toml");
  testing::WriteFile(path, text);
  return LoadConfig(path);
}

TEST(ConfigTest, ShippedDefaultEqualsBuiltInDefaults) {
  auto shipped = LoadConfig(testing::SourcePath("configs/default.toml"));
  ASSERT_TRUE(shipped.ok()) << shipped.status().message();
  EXPECT_EQ(ConfigJson(*shipped, 0), ConfigJson(Config{}, 0));
  EXPECT_EQ(ConfigHash(*shipped), ConfigHash(Config{}));
  EXPECT_EQ(shipped->threads, 0);
}

TEST(ConfigTest, ValuesAreApplied) {
  auto c = LoadText("[reader]\nmax_record_bytes = 1048576\ngzip_engine = \"zlib\"\n[run]\nthreads = 3\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->max_record_bytes, 1048576u);
  EXPECT_EQ(c->gzip_engine, "zlib");
  EXPECT_EQ(c->threads, 3);
  EXPECT_NE(ConfigHash(*c), ConfigHash(Config{}));
}

TEST(ConfigTest, ExtractSection) {
  auto c = LoadText("[extract]\nmode = \"full\"\nmax_html_bytes = 1048576\nmax_depth = 64\nmax_work = 100000\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->extract.mode, crawler::ExtractMode::kFull);
  EXPECT_EQ(c->extract.max_html_bytes, 1048576u);
  EXPECT_EQ(c->extract.max_depth, 64u);
  EXPECT_EQ(c->extract.max_work, 100000u);
  EXPECT_NE(ConfigHash(*c), ConfigHash(Config{}));
  auto bad = LoadText("[extract]\nmode = \"article\"\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("\"main\", \"full\""), std::string::npos) << bad.status().message();
  EXPECT_FALSE(LoadText("[extract]\nmax_depth = 2\n").ok());
}

TEST(ConfigTest, QualitySectionRulesAndTiers) {
  auto c = LoadText(
      "[quality]\nnormal_form = \"nfkc\"\nlanguage_min_bytes = 0\nlanguage_sample_bytes = 0\n"
      "language_quick_sample_bytes = 512\nlanguage_quick_min_score = 0.75\n"
      "[rules.language]\nmin_score = 0.5\nlanguages = [\"en\", \"de\"]\n"
      "[rules.short_lines]\nkind = \"fineweb\"\nmax_short_line_ratio = 0.5\n"
      "[[tiers]]\nname = \"any\"\nrules = []\n"
      "[[tiers]]\nname = \"english\"\nrules = [\"language\", \"short_lines\"]\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->quality.normal_form, quality::NormalForm::kNFKC);
  EXPECT_EQ(c->language_min_bytes, 0u);
  EXPECT_EQ(c->language_sample_bytes, 0u);
  EXPECT_EQ(c->language_quick_sample_bytes, 512u);
  EXPECT_EQ(c->language_quick_min_score, 0.75);
  const quality::RuleSpec& language = c->quality.rules[0];
  EXPECT_EQ(language.name, "language");
  EXPECT_EQ(language.language.min_score, 0.5);
  EXPECT_EQ(language.language.languages, (std::vector<std::string>{"en", "de"}));
  const quality::RuleSpec& added = c->quality.rules.back();
  EXPECT_EQ(added.name, "short_lines");
  EXPECT_EQ(added.kind, quality::RuleKind::kFineWeb);
  EXPECT_EQ(added.fineweb.max_short_line_ratio, 0.5);
  EXPECT_EQ(added.fineweb.min_line_punct_ratio, 0.12);  // the rest keep their defaults
  ASSERT_EQ(c->quality.tiers.size(), 2u);
  EXPECT_EQ(c->quality.tiers[1].rules, (std::vector<std::string>{"language", "short_lines"}));
  EXPECT_NE(ConfigHash(*c), ConfigHash(Config{}));
  // Every rule's threshold is in the canonical form (and so in the hash).
  std::string json = ConfigJson(*c, 0);
  EXPECT_NE(json.find("\"max_short_line_ratio\":0.5"), std::string::npos) << json;
  EXPECT_NE(json.find("\"dup_10_gram_frac\":0.1"), std::string::npos) << json;
}

TEST(ConfigTest, QualityErrorsAreExplained) {
  auto error = [](const std::string& text) {
    auto c = LoadText(text);
    EXPECT_FALSE(c.ok()) << text;
    return c.ok() ? std::string() : c.status().message();
  };
  EXPECT_NE(error("[rules.mine]\nmin_score = 0.5\n").find("needs a kind"), std::string::npos);
  EXPECT_NE(error("[rules.mine]\nkind = \"gopher\"\n").find("must be one of \"language\""), std::string::npos);
  EXPECT_NE(error("[rules.c4]\nkind = \"fineweb\"\n").find("is of kind \"c4\""), std::string::npos);
  std::string unknown = error("[rules.fineweb]\nmin_line_punct = 0.2\n");
  EXPECT_NE(unknown.find("rules.fineweb.min_line_punct' is not a parameter of a fineweb rule"), std::string::npos)
      << unknown;
  EXPECT_NE(unknown.find("min_line_punct_ratio"), std::string::npos);  // lists the known ones
  EXPECT_NE(error("[rules.language]\nmin_score = 1.5\n").find("between 0 and 1"), std::string::npos);
  EXPECT_NE(error("[rules.c4]\nlorem_ipsum = 1\n").find("true or false"), std::string::npos);
  EXPECT_NE(error("[[tiers]]\nname = \"a\"\nrules = [\"nope\"]\n").find("names rule 'nope'"), std::string::npos);
  EXPECT_NE(error("[[tiers]]\nrules = []\n").find("needs a name"), std::string::npos);
  EXPECT_NE(error("[[tiers]]\nname = \"a\"\nrule = []\n").find("tiers.rule' is not a known key"), std::string::npos);
  EXPECT_NE(error("[quality]\nnormal_form = \"nfd\"\n").find("\"nfc\", \"nfkc\""), std::string::npos);
  EXPECT_NE(error("[quality]\nlanguage_sample_bytes = 10\n").find("at least 256"), std::string::npos);
  EXPECT_NE(error("[quality]\nlanguage_quick_sample_bytes = 10\n").find("at least 256"), std::string::npos);
  EXPECT_NE(error("[quality]\nlanguage_quick_min_score = 1.5\n").find("at most 1"), std::string::npos);
  EXPECT_NE(error("[rules.edu]\nkind = \"classifier\"\n").find("must name a fastText model"), std::string::npos);
  EXPECT_NE(error("[rules.edu]\nkind = \"classifier\"\nmodel = \"missing.bin\"\n").find("cannot read"),
            std::string::npos);
}

TEST(ConfigTest, ClassifierModelIsResolvedAndHashed) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("m.bin"), "model bytes");
  testing::WriteFile(dir.File("c.toml"), "[rules.edu]\nkind = \"classifier\"\nmodel = \"m.bin\"\n");
  auto c = LoadConfig(dir.File("c.toml"));
  ASSERT_TRUE(c.ok()) << c.status().message();
  const quality::RuleSpec& edu = c->quality.rules.back();
  EXPECT_EQ(edu.classifier.model, dir.File("m.bin"));  // relative to the config file
  EXPECT_EQ(edu.classifier.model_digest.size(), 32u);
  std::string before = ConfigHash(*c);
  testing::WriteFile(dir.File("m.bin"), "other model bytes");
  EXPECT_NE(ConfigHash(*LoadConfig(dir.File("c.toml"))), before);  // a new model is a new configuration
}

TEST(ConfigTest, TokenEncodings) {
  auto c = LoadText("[tokens]\nencodings = [\"o200k_base\", \"cl100k_base\", \"gpt2\"]\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->encodings.size(), 3u);
  EXPECT_EQ(EncodingNames(*c), (std::vector<std::string>{"o200k_base", "cl100k_base", "gpt2"}));
  EXPECT_EQ(c->encodings[2].pattern, "r50k_base");
  EXPECT_EQ(c->encodings[2].encoding->name(), "r50k_base");
  EXPECT_NE(ConfigHash(*c), ConfigHash(Config{}));
  EXPECT_NE(ConfigJson(*c, 0).find(std::string(stats::Encoding::BuiltinSha256("o200k_base"))), std::string::npos);

  // A rank file by path, relative to the config, hashed into the config.
  testing::TempDir dir;
  testing::WriteFile(dir.File("mine.tiktoken"), testing::ReadFile(testing::SharedPath("tokenizers/r50k_base.tiktoken")));
  testing::WriteFile(dir.File("c.toml"),
                     "[tokens]\nencodings = [\"mine.tiktoken\"]\nrank_file_pattern = \"r50k_base\"\n");
  auto file = LoadConfig(dir.File("c.toml"));
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file->encodings[0].path, dir.File("mine.tiktoken"));
  EXPECT_EQ(file->encodings[0].sha256, stats::Encoding::BuiltinSha256("r50k_base"));
  EXPECT_EQ(file->encodings[0].encoding->pattern(), stats::SplitPattern::kR50k);

  for (const char* bad : {"encodings = []", "encodings = [\"p50k_base\"]", "encodings = \"cl100k_base\"",
                          "encodings = [\"cl100k_base\", \"cl100k_base\"]",
                          "encodings = [\"a\", \"b\", \"c\", \"d\", \"e\"]", "encodings = [\"missing.tiktoken\"]",
                          "rank_file_pattern = \"p50k\"", "special = true"}) {
    auto r = LoadText(std::string("[tokens]\n") + bad + "\n");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("config '"), std::string::npos) << r.status().message();
  }
}

TEST(ConfigTest, DedupSection) {
  auto c = LoadText(
      "[dedup]\nngram = 3\nbands = 20\nrows = 5\nchar_shingles = true\nseed = 7\npartitions = 16\n"
      "memory_budget = 33554432\nverify = true\nverify_threshold = 0.8\nindex = [\"runs/a\", \"/abs/b\"]\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const Config::Dedup& d = c->dedup;
  EXPECT_EQ(d.minhash.ngram, 3u);
  EXPECT_EQ(d.minhash.hashes(), 100u);
  EXPECT_TRUE(d.minhash.char_shingles);
  EXPECT_EQ(d.minhash.seed, 7u);
  EXPECT_EQ(d.partitions, 16u);
  EXPECT_EQ(d.memory_budget, 33554432u);
  EXPECT_TRUE(d.verify);
  EXPECT_DOUBLE_EQ(d.verify_threshold, 0.8);
  ASSERT_EQ(d.index.size(), 2u);
  EXPECT_EQ(d.index[1], "/abs/b");
  EXPECT_NE(d.index[0].find("/runs/a"), std::string::npos);  // relative to the config file
  EXPECT_TRUE(d.index[0].front() == '/') << d.index[0];

  // Partitions and the budget change speed and memory, not results: not in
  // the hash. The signing parameters are.
  auto speed = LoadText("[dedup]\npartitions = 3\nmemory_budget = 1073741824\n");
  ASSERT_TRUE(speed.ok());
  EXPECT_EQ(ConfigHash(*speed), ConfigHash(Config{}));
  auto rows = LoadText("[dedup]\nrows = 9\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_NE(ConfigHash(*rows), ConfigHash(Config{}));

  auto error = [](const std::string& text) {
    auto r = LoadText(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_NE(error("[dedup]\nbands = 0\n").find("dedup.bands' must be between 1 and 256"), std::string::npos);
  EXPECT_NE(error("[dedup]\nverify_threshold = 1.5\n").find("above 0 and at most 1"), std::string::npos);
  EXPECT_NE(error("[dedup]\nverify = 1\n").find("true or false"), std::string::npos);
  EXPECT_NE(error("[dedup]\nindex = \"runs/a\"\n").find("array of run directories"), std::string::npos);
  EXPECT_NE(error("[dedup]\nmemory_budget = 1000\n").find("between 16777216"), std::string::npos);
  EXPECT_NE(error("[dedup]\nbandz = 3\n").find("not a known key"), std::string::npos);
}

TEST(ConfigTest, ThreadsDoNotChangeTheHash) {
  auto c = LoadText("[run]\nthreads = 7\n");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(ConfigHash(*c), ConfigHash(Config{}));
}

TEST(ConfigTest, MemoryLimit) {
  EXPECT_EQ(Config{}.memory_limit, 0u);
  auto c = LoadText("[run]\nmemory_limit = 8589934592\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->memory_limit, 8ull << 30);
  EXPECT_EQ(ConfigHash(*c), ConfigHash(Config{}));  // execution only
  ASSERT_TRUE(LoadText("[run]\nmemory_limit = 0\n").ok());
  ASSERT_TRUE(LoadText("[run]\nmemory_limit = 67108864\n").ok());

  auto small = LoadText("[run]\nthreads = 2\nmemory_limit = 1000000\n");
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.status().message().find("line 3: 'run.memory_limit'"), std::string::npos) << small.status().message();
  EXPECT_NE(small.status().message().find("at least 67108864"), std::string::npos) << small.status().message();
  auto large = LoadText("[run]\nmemory_limit = 2251799813685248\n");  // 2^51
  ASSERT_FALSE(large.ok());
  EXPECT_NE(large.status().message().find("run.memory_limit' must be between 0 and"), std::string::npos);
  EXPECT_FALSE(LoadText("[run]\nmemory_limit = -1\n").ok());
  EXPECT_FALSE(LoadText("[run]\nmemory_limit = \"4G\"\n").ok());
}

// LoadConfig(ConfigToml(c)) is c again, and ConfigToml a fixed point.
void ExpectRoundTrip(const Config& config) {
  testing::TempDir dir;
  std::string toml = ConfigToml(config);
  testing::WriteFile(dir.File("shown.toml"), toml);
  auto again = LoadConfig(dir.File("shown.toml"));
  ASSERT_TRUE(again.ok()) << again.status().message() << "\n" << toml;
  EXPECT_EQ(ConfigHash(*again), ConfigHash(config));
  EXPECT_EQ(ConfigJson(*again, 0), ConfigJson(config, 0));
  EXPECT_EQ(ConfigToml(*again), toml);
  EXPECT_EQ(again->threads, config.threads);
  EXPECT_EQ(again->memory_limit, config.memory_limit);
  EXPECT_EQ(again->dedup.partitions, config.dedup.partitions);
  EXPECT_EQ(again->dedup.memory_budget, config.dedup.memory_budget);
}

TEST(ConfigTest, TomlOfDefaultsRoundTrips) {
  auto shipped = LoadConfig(testing::SourcePath("configs/default.toml"));
  ASSERT_TRUE(shipped.ok()) << shipped.status().message();
  ExpectRoundTrip(*shipped);
  std::string toml = ConfigToml(*shipped);
  EXPECT_EQ(toml, ConfigToml(Config{}));
  // Sections in the order of configs/default.toml, every key spelled out.
  std::vector<std::string> order = {"[reader]", "[http]", "[extract]", "[quality]", "[rules.language]",
                                    "[rules.c4_strict]", "[[tiers]]\nname = \"extracted\"",
                                    "[[tiers]]\nname = \"high\"", "[tokens]", "[dedup]", "[run]"};
  size_t at = 0;
  for (const std::string& section : order) {
    size_t found = toml.find(section, at);
    EXPECT_NE(found, std::string::npos) << section << " after offset " << at << "\n" << toml;
    if (found != std::string::npos) at = found;
  }
  for (const char* line : {"max_record_bytes = 67108864\n", "gzip_engine = \"isal\"\n", "mode = \"main\"\n",
                           "normal_form = \"nfc\"\n", "min_score = 0.65\n", "dup_10_gram_frac = 0.1\n",
                           "stop_words_language = \"en\"\n", "rules = [\"gopher_quality\", \"c4\", \"fineweb\"]\n",
                           "encodings = [\"cl100k_base\"]\n", "rank_file_pattern = \"cl100k_base\"\n",
                           "memory_budget = 536870912\n", "verify_threshold = 0.7\n", "index = []\n",
                           "threads = 0\n", "memory_limit = 0\n"}) {
    EXPECT_NE(toml.find(line), std::string::npos) << line;
  }
}

TEST(ConfigTest, TomlOfCustomConfigRoundTrips) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("edu.bin"), "model bytes");
  testing::WriteFile(dir.File("c.toml"),
                     "[reader]\nmax_record_bytes = 1048576\ngzip_engine = \"zlib\"\n"
                     "[http]\nmax_payload_bytes = 2048\n"
                     "[extract]\nmode = \"full\"\nmax_depth = 64\n"
                     "[quality]\nnormal_form = \"nfkc\"\nlanguage_min_bytes = 0\nlanguage_sample_bytes = 0\n"
                     "language_quick_sample_bytes = 0\nlanguage_quick_min_score = 0.123\n"
                     "[rules.language]\nmin_score = 0.123456789\nlanguages = [\"en\", \"zh-Hant\"]\n"
                     "[rules.gopher_quality]\nstop_words = [\"a\\\"b\", \"c\\\\d\", \"\u00e9t\u00e9\", \"tab\\there\"]\n"
                     "[rules.short_lines]\nkind = \"fineweb\"\nmax_short_line_ratio = 0.5\nshort_line_length = 1e9\n"
                     "[rules.edu]\nkind = \"classifier\"\nmodel = \"edu.bin\"\nlabel = \"__label__good\"\n"
                     "[[tiers]]\nname = \"any\"\nrules = []\n"
                     "[[tiers]]\nname = \"english\"\nrules = [\"language\", \"short_lines\", \"gopher_quality\"]\n"
                     "[[tiers]]\nname = \"edu\"\nrules = [\"edu\"]\n"
                     "[tokens]\nencodings = [\"o200k_base\", \"gpt2\"]\n"
                     "[dedup]\nenabled = false\nngram = 3\nbands = 20\nrows = 5\nchar_shingles = true\nseed = 7\n"
                     "partitions = 16\nmemory_budget = 33554432\nverify = true\nverify_threshold = 0.85\n"
                     "index = [\"runs/a\", \"/abs/b\"]\n"
                     "[network]\nbase_url = \"http://127.0.0.1:8080/\"\nmax_retries = 2\nbackoff_initial_seconds = 0.25\n"
                     "backoff_max_seconds = 4\nconnect_timeout_seconds = 5\nstall_timeout_seconds = 9.5\n"
                     "max_concurrent_downloads = 3\nrequests_per_second = 0.5\n"
                     "[slurm]\npartition = \"cpu\"\ntasks = 12\ncpus_per_task = 2\nmemory_per_task = \"512M\"\n"
                     "time_limit = \"1-00:00:00\"\nfinish_cpus = 16\nfinish_memory = 65536\n"
                     "extra_sbatch = [\"--account=x\", \"--qos=low\"]\n"
                     "[run]\nthreads = 3\nmemory_limit = 1073741824\n");
  auto c = LoadConfig(dir.File("c.toml"));
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_NE(ConfigHash(*c), ConfigHash(Config{}));
  ExpectRoundTrip(*c);
  std::string toml = ConfigToml(*c);
  EXPECT_NE(toml.find("normal_form = \"nfkc\"\n"), std::string::npos) << toml;
  EXPECT_NE(toml.find("[rules.short_lines]\nkind = \"fineweb\"\n"), std::string::npos) << toml;
  EXPECT_NE(toml.find("model = \"" + dir.File("edu.bin") + "\"\n"), std::string::npos) << toml;
  EXPECT_NE(toml.find("index = [\"" + dir.File("runs/a") + "\", \"/abs/b\"]\n"), std::string::npos) << toml;
  EXPECT_NE(toml.find("stop_words = [\"a\\\"b\", \"c\\\\d\", \"\u00e9t\u00e9\", \"tab\\there\"]\n"),
            std::string::npos)
      << toml;
  EXPECT_NE(toml.find("verify = true\nverify_threshold = 0.85\n"), std::string::npos) << toml;
  EXPECT_NE(toml.find("threads = 3\nmemory_limit = 1073741824\n"), std::string::npos) << toml;
  EXPECT_EQ(c->network.base_url, "http://127.0.0.1:8080");  // trailing slash dropped
  EXPECT_EQ(c->network.fetch.max_retries, 2u);
  EXPECT_EQ(c->network.fetch.stall_timeout_seconds, 9.5);
  EXPECT_EQ(c->network.requests_per_second, 0.5);
  EXPECT_NE(toml.find("[network]\nbase_url = \"http://127.0.0.1:8080\"\nmax_retries = 2\n"), std::string::npos) << toml;
}

TEST(ConfigTest, SlurmKeysAreCheckedAndLeaveTheHashAlone) {
  auto c = LoadText("[slurm]\ntasks = 7\nmemory_per_task = \"16G\"\nextra_sbatch = [\"--account=a\"]\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(ConfigHash(*c), ConfigHash(Config{}));
  EXPECT_EQ(c->slurm.tasks, 7u);
  EXPECT_EQ(c->slurm.memory_per_task, "16G");
  for (const char* bad : {"[slurm]\nmemory_per_task = \"lots\"\n", "[slurm]\nmemory_per_task = \"8GB\"\n",
                          "[slurm]\nextra_sbatch = [\"account=a\"]\n", "[slurm]\ncpus_per_task = 0\n"}) {
    auto r = LoadText(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("slurm."), std::string::npos) << r.status().message();
  }
}

TEST(ConfigTest, NetworkKeysAreCheckedAndLeaveTheHashAlone) {
  auto c = LoadText("[network]\nmax_retries = 3\nrequests_per_second = 2\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(ConfigHash(*c), ConfigHash(Config{}));
  auto bad_url = LoadText("[network]\nbase_url = \"ftp://x\"\n");
  ASSERT_FALSE(bad_url.ok());
  EXPECT_NE(bad_url.status().message().find("network.base_url"), std::string::npos) << bad_url.status().message();
  auto bad_rate = LoadText("[network]\nrequests_per_second = -1\n");
  ASSERT_FALSE(bad_rate.ok());
  EXPECT_NE(bad_rate.status().message().find("line 2"), std::string::npos) << bad_rate.status().message();
}

TEST(ConfigTest, TomlWritesRankFilesByResolvedPath) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("mine.tiktoken"), testing::ReadFile(testing::SharedPath("tokenizers/r50k_base.tiktoken")));
  testing::WriteFile(dir.File("c.toml"),
                     "[tokens]\nencodings = [\"cl100k_base\", \"mine.tiktoken\"]\nrank_file_pattern = \"r50k_base\"\n");
  auto c = LoadConfig(dir.File("c.toml"));
  ASSERT_TRUE(c.ok()) << c.status().message();
  std::string toml = ConfigToml(*c);
  EXPECT_NE(toml.find("encodings = [\"cl100k_base\", \"" + dir.File("mine.tiktoken") +
                      "\"]\nrank_file_pattern = \"r50k_base\"\n"),
            std::string::npos)
      << toml;
  testing::TempDir other;
  testing::WriteFile(other.File("shown.toml"), toml);
  auto again = LoadConfig(other.File("shown.toml"));
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->encodings[1].sha256, c->encodings[1].sha256);
  EXPECT_EQ(again->encodings[1].pattern, "r50k_base");
  EXPECT_EQ(ConfigToml(*again), toml);
  // The rank file is reported under its file name, written relative or
  // resolved: the shown config is the same configuration (the config fuzzer
  // found the name changing from "mine.tiktoken" to the absolute path).
  EXPECT_EQ(EncodingNames(*c), (std::vector<std::string>{"cl100k_base", "mine.tiktoken"}));
  EXPECT_EQ(EncodingNames(*again), EncodingNames(*c));
  EXPECT_EQ(ConfigJson(*again, 0), ConfigJson(*c, 0));
  EXPECT_EQ(ConfigHash(*again), ConfigHash(*c));

  // Two rank files with one file name would be one column: an error.
  std::filesystem::create_directories(dir.File("sub"));
  testing::WriteFile(dir.File("sub/mine.tiktoken"), testing::ReadFile(dir.File("mine.tiktoken")));
  testing::WriteFile(dir.File("two.toml"), "[tokens]\nencodings = [\"mine.tiktoken\", \"sub/mine.tiktoken\"]\n");
  auto two = LoadConfig(dir.File("two.toml"));
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.status().message().find("two encodings reported as 'mine.tiktoken'"), std::string::npos)
      << two.status().message();
  // A path that can only be a folder has no file name to report.
  for (const char* folder : {"sub/", "..", "sub/.", "/"}) {
    testing::WriteFile(dir.File("folder.toml"), std::string("[tokens]\nencodings = [\"") + folder + "\"]\n");
    auto loaded = LoadConfig(dir.File("folder.toml"));
    ASSERT_FALSE(loaded.ok()) << folder;
    EXPECT_NE(loaded.status().message().find("names a folder, not a rank file"), std::string::npos)
        << loaded.status().message();
  }
}

TEST(ConfigTest, ErrorsNameFileLineAndKey) {
  auto typo = LoadText("[reader]\n\nmax_recrod_bytes = 5\n");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("line 3"), std::string::npos) << typo.status().message();
  EXPECT_NE(typo.status().message().find("reader.max_recrod_bytes"), std::string::npos);
  EXPECT_NE(typo.status().message().find("not a known key"), std::string::npos);

  auto type = LoadText("[reader]\nmax_record_bytes = \"big\"\n");
  ASSERT_FALSE(type.ok());
  EXPECT_NE(type.status().message().find("must be an integer"), std::string::npos);

  // A float where an integer belongs is a type error, never a conversion:
  // 1e300 and inf do not fit an integer (casting them is undefined behaviour,
  // which the sanitizer build checks), 2.0 would fit but is still a float.
  for (const char* value : {"1e300", "-1e300", "inf", "nan", "2.0"}) {
    auto flt = LoadText(std::string("[run]\nthreads = ") + value + "\n");
    ASSERT_FALSE(flt.ok()) << value;
    EXPECT_NE(flt.status().message().find("run.threads' must be an integer"), std::string::npos)
        << flt.status().message();
  }

  auto range = LoadText("[reader]\nmax_record_bytes = 10\n");
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.status().message().find("between 1024 and"), std::string::npos);

  auto choice = LoadText("[reader]\ngzip_engine = \"fast\"\n");
  ASSERT_FALSE(choice.ok());
  EXPECT_NE(choice.status().message().find("\"isal\", \"zlib\""), std::string::npos);

  auto section = LoadText("[readr]\n");
  ASSERT_FALSE(section.ok());
  EXPECT_NE(section.status().message().find("not a known section"), std::string::npos);

  auto syntax = LoadText("[reader\nx=1\n");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("line 1"), std::string::npos) << syntax.status().message();

  auto missing = LoadConfig("/nonexistent/stocktake.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/stocktake.toml"), std::string::npos);
  for (const auto* r : {&typo, &type, &range, &choice, &section, &syntax, &missing}) {
    EXPECT_EQ(r->status().message().find('\n'), std::string::npos) << "messages are one line";
  }
}

}  // namespace
}  // namespace stocktake::pipeline
