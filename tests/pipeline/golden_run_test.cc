// Golden end-to-end run: `stocktake run` (default configuration, two
// threads) over every file of ../shared/corpus/warc must reproduce the
// checked-in stats.json and stats.csv byte for byte, and dedup/clusters.tsv
// to its checked-in SHA-256 (the file is 1 MB; DedupDeterminismTest checks
// other thread and partition counts against the same three). Any change to a number
// shows up here and has to be looked at and accepted:
//
//   STOCKTAKE_UPDATE_GOLDEN=1 build/tests/golden_run_test
//
// rewrites tests/golden/corpus_warc/ (review the diff before committing).
// Input paths are written relative to the shared folder so the files do not
// depend on where the corpus lives.
#include <gtest/gtest.h>

#include <cstdlib>
#include <utility>

#include "common/hash.h"
#include "pipeline/config.h"
#include "pipeline/default_model.h"
#include "pipeline/inputs.h"
#include "pipeline/run.h"
#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

TEST(GoldenRunTest, CorpusStatsMatchTheCheckedInFiles) {
  auto config = LoadConfig(testing::SourcePath("configs/default.toml"));
  ASSERT_TRUE(config.ok()) << config.status().message();
  auto inputs = ExpandInputs({testing::SharedPath("corpus/warc")});
  ASSERT_TRUE(inputs.ok());
  ASSERT_GT(inputs->size(), 100u);
  auto model = LoadQualityModel(*config);
  ASSERT_TRUE(model.ok());
  testing::TempDir dir;
  RunSummary summary;
  Status st = RunMeasurement(*config, **model, dir.File("run"), *inputs, {2}, &summary);
  ASSERT_TRUE(st.ok()) << st.message();

  const bool update = std::getenv("STOCKTAKE_UPDATE_GOLDEN") != nullptr;
  const auto run_file = [&](const char* name) { return testing::WithoutSharedPrefix(testing::ReadFile(dir.File(name))); };
  const std::pair<const char*, std::string> outputs[] = {
      {"stats.json", run_file("run/stats.json")},
      {"stats.csv", run_file("run/stats.csv")},
      {"clusters.tsv.sha256", Sha256Hex(run_file("run/dedup/clusters.tsv")) + "\n"}};
  for (const auto& [name, actual] : outputs) {
    const std::string golden_path = testing::SourcePath(std::string("tests/golden/corpus_warc/") + name);
    if (update) {
      testing::WriteFile(golden_path, actual);
      continue;
    }
    const std::string expected = testing::ReadFile(golden_path);
    if (actual != expected) {
      const std::string kept = "/tmp/stocktake-golden-" + std::string(name);
      testing::WriteFile(kept, actual);
      ADD_FAILURE() << name << " differs from " << golden_path << "; this run's is in " << kept
                    << " (diff them; if the change is intended, rerun with STOCKTAKE_UPDATE_GOLDEN=1)";
    }
  }
}

}  // namespace
}  // namespace stocktake::pipeline
