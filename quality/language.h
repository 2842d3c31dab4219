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

// Identifies the language of UTF-8 text. At most `max_bytes` are examined
// (the beginning of the text); 0 = all.
LanguageGuess IdentifyLanguage(std::string_view text, size_t max_bytes = 0);

}  // namespace stocktake::quality

#endif  // STOCKTAKE_QUALITY_LANGUAGE_H_
