// Extraction quality on pages with a reference extraction: each folder of a
// directory holds source.html (the page) and expected.html (the reference
// article, e.g. Readability's output in ../shared/corpus/extraction). Used by
// the golden test and by bench/stocktake-eval-extraction.
#ifndef STOCKTAKE_PIPELINE_EXTRACTION_EVAL_H_
#define STOCKTAKE_PIPELINE_EXTRACTION_EVAL_H_

#include <string>
#include <vector>

#include "crawler/extractor.h"
#include "stats/extraction_score.h"

namespace stocktake::pipeline {

struct PageScore {
  std::string page;  // folder name
  stats::ShingleMatch match;
  double precision = 0, recall = 0, f1 = 0;
};

// Scores every page folder of `dir` (sorted by name). The page is decoded as
// UTF-8 when it is valid UTF-8 (the reference files were saved that way),
// else by its declared charset; the reference text is the full-mode text of
// expected.html.
std::vector<PageScore> EvaluateExtraction(const std::string& dir, crawler::ExtractMode mode);

stats::ExtractionScore Overall(const std::vector<PageScore>& pages);

// "page\tprecision\trecall\tf1" lines with a header, 4 decimals.
std::string ScoresTsv(const std::vector<PageScore>& pages);

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_EXTRACTION_EVAL_H_
