// Our language ID against Common Crawl's: the crawl labels every page with
// CLD2 in its metadata records ("languages-cld2"). On every file of the
// shared corpus that carries those labels, our top language must agree with
// Common Crawl's on at least 95% of the pages.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <map>
#include <string>

#include "common/byte_source.h"
#include "crawler/record_reader.h"
#include "pipeline/default_model.h"
#include "pipeline/document_pass.h"
#include "test_support/test_support.h"

namespace stocktake::pipeline {
namespace {

// URL -> Common Crawl's top language.
std::map<std::string, std::string> CommonCrawlLanguages(const std::string& path) {
  std::map<std::string, std::string> out;
  auto source = FileSource::Open(path);
  EXPECT_TRUE(source.ok()) << path;
  if (!source.ok()) return out;
  crawler::RecordReader reader(std::move(*source));
  simdjson::dom::parser parser;
  constexpr std::string_view kKey = "languages-cld2: ";
  while (const crawler::Record* rec = reader.Next()) {
    if (rec->type != "metadata") continue;
    size_t at = rec->body.find(kKey);
    if (at == std::string_view::npos) continue;
    std::string_view json = rec->body.substr(at + kKey.size());
    json = json.substr(0, json.find('\n'));
    simdjson::dom::element doc;
    if (parser.parse(json.data(), json.size()).get(doc)) continue;
    simdjson::dom::array languages;
    if (doc["languages"].get(languages) || languages.size() == 0) continue;
    std::string_view code;
    if (languages.at(0)["code"].get(code)) continue;
    out[std::string(rec->target_uri)] = std::string(code);
  }
  return out;
}

TEST(LanguageAgreementTest, TopLanguageAgreesWithCommonCrawlCld2) {
  size_t compared = 0, agreed = 0;
  for (const char* file : {"chatnoir-eu+chatnoir-resiliparse/tests/data/warcfile.warc.gz",
                           "chatnoir-eu+chatnoir-resiliparse/tests/data/warcfile.warc",
                           "chatnoir-eu+chatnoir-resiliparse/tests/data/warcfile.warc.lz4"}) {
    std::string path = testing::CorpusFile(file);
    std::map<std::string, std::string> cc = CommonCrawlLanguages(path);
    EXPECT_GE(cc.size(), 15u) << file;
    ExtractDocuments(path, Config{}, *DefaultModel(), [&](const ExtractedRecord& r) {
      auto it = cc.find(std::string(r.url));
      if (it == cc.end() || r.language == nullptr) return;
      ++compared;
      if (r.language->code == it->second) {
        ++agreed;
      } else {
        ADD_FAILURE() << "disagree on " << r.url << ": ours " << r.language->code << " (" << r.language_source
                      << "), Common Crawl " << it->second;
      }
    });
  }
  std::printf("language agreement with Common Crawl: %zu of %zu pages\n", agreed, compared);
  EXPECT_GE(compared, 45u);
  EXPECT_GE(static_cast<double>(agreed), 0.95 * static_cast<double>(compared)) << agreed << " of " << compared;
}

}  // namespace
}  // namespace stocktake::pipeline
