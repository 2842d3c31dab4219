// Fuzz target: the word and sentence fast paths of quality::Segmenter against
// ICU alone (WordsIcu, CountSentencesIcu), line by line, on any text: the
// bytes as they are (ICU reads an ill-formed sequence as U+FFFD, and the
// measurer of `stocktake tokens` sees raw bytes) and made valid UTF-8 (as
// the charset stage guarantees for every text `run` segments). Invariant:
// for every line, the same word segments and the same sentence count as ICU.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "crawler/charset.h"
#include "quality/segment.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake;
  static crawler::CharsetConverter charset;
  static quality::Segmenter segmenter;
  static std::vector<std::string_view> lines, fast, icu;
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  uint64_t replaced = 0;
  for (std::string_view text : {raw, charset.Convert(raw, "UTF-8", &replaced)}) {
    lines.clear();
    quality::SplitLines(text, &lines);
    for (std::string_view line : lines) {
      fast.clear();
      icu.clear();
      segmenter.Words(line, &fast);
      segmenter.WordsIcu(line, &icu);
      if (fast != icu) std::abort();
      if (segmenter.CountSentences(line) != segmenter.CountSentencesIcu(line)) std::abort();
    }
  }
  return 0;
}
