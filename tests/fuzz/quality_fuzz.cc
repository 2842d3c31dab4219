// Fuzz target: the quality stage on arbitrary text. Bytes are made valid
// UTF-8 (as the charset stage guarantees), then normalized, identified,
// assessed by every default rule, and reduced to the dedup form.
// Invariants: no crash or hang; every measured value is finite; the tier is
// in range; texts stay valid UTF-8 and bounded in size.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crawler/charset.h"
#include "quality/language.h"
#include "quality/tiers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake;
  static crawler::CharsetConverter charset;
  static std::string error;
  static auto model = quality::QualityModel::Create(quality::QualityConfig{}, &error);
  static quality::QualityAssessor assessor(model.get());
  static quality::TextNormalizer dedup;
  static std::string sample;
  uint64_t replaced = 0;
  std::string_view utf8 =
      charset.Convert(std::string_view(reinterpret_cast<const char*>(data), size), "UTF-8", &replaced);
  std::string_view text = assessor.Normalize(utf8);
  if (text.size() > 3 * utf8.size() + 16) std::abort();
  if (crawler::ValidUtf8Prefix(text) != text.size()) std::abort();
  quality::LanguageGuess language = quality::IdentifyLanguage(text, 256, &sample);
  if (!(language.score >= 0 && language.score <= 1)) std::abort();
  const quality::Assessment& a = assessor.Assess(text, language);
  if (a.tier < -1 || a.tier >= static_cast<int>(model->tier_count())) std::abort();
  for (const auto* results : {&a.rules, &a.alone}) {
    for (const quality::RuleResult& r : *results) {
      for (const quality::Measured& m : r.values) {
        if (!std::isfinite(m.value)) std::abort();
      }
    }
  }
  for (std::string_view t : a.tier_text) {
    if (t.size() > text.size() || crawler::ValidUtf8Prefix(t) != t.size()) std::abort();
  }
  std::string_view folded = dedup.DedupForm(text);
  if (folded.size() > 4 * text.size() + 16) std::abort();
  return 0;
}
