// Extraction evaluation: extractor output against reference articles with
// the benchmark metric of stats/extraction_score.h.
#include "pipeline/extraction_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "common/byte_source.h"
#include "crawler/charset.h"

namespace stocktake::pipeline {

namespace fs = std::filesystem;

std::vector<PageScore> EvaluateExtraction(const std::string& dir, crawler::ExtractMode mode) {
  std::vector<std::string> pages;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory() && fs::exists(e.path() / "source.html") && fs::exists(e.path() / "expected.html")) {
      pages.push_back(e.path().filename().string());
    }
  }
  std::sort(pages.begin(), pages.end());
  crawler::ExtractOptions options;
  options.mode = mode;
  crawler::Extractor extractor(options);
  crawler::ExtractOptions reference_options;
  reference_options.mode = crawler::ExtractMode::kFull;
  crawler::Extractor reference(reference_options);
  crawler::CharsetConverter charset;
  std::vector<PageScore> scores;
  for (const std::string& page : pages) {
    auto source = ReadFileToString((fs::path(dir) / page / "source.html").string());
    auto expected = ReadFileToString((fs::path(dir) / page / "expected.html").string());
    if (!source.ok() || !expected.ok()) continue;
    std::string html(charset.ToUtf8(*source, "", /*html=*/true).text);
    std::string predicted(extractor.Extract(html).text);
    std::string truth(reference.Extract(*expected).text);
    PageScore s;
    s.page = page;
    s.match = stats::MatchShingles(truth, predicted);
    s.precision = stats::PagePrecision(s.match);
    s.recall = stats::PageRecall(s.match);
    s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
    scores.push_back(std::move(s));
  }
  return scores;
}

stats::ExtractionScore Overall(const std::vector<PageScore>& pages) {
  std::vector<stats::ShingleMatch> matches;
  for (const PageScore& p : pages) matches.push_back(p.match);
  return stats::Aggregate(matches);
}

std::string ScoresTsv(const std::vector<PageScore>& pages) {
  std::string out = "page\tprecision\trecall\tf1\n";
  for (const PageScore& p : pages) out += fmt::format("{}\t{:.4f}\t{:.4f}\t{:.4f}\n", p.page, p.precision, p.recall, p.f1);
  return out;
}

}  // namespace stocktake::pipeline
