#include "pipeline/document_pass.h"

#include <gtest/gtest.h>

#include "test_support/test_support.h"
#include "pipeline/default_model.h"

namespace stocktake::pipeline {
namespace {

void ExpectFunnelOrdered(const InputResult& r) {
  const Funnel& f = r.funnel;
  EXPECT_LE(f.html_200, f.status_200);
  EXPECT_LE(f.status_200, f.http_responses);
  EXPECT_LE(f.http_responses, f.response_records);
  EXPECT_LE(f.response_records, f.records);
  EXPECT_LE(f.documents, f.html_200 + f.text_records);
  EXPECT_EQ(f.records, r.records.Total());
  EXPECT_EQ(r.documents, f.documents);
  EXPECT_EQ(r.text_keys.size(), r.documents);
}

TEST(DocumentPassTest, CommonCrawlWarcGivesDocumentsWithCharsets) {
  InputResult r =
      ScanInput(testing::CorpusFile("chatnoir-eu+chatnoir-resiliparse/tests/data/warcfile.warc.gz"), Config{}, DefaultModel());
  EXPECT_TRUE(r.readable);
  EXPECT_EQ(r.format, "warc");
  EXPECT_EQ(r.compression, "gzip");
  EXPECT_EQ(r.members, 50u);
  EXPECT_EQ(r.records.Get("response"), 16u);
  EXPECT_EQ(r.html_responses, 16u);  // INVENTORY: 16/16 HTTP responses HTML
  EXPECT_GT(r.documents, 10u);
  EXPECT_GT(r.words, r.documents * 20);
  // GBK/GB2312, windows-1251 and Latin-1 pages are in this excerpt.
  EXPECT_GT(r.charsets.Get("GBK"), 0u);
  EXPECT_GT(r.charsets.Get("windows-1251"), 0u);
  ExpectFunnelOrdered(r);
}

// Every identified document counts what CLD2 read for it; turning the
// quick sample off moves its documents to the full sample or the whole
// text, and with no sampling at all every text is read whole.
TEST(DocumentPassTest, LanguageSamplesCountWhatLanguageIdRead) {
  const std::string path =
      testing::CorpusFile("jeffharwell+CommonCrawlScalaTools/warcparser/src/test/resources/filter_test_1.wet.gz");
  InputResult sampled = ScanInput(path, Config{}, DefaultModel());
  const Counts& read = sampled.quality.language_samples;
  EXPECT_EQ(read.Total(), sampled.documents);
  EXPECT_GT(read.Get("quick_sample"), 0u);
  EXPECT_GT(read.Get("whole_text") + read.Get("full_sample"), 0u);
  for (const auto& [name, n] : read.map()) {
    EXPECT_TRUE(name == "quick_sample" || name == "full_sample" || name == "whole_text") << name;
  }

  Config no_quick;
  no_quick.language_quick_sample_bytes = 0;
  const Counts full = ScanInput(path, no_quick, DefaultModel()).quality.language_samples;
  // A text between the quick and the full sample's size is read whole
  // unless the quick sample decides it.
  EXPECT_EQ(full.Get("quick_sample"), 0u);
  EXPECT_EQ(full.Total(), read.Total());
  EXPECT_GT(full.Get("full_sample"), read.Get("full_sample"));
  EXPECT_GT(full.Get("whole_text"), read.Get("whole_text"));

  Config whole = no_quick;
  whole.language_sample_bytes = 0;
  const Counts all = ScanInput(path, whole, DefaultModel()).quality.language_samples;
  EXPECT_EQ(all.Get("whole_text"), sampled.documents);
  EXPECT_EQ(all.size(), 1u);
}

TEST(DocumentPassTest, MainAndFullModesCountTheirOutcomes) {
  std::string path = testing::CorpusFile("oduwsdl+ipwb/samples/warcs/sample-1.warc.gz");
  Config full;
  full.extract.mode = crawler::ExtractMode::kFull;
  InputResult m = ScanInput(path, Config{}, DefaultModel());
  InputResult f = ScanInput(path, full, DefaultModel());
  EXPECT_EQ(m.documents, f.documents);
  EXPECT_LT(m.words, f.words);  // boilerplate removed
  EXPECT_EQ(m.main_content.Total(), m.funnel.html_200);
  EXPECT_GT(m.main_content.Get("article"), 0u);
  EXPECT_TRUE(f.main_content.empty());
}

TEST(DocumentPassTest, WetConversionRecordsAreDocuments) {
  InputResult r = ScanInput(
      testing::CorpusFile("jeffharwell+CommonCrawlScalaTools/warcparser/src/test/resources/filter_test_1.wet.gz"),
      Config{}, DefaultModel());
  EXPECT_EQ(r.funnel.text_records, 25u);
  EXPECT_EQ(r.documents_by_source.Get("wet"), r.documents);
  EXPECT_GE(r.documents, 24u);
  ExpectFunnelOrdered(r);
}

TEST(DocumentPassTest, InspectAndRunAgreeOnSharedCounts) {
  std::string path = testing::CorpusFile("archivesunleashed+aut/src/test/resources/warc/example.warc.gz");
  InputResult inspect = ScanInput(path, Config{}, nullptr);
  InputResult run = ScanInput(path, Config{}, DefaultModel());
  EXPECT_EQ(inspect.records, run.records);
  EXPECT_EQ(inspect.http_responses, run.http_responses);
  EXPECT_EQ(inspect.html_responses, run.html_responses);
  EXPECT_EQ(inspect.charsets, run.charsets);
  EXPECT_EQ(inspect.documents, 0u);
  EXPECT_EQ(run.html_responses, 140u);  // INVENTORY: 140/261 HTTP responses HTML
  EXPECT_EQ(run.http_responses, 261u);
}

TEST(DocumentPassTest, GzipEnginesGiveIdenticalResults) {
  std::string path = testing::CorpusFile("oduwsdl+ipwb/samples/warcs/sample-1.warc.gz");
  Config zlib;
  zlib.gzip_engine = "zlib";
  InputResult a = ScanInput(path, Config{}, DefaultModel());
  InputResult b = ScanInput(path, zlib, DefaultModel());
  EXPECT_EQ(a.records, b.records);
  EXPECT_EQ(a.words, b.words);
  EXPECT_EQ(a.text_bytes, b.text_bytes);
  EXPECT_EQ(a.text_keys, b.text_keys);
}

TEST(DocumentPassTest, UnreadableInputIsReportedNotFatal) {
  testing::TempDir dir;
  InputResult r = ScanInput(dir.path(), Config{}, DefaultModel());  // a directory cannot be read as a file
  EXPECT_FALSE(r.readable);
  EXPECT_NE(r.failure.find("is a directory"), std::string::npos);
  EXPECT_EQ(r.documents, 0u);
}

}  // namespace
}  // namespace stocktake::pipeline
