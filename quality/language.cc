// CLD2 wrapper: ExtDetectLanguageSummary on plain text, top three languages
// with their percentages of the scored text.
#include "quality/language.h"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <algorithm>
#include <climits>

namespace stocktake::quality {

LanguageGuess IdentifyLanguage(std::string_view text, size_t max_bytes) {
  LanguageGuess g;
  if (max_bytes > 0 && text.size() > max_bytes) {
    // Cut at a character boundary.
    size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
  }
  text = text.substr(0, std::min<size_t>(text.size(), INT_MAX));
  CLD2::Language language3[3];
  int percent3[3] = {0, 0, 0};
  double normalized3[3] = {0, 0, 0};
  int text_bytes = 0;
  bool reliable = false;
  CLD2::Language top = CLD2::ExtDetectLanguageSummary(
      text.data(), static_cast<int>(text.size()), /*is_plain_text=*/true, /*tld_hint=*/nullptr,
      CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE, language3, percent3, normalized3, &text_bytes, &reliable);
  g.code = CLD2::LanguageCode(top);
  g.reliable = reliable;
  g.text_bytes = static_cast<size_t>(std::max(text_bytes, 0));
  for (int i = 0; i < 3; ++i) {
    if (language3[i] == CLD2::UNKNOWN_LANGUAGE || percent3[i] <= 0) continue;
    g.top[g.count].code = CLD2::LanguageCode(language3[i]);
    g.top[g.count].share = percent3[i] / 100.0;
    ++g.count;
  }
  g.score = 0;
  for (size_t i = 0; i < g.count; ++i) {
    if (g.top[i].code == g.code) g.score = g.top[i].share;
  }
  return g;
}

}  // namespace stocktake::quality
