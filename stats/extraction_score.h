// Article-body extraction scores, as the Scrapinghub article-extraction
// benchmark computes them (../shared/REFERENCES.md): texts are split into
// \w+ tokens (Unicode letters, numbers, underscore), turned into 4-token
// shingles counted as multisets, and compared per page as true positives,
// false positives and false negatives normalized to sum to 1. Precision and
// recall are averaged over pages (pages with no predicted or no expected
// shingles are left out of the respective average) and F1 is taken of those
// averages. Pure functions; thread-safe.
#ifndef STOCKTAKE_STATS_EXTRACTION_SCORE_H_
#define STOCKTAKE_STATS_EXTRACTION_SCORE_H_

#include <string>
#include <string_view>
#include <vector>

namespace stocktake::stats {

struct ShingleMatch {
  double tp = 0, fp = 0, fn = 0;  // normalized so that tp + fp + fn == 1 (or all 0)
};

ShingleMatch MatchShingles(std::string_view expected, std::string_view predicted);

// Precision and recall of one page (the benchmark's precision_score/recall_score).
double PagePrecision(const ShingleMatch& m);
double PageRecall(const ShingleMatch& m);

struct ExtractionScore {
  double precision = 0, recall = 0, f1 = 0;
  size_t pages = 0;
};

ExtractionScore Aggregate(const std::vector<ShingleMatch>& pages);

// The \w+ tokens of `text`.
std::vector<std::string> WordTokens(std::string_view text);

}  // namespace stocktake::stats

#endif  // STOCKTAKE_STATS_EXTRACTION_SCORE_H_
