// Measuring one version of a document's text: bytes, whitespace words,
// UAX #29 words and tokens in each configured encoding. `run` measures every
// version a tier or rule sees; `tokens` measures files and JSON lines.
// Not thread-safe: one per thread (it owns a segmenter and token scratch).
//
// The versions of one document share most of their lines (C4 keeps lines,
// C4 with its punctuation rule keeps some of those), so MeasureVersion cuts
// a text into units at line breaks where every split pattern starts a new
// piece whatever follows (SafeCut), measures each unit once per document and
// adds them up. Tokens, words and UAX #29 words are all sums over such units
// (no piece and no word crosses one of those line breaks), so the result is
// the same as measuring the whole text; the tests check it. UAX #29 words
// are also sums over lines: a line of a later version that is a line of the
// document (C4 keeps lines whole) takes the document's count for it.
#ifndef STOCKTAKE_PIPELINE_TEXT_MEASURE_H_
#define STOCKTAKE_PIPELINE_TEXT_MEASURE_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>
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

  // Forgets the units of the previous document.
  void BeginDocument();
  // The same as Measure(text, segments), reusing the units of the texts
  // measured since BeginDocument: those texts must stay valid until the
  // next BeginDocument.
  TextSize MeasureVersion(std::string_view text, const std::vector<std::string_view>* segments = nullptr);

  // True if every split pattern (and word rule) starts afresh at byte `pos`
  // of `text`: pos follows a single line break that follows a character
  // other than white space, and starts a character other than white space
  // or '/' (o200k_base lets a punctuation piece run on over "\n/").
  static bool SafeCut(std::string_view text, size_t pos);

 private:
  // The measure of `unit`; its UAX #29 words from `segments` (the text's,
  // from *next on, advanced past the unit) when given.
  TextSize MeasureUnit(std::string_view unit, const std::vector<std::string_view>* segments, size_t* next);
  // The UAX #29 words of `unit`, line by line (no word crosses a line
  // break): from `own` (the unit's segments, in order) when given, and then
  // remembered for the line; else as remembered for an equal line of this
  // document; else from the segmenter.
  uint64_t Uax29Words(std::string_view unit, const std::span<const std::string_view>* own);

  std::vector<std::shared_ptr<const stats::Encoding>> encodings_;
  bool words_;
  std::vector<stats::TokenScratch> scratch_;  // per encoding: each has its piece cache
  quality::Segmenter segmenter_;
  std::vector<std::string_view> segments_;
  // This document's measured units and lines (views into its versions).
  std::unordered_map<std::string_view, TextSize> units_;
  std::unordered_map<std::string_view, uint64_t> line_words_;  // UAX #29 words
};

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_TEXT_MEASURE_H_
