// Golden end-to-end run: `stocktake run` (default configuration, two
// threads) over every file of ../shared/corpus/warc must reproduce the
// checked-in stats.json and stats.csv byte for byte. Any change to a number
// shows up here and has to be looked at and accepted:
//
//   STOCKTAKE_UPDATE_GOLDEN=1 build/tests/golden_run_test
//
// rewrites tests/golden/corpus_warc/ (review the diff before committing).
// Input paths are written relative to the shared folder so the files do not
// depend on where the corpus lives.
#include <gtest/gtest.h>

#include <cstdlib>

#include "pipeline/config.h"
#include "pipeline/default_model.h"
#include "pipeline/inputs.h"
#include "pipeline/run.h"
#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

std::string Relative(std::string text, const std::string& prefix) {
  for (size_t at; (at = text.find(prefix)) != std::string::npos;) text.erase(at, prefix.size());
  return text;
}

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
  const std::string prefix = testing::SharedPath("");
  for (const char* name : {"stats.json", "stats.csv"}) {
    const std::string actual = Relative(testing::ReadFile(dir.File(std::string("run/") + name)), prefix);
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
