#include "pipeline/text_measure.h"

#include "stats/word_count.h"

namespace stocktake::pipeline {

TextMeasurer::TextMeasurer(std::vector<std::shared_ptr<const stats::Encoding>> encodings, bool words)
    : encodings_(std::move(encodings)), words_(words) {
  if (encodings_.size() > kMaxEncodings) encodings_.resize(kMaxEncodings);
  scratch_.resize(encodings_.size());
}

TextSize TextMeasurer::Measure(std::string_view text, const std::vector<std::string_view>* segments) {
  TextSize size;
  size.bytes = text.size();
  if (words_) {
    size.words = stats::CountWhitespaceWords(text);
    size.words_uax29 = segments != nullptr ? quality::Segmenter::CountWordSegments(*segments)
                                           : segmenter_.CountWords(text, &segments_);
  }
  for (size_t e = 0; e < encodings_.size(); ++e) size.tokens[e] = encodings_[e]->Count(text, &scratch_[e]);
  return size;
}

}  // namespace stocktake::pipeline
