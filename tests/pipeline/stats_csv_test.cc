#include "pipeline/stats_csv.h"

#include <gtest/gtest.h>

namespace stocktake::pipeline {
namespace {

TextTotals Totals(uint64_t documents, uint64_t tokens0 = 0, uint64_t tokens1 = 0) {
  TextTotals t;
  t.documents = documents;
  t.bytes = documents * 100;
  t.words = documents * 10;
  t.words_uax29 = documents * 11;
  t.tokens[0] = tokens0;
  t.tokens[1] = tokens1;
  return t;
}

DedupTotals Stages(uint64_t total, uint64_t after_exact, uint64_t unique, uint64_t new_unique) {
  DedupTotals d;
  d.total = Totals(total, total * 20);
  d.after_exact = Totals(after_exact, after_exact * 20);
  d.unique = Totals(unique, unique * 20);
  d.new_unique = Totals(new_unique, new_unique * 20);
  return d;
}

std::vector<std::string> Lines(const std::string& csv) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < csv.size()) {
    size_t end = csv.find("\r\n", start);
    EXPECT_NE(end, std::string::npos) << "every line ends in CRLF";
    if (end == std::string::npos) break;
    lines.push_back(csv.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

TEST(StatsCsvTest, QualityTotalsWithoutDedup) {
  QualityCounts q;
  q.tiers = {Totals(5, 500, 450), Totals(2, 200, 180)};
  q.tiers_by_language["fr"] = {Totals(1, 100, 90), Totals(0)};  // no documents in tier 1: no row
  q.tiers_by_language["en"] = {Totals(4, 400, 360), Totals(2, 200, 180)};
  std::vector<std::string> lines = Lines(StatsCsv({"extracted", "clean"}, {"cl100k_base", "o200k_base"}, q, nullptr));
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "tier,language,stage,documents,bytes,words,words_uax29,tokens_cl100k_base,tokens_o200k_base",
                       "extracted,all,total,5,500,50,55,500,450",
                       "extracted,en,total,4,400,40,44,400,360",
                       "extracted,fr,total,1,100,10,11,100,90",
                       "clean,all,total,2,200,20,22,200,180",
                       "clean,en,total,2,200,20,22,200,180",
                   }));
}

TEST(StatsCsvTest, DedupStagesAndNewUniqueOnlyWithIndexRuns) {
  QualityCounts q;
  q.tiers = {Totals(99)};  // ignored with dedup
  DedupReport d;
  d.enabled = true;
  d.tiers = {Stages(6, 5, 4, 3)};
  d.tiers_by_language["zh"] = {Stages(2, 2, 1, 1)};
  d.tiers_by_language["de"] = {Stages(0, 0, 0, 0)};
  std::string header = "tier,language,stage,documents,bytes,words,words_uax29,tokens_cl100k_base";
  EXPECT_EQ(Lines(StatsCsv({"extracted"}, {"cl100k_base"}, q, &d)),
            (std::vector<std::string>{
                header,
                "extracted,all,total,6,600,60,66,120",
                "extracted,all,after_exact,5,500,50,55,100",
                "extracted,all,unique,4,400,40,44,80",
                "extracted,zh,total,2,200,20,22,40",
                "extracted,zh,after_exact,2,200,20,22,40",
                "extracted,zh,unique,1,100,10,11,20",
            }));

  d.index_runs = {"/runs/earlier"};
  std::vector<std::string> lines = Lines(StatsCsv({"extracted"}, {"cl100k_base"}, q, &d));
  ASSERT_EQ(lines.size(), 9u);
  EXPECT_EQ(lines[4], "extracted,all,new_unique,3,300,30,33,60");
  EXPECT_EQ(lines[8], "extracted,zh,new_unique,1,100,10,11,20");

  d.enabled = false;  // a disabled report is no report
  EXPECT_EQ(Lines(StatsCsv({"extracted"}, {"cl100k_base"}, q, &d))[1], "extracted,all,total,99,9900,990,1089,0");
}

TEST(StatsCsvTest, FieldsAreQuotedOnlyWhenNeeded) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");

  QualityCounts q;
  q.tiers = {Totals(1, 7)};
  q.tiers_by_language["x\"y"] = {Totals(1, 7)};
  std::vector<std::string> lines = Lines(StatsCsv({"good,better"}, {"my,ranks.tiktoken"}, q, nullptr));
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "tier,language,stage,documents,bytes,words,words_uax29,\"tokens_my,ranks.tiktoken\"",
                       "\"good,better\",all,total,1,100,10,11,7",
                       "\"good,better\",\"x\"\"y\",total,1,100,10,11,7",
                   }));
}

TEST(StatsCsvTest, EmptyCountsGiveOnlyTheHeader) {
  QualityCounts q;
  EXPECT_EQ(StatsCsv({"extracted", "clean"}, {"cl100k_base"}, q, nullptr),
            "tier,language,stage,documents,bytes,words,words_uax29,tokens_cl100k_base\r\n");
}

}  // namespace
}  // namespace stocktake::pipeline
