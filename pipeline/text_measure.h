// Measuring one version of a document's text: bytes, whitespace words,
// UAX #29 words and tokens in each configured encoding. `run` measures every
// version a tier or rule sees; `tokens` measures files and JSON lines.
// Not thread-safe: one per thread (it owns a segmenter and token scratch).
#ifndef STOCKTAKE_PIPELINE_TEXT_MEASURE_H_
#define STOCKTAKE_PIPELINE_TEXT_MEASURE_H_

#include <memory>
#include <string_view>
#include <vector>

#include "pipeline/quality_counts.h"
#include "quality/segment.h"
#include "stats/tokenizer.h"

namespace stocktake::pipeline {

class TextMeasurer {
 public:
  // At most kMaxEncodings encodings; further ones are ignored. Without
  // `words`, the word counts are left at 0 (no segmentation).
  explicit TextMeasurer(std::vector<std::shared_ptr<const stats::Encoding>> encodings, bool words = true);

  size_t encodings() const { return encodings_.size(); }

  // `segments`, when given, are the text's UAX #29 word segments already
  // computed elsewhere (the quality stage's), so the text is not segmented
  // again.
  TextSize Measure(std::string_view text, const std::vector<std::string_view>* segments = nullptr);

 private:
  std::vector<std::shared_ptr<const stats::Encoding>> encodings_;
  bool words_;
  std::vector<stats::TokenScratch> scratch_;  // per encoding: each has its piece cache
  quality::Segmenter segmenter_;
  std::vector<std::string_view> segments_;
};

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_TEXT_MEASURE_H_
