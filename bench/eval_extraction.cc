// stocktake-eval-extraction: article-body F1 of the extractor on pages with
// an expected extraction (each folder: source.html, expected.html), with the
// metric of stats/extraction_score.h. Prints one line per page and the
// aggregate; --tsv writes the per-page scores.
//
// Usage: stocktake-eval-extraction [--mode main|full] [--tsv FILE] DIR
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/byte_source.h"
#include "crawler/charset.h"
#include "crawler/extractor.h"
#include "stats/extraction_score.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  stocktake::crawler::ExtractMode mode = stocktake::crawler::ExtractMode::kMain;
  std::string tsv, dir;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--mode" && i + 1 < argc) {
      if (!stocktake::crawler::ParseExtractMode(argv[++i], &mode)) {
        std::fprintf(stderr, "stocktake-eval-extraction: --mode is main or full\n");
        return 2;
      }
    } else if (a == "--tsv" && i + 1 < argc) {
      tsv = argv[++i];
    } else {
      dir = a;
    }
  }
  if (dir.empty()) {
    std::fprintf(stderr, "usage: stocktake-eval-extraction [--mode main|full] [--tsv FILE] DIR\n");
    return 2;
  }
  std::vector<std::string> pages;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_directory() && fs::exists(e.path() / "source.html") && fs::exists(e.path() / "expected.html")) {
      pages.push_back(e.path().filename().string());
    }
  }
  std::sort(pages.begin(), pages.end());
  stocktake::crawler::ExtractOptions options;
  options.mode = mode;
  stocktake::crawler::Extractor extractor(options);
  stocktake::crawler::ExtractOptions full_options;
  full_options.mode = stocktake::crawler::ExtractMode::kFull;
  stocktake::crawler::Extractor full(full_options);
  stocktake::crawler::CharsetConverter charset;
  std::vector<stocktake::stats::ShingleMatch> matches;
  std::string out = "page\tprecision\trecall\tf1\n";
  for (const std::string& page : pages) {
    auto source = stocktake::ReadFileToString((fs::path(dir) / page / "source.html").string());
    auto expected = stocktake::ReadFileToString((fs::path(dir) / page / "expected.html").string());
    if (!source.ok() || !expected.ok()) continue;
    std::string source_utf8(charset.ToUtf8(*source, "", true).text);
    std::string predicted(extractor.Extract(source_utf8).text);
    std::string truth(full.Extract(*expected).text);
    stocktake::stats::ShingleMatch m = stocktake::stats::MatchShingles(truth, predicted);
    matches.push_back(m);
    double p = stocktake::stats::PagePrecision(m), r = stocktake::stats::PageRecall(m);
    double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    out += fmt::format("{}\t{:.4f}\t{:.4f}\t{:.4f}\n", page, p, r, f);
  }
  stocktake::stats::ExtractionScore s = stocktake::stats::Aggregate(matches);
  std::fputs(out.c_str(), stdout);
  std::printf("ALL (%zu pages, mode %s)\tprecision %.4f\trecall %.4f\tF1 %.4f\n", s.pages,
              std::string(stocktake::crawler::ExtractModeName(mode)).c_str(), s.precision, s.recall, s.f1);
  if (!tsv.empty()) {
    std::ofstream f(tsv);
    f << out;
  }
  return 0;
}
