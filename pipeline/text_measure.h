// Measuring one version of a document's text: bytes, whitespace words,
// UAX #29 words and tokens in each configured encoding. `run` measures every
// version a tier or rule sees; `tokens` measures files and JSON lines.
// Not thread-safe: one per thread (it owns a segmenter and token scratch).
//
// The versions of one document share most of their lines (C4 keeps lines,
// C4 with its punctuation rule keeps some of those), so MeasureVersion cuts
// a text into units where every split pattern starts a new piece whatever
// follows, measures each unit once per document and adds them up. It cuts
// after line breaks (SafeCut) and before a line's tail, the punctuation
// between its last ASCII letter or digit and the line break (TailCut): a
// line's body is then one unit whether the line ends in "\n" (C4's text)
// or "\n\n" (the document's paragraphs). Tokens, words and UAX #29 words
// are all sums over such units (no piece and no UAX #29 word crosses a cut;
// a whitespace word cut at a tail is counted once), so the result is the
// same as measuring the whole text; the tests check it. UAX #29 words are
// also sums over lines: a line of a later version that is a line of the
// document (C4 keeps lines whole) takes the document's count for it.
#ifndef STOCKTAKE_PIPELINE_TEXT_MEASURE_H_
#define STOCKTAKE_PIPELINE_TEXT_MEASURE_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/hash.h"
#include "pipeline/view_table.h"
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

  // Deferred tokens, for a batch of documents: counting tokens one document
  // at a time, between the other stages' work, took 1.8 times as long as
  // counting them back to back (the piece caches and the rank table are
  // evicted by the rest of each document's work). After
  // StartDeferred, MeasureVersionDeferred measures like MeasureVersion but
  // leaves the tokens at 0 and records the units that need them, returning
  // the version's id in *version. A unit is kept as a view if `stays` (its
  // text stays valid until CountDeferred) and copied otherwise; a unit
  // measured before in the same document is not recorded again. Then
  // CountDeferred counts every recorded unit, and AddDeferredTokens adds a
  // version's tokens to its size. BeginDocument is called per document as
  // usual; between two BeginDocument calls, use MeasureVersion or
  // MeasureVersionDeferred, not both (a unit remembered by one has no
  // tokens for the other).
  void StartDeferred();
  TextSize MeasureVersionDeferred(std::string_view text, const std::vector<std::string_view>* segments, bool stays,
                                  uint32_t* version);
  void CountDeferred();
  void AddDeferredTokens(uint32_t version, TextSize* size) const;

  // True if every split pattern (and word rule) starts afresh at byte `pos`
  // of `text`: pos follows a single line break that follows a character
  // other than white space, and starts a character other than white space
  // or '/' (o200k_base lets a punctuation piece run on over "\n/"). With
  // `break_runs` (for cl100k_base and o200k_base only, whose \s*[\r\n]+
  // takes any white space that ends in line breaks) pos may follow any run
  // of white space that ends in a line break.
  static bool SafeCut(std::string_view text, size_t pos, bool break_runs = false);

  // The start of a line's tail, if it is a safe cut: `newline` is the
  // position of a line break, the tail is the run of ASCII punctuation other
  // than '_' just before it, and an ASCII letter or digit precedes the tail
  // at or after `begin` + 1. Every split pattern ends a piece between a
  // letter or digit and punctuation or a line break, and no UAX #29 word
  // crosses there; but a whitespace word does when the tail is not empty.
  // std::string_view::npos if there is no such cut.
  static size_t TailCut(std::string_view text, size_t begin, size_t newline);

 private:
  // A measured unit and, with deferred tokens, its job.
  struct Unit {
    TextSize size;
    uint32_t job = 0;
  };
  // A unit whose tokens are deferred: a view (`copied` false) or an offset
  // into job_bytes_.
  struct Job {
    const char* data = nullptr;
    size_t offset = 0;
    size_t size = 0;
    bool copied = false;
  };
  TextSize Version(std::string_view text, const std::vector<std::string_view>* segments);
  // The measure of `unit`; its UAX #29 words from `segments` (the text's,
  // from *next on, advanced past the unit) when given.
  Unit MeasureUnit(std::string_view unit, const std::vector<std::string_view>* segments, size_t* next);
  // The UAX #29 words of `unit`, line by line (no word crosses a line
  // break): from `own` (the unit's segments, in order) when given, and then
  // remembered for the line; else as remembered for an equal line of this
  // document; else from the segmenter.
  uint64_t Uax29Words(std::string_view unit, const std::span<const std::string_view>* own);

  // The next cut after `begin` (text.size() if none); *splits_word says a
  // whitespace word runs on across it.
  size_t NextCut(std::string_view text, size_t begin, bool* splits_word) const;

  std::vector<std::shared_ptr<const stats::Encoding>> encodings_;
  bool words_;
  bool break_runs_ = true;  // no encoding splits with r50k_base's pattern
  std::vector<stats::TokenScratch> scratch_;  // per encoding: each has its piece cache
  quality::Segmenter segmenter_;
  std::vector<std::string_view> segments_;
  // Per document (ViewTable: no allocation per entry or per document).
  ViewTable<Unit> units_;          // this document's measured units (views into its versions)
  // Deferred tokens: the state of the call under way, the units to count,
  // their counts, and each version's jobs and counts.
  bool deferring_ = false;
  bool stays_ = false;
  std::vector<Job> jobs_;
  std::string job_bytes_;
  std::vector<uint64_t> job_tokens_;      // per job, one count per encoding
  std::vector<uint64_t> version_tokens_;  // per version, the same
  std::vector<uint32_t> version_jobs_;
  std::vector<uint32_t> version_starts_ = {0};  // version v's jobs: [starts[v], starts[v + 1])
  ViewTable<uint64_t> line_words_;  // UAX #29 words of its lines
};

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_TEXT_MEASURE_H_
