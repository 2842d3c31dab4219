// CLD2 wrapper: ExtDetectLanguageSummary on plain text, top three languages
// with their percentages of the scored text.
#include "quality/language.h"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <algorithm>
#include <climits>

namespace stocktake::quality {

namespace {

// Moves `pos` forward to the start of a character.
size_t CharStart(std::string_view text, size_t pos) {
  while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
  return pos;
}

// Four slices of about sample_bytes / 4, evenly spread, each starting after
// the first space or newline of its window (so no word is cut at the front)
// and ending at a character boundary.
std::string_view Sample(std::string_view text, size_t sample_bytes, std::string* out) {
  constexpr size_t kSlices = 4;
  const size_t slice = sample_bytes / kSlices;
  out->clear();
  for (size_t k = 0; k < kSlices; ++k) {
    size_t begin = (text.size() - slice) * k / (kSlices - 1);
    size_t end = begin + slice;
    if (k > 0) {
      size_t space = text.find_first_of(" \n", begin);
      if (space != std::string_view::npos && space < end) begin = space + 1;
    }
    begin = CharStart(text, begin);
    end = CharStart(text, end);
    if (begin >= end) continue;
    out->append(text.substr(begin, end - begin));
    out->push_back('\n');
  }
  return *out;
}

// CLD2 on all of `text`.
LanguageGuess Identify(std::string_view text) {
  LanguageGuess g;
  text = text.substr(0, std::min<size_t>(text.size(), INT_MAX));
  CLD2::Language language3[3];
  int percent3[3] = {0, 0, 0};
  double normalized3[3] = {0, 0, 0};
  int text_bytes = 0;
  bool reliable = false;
  CLD2::ExtDetectLanguageSummary(
      text.data(), static_cast<int>(text.size()), /*is_plain_text=*/true, /*tld_hint=*/nullptr,
      CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE, language3, percent3, normalized3, &text_bytes, &reliable);
  g.reliable = reliable;
  g.text_bytes = static_cast<size_t>(std::max(text_bytes, 0));
  for (int i = 0; i < 3; ++i) {
    if (language3[i] == CLD2::UNKNOWN_LANGUAGE || percent3[i] <= 0) continue;
    g.top[g.count].code = CLD2::LanguageCode(language3[i]);
    g.top[g.count].share = percent3[i] / 100.0;
    ++g.count;
  }
  // The top language is the one with the largest share. (CLD2's own summary
  // language prefers a minority non-English language over English in mixed
  // text; Common Crawl lists languages by share, and so do we.)
  if (g.count > 0) {
    g.code = g.top[0].code;
    g.score = g.top[0].share;
  } else {
    g.code = "un";
    g.score = 0;
  }
  return g;
}

bool Samples(std::string_view text, size_t bytes) { return bytes >= 64 && text.size() > bytes; }

}  // namespace

LanguageGuess IdentifyLanguage(std::string_view text, const LanguageSampling& sampling, std::string* scratch,
                               LanguageSample* decided_on) {
  LanguageSample unused;
  if (decided_on == nullptr) decided_on = &unused;
  const bool full_samples = Samples(text, sampling.sample_bytes);
  // The quick sample only helps when it is smaller than what would be read.
  const size_t full_bytes = full_samples ? sampling.sample_bytes : text.size();
  if (Samples(text, sampling.quick_bytes) && sampling.quick_bytes < full_bytes) {
    LanguageGuess g = Identify(Sample(text, sampling.quick_bytes, scratch));
    if (g.reliable && g.score >= sampling.quick_min_score) {
      *decided_on = LanguageSample::kQuick;
      return g;
    }
  }
  *decided_on = full_samples ? LanguageSample::kFull : LanguageSample::kWhole;
  return Identify(full_samples ? Sample(text, sampling.sample_bytes, scratch) : text);
}

}  // namespace stocktake::quality
