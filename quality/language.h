// Language identification with CLD2 (Debian libcld2, the full tables: 160+
// languages), the detector Common Crawl labels its pages with.
//
// The score of a guess is the share of the text CLD2 attributes to the top
// language (0..1); FineWeb's threshold of 0.65 is applied to it by the
// language rule (rules.h). Codes are CLD2's: ISO 639-1 where one exists
// ("en", "zh", "zh-Hant", "sr-ME", ...), "un" when unknown.
// Thread-safe (CLD2 keeps no state between calls).
#ifndef STOCKTAKE_QUALITY_LANGUAGE_H_
#define STOCKTAKE_QUALITY_LANGUAGE_H_

#include <array>
#include <string>
#include <string_view>

namespace stocktake::quality {

struct LanguageShare {
  std::string code;
  double share = 0;  // of the text, 0..1
};

struct LanguageGuess {
  std::string code = "un";  // top language
  double score = 0;         // its share of the text
  bool reliable = false;
  std::array<LanguageShare, 3> top;  // up to three languages, largest first
  size_t count = 0;                  // how many of `top` are set
  size_t text_bytes = 0;             // bytes CLD2 scored (letters, without markup)
};

// Identifies the language of UTF-8 text. Text longer than `sample_bytes`
// (0 = no limit) is identified on a sample of that size: four equal slices
// spread evenly over the text, each starting after a space or line break,
// so the shares describe the whole text at a bounded cost (CLD2 scores about
// 30 MB/s). `scratch` holds the sample.
LanguageGuess IdentifyLanguage(std::string_view text, size_t sample_bytes, std::string* scratch);
inline LanguageGuess IdentifyLanguage(std::string_view text) {
  std::string unused;
  return IdentifyLanguage(text, 0, &unused);
}

}  // namespace stocktake::quality

#endif  // STOCKTAKE_QUALITY_LANGUAGE_H_
