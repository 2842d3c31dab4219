// What the quality stage reports for a run: documents, bytes and words per
// tier (overall and per language), and each rule's funnel, alone and in
// sequence. Counted per input, merged in input order.
#ifndef STOCKTAKE_PIPELINE_QUALITY_COUNTS_H_
#define STOCKTAKE_PIPELINE_QUALITY_COUNTS_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/counts.h"
#include "common/json_writer.h"
#include "quality/tiers.h"

namespace stocktake::pipeline {

// The size of one version of a document's text: bytes, whitespace words,
// UAX #29 words (segments with a letter or number), and tokens in each
// configured encoding (config order).
constexpr size_t kMaxEncodings = 4;
struct TextSize {
  uint64_t bytes = 0;
  uint64_t words = 0;
  uint64_t words_uax29 = 0;
  std::array<uint64_t, kMaxEncodings> tokens{};
};

struct TextTotals {
  uint64_t documents = 0;
  uint64_t bytes = 0;
  uint64_t words = 0;
  uint64_t words_uax29 = 0;
  std::array<uint64_t, kMaxEncodings> tokens{};

  void Add(const TextSize& size) {
    ++documents;
    bytes += size.bytes;
    words += size.words;
    words_uax29 += size.words_uax29;
    for (size_t e = 0; e < kMaxEncodings; ++e) tokens[e] += size.tokens[e];
  }
  void Merge(const TextTotals& o) {
    documents += o.documents;
    bytes += o.bytes;
    words += o.words;
    words_uax29 += o.words_uax29;
    for (size_t e = 0; e < kMaxEncodings; ++e) tokens[e] += o.tokens[e];
  }
  // documents, bytes, words, words_uax29 and "tokens": {encoding: count}, inside an open
  // object.
  void Write(const std::vector<std::string>& encodings, JsonWriter* w) const;
};

struct RuleCounts {
  TextTotals failed_alone;  // on the normalized text, as if the rule ran alone
  Counts reasons_alone;
  TextTotals reached;       // passed every rule before it in sequence
  TextTotals removed;       // ... and failed this one (the text it saw)
  Counts reasons_removed;
  Counts not_applicable;    // check -> documents it did not apply to (alone)
  uint64_t lines_removed = 0;  // line-level rules, by documents that reached it
  uint64_t chars_removed = 0;
  // Classifier rules: scores of documents that reached the rule, in 1000
  // bins, for the score at a given top fraction.
  std::vector<uint64_t> score_bins;

  void Merge(const RuleCounts& o);
};

struct QualityCounts {
  std::vector<TextTotals> tiers;  // documents at or above each tier, with that tier's text
  std::map<std::string, std::vector<TextTotals>> tiers_by_language;
  std::vector<RuleCounts> rules;  // in the model's sequence order
  Counts languages;               // top language of every document
  Counts language_sources;        // "main", "full_text" (main text too short)
  Counts language_samples;        // what CLD2 read: "whole_text", "quick_sample", "full_sample"
  uint64_t reliable_language = 0;
  uint64_t normalization_changed = 0;  // documents NFC/NFKC changed
  uint64_t controls_removed = 0;       // control and private-use characters

  // Counts one assessed document. `original` is the normalized text's size,
  // `tier_sizes` the size of each tier's text, `sequence_sizes` the size of
  // the text each rule saw in sequence.
  void Add(const quality::QualityModel& model, const quality::Assessment& a, const quality::LanguageGuess& language,
           const TextSize& original, const std::vector<TextSize>& tier_sizes,
           const std::vector<TextSize>& sequence_sizes);
  // Counts what normalization did to a document.
  void AddNormalization(bool changed, uint64_t removed) {
    normalization_changed += changed;
    controls_removed += removed;
  }
  void Merge(const QualityCounts& o);

  // Writes the "quality" object of stats.json. `detailed` adds the rule
  // funnel and the per-language tiers (totals); per-input blocks omit them.
  // `encodings` names the token columns.
  void Write(const quality::QualityConfig& config, const std::vector<std::string>& encodings, bool detailed,
             JsonWriter* w) const;
};

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_QUALITY_COUNTS_H_
