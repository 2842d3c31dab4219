// stocktake-eval-extraction: article-body scores of the extractor on pages
// with a reference extraction (pipeline/extraction_eval.h). Prints one line
// per page and the aggregate; --tsv writes the per-page scores (this is how
// tests/crawler/golden/readability_*.tsv are produced).
//
// Usage: stocktake-eval-extraction [--mode main|full] [--tsv FILE] DIR
#include <cstdio>
#include <fstream>
#include <string>

#include "pipeline/extraction_eval.h"

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
  auto pages = stocktake::pipeline::EvaluateExtraction(dir, mode);
  std::string table = stocktake::pipeline::ScoresTsv(pages);
  std::fputs(table.c_str(), stdout);
  auto s = stocktake::pipeline::Overall(pages);
  std::printf("ALL (%zu pages, mode %s)\tprecision %.4f\trecall %.4f\tF1 %.4f\n", s.pages,
              std::string(stocktake::crawler::ExtractModeName(mode)).c_str(), s.precision, s.recall, s.f1);
  if (!tsv.empty()) std::ofstream(tsv) << table;
  return 0;
}
