// Fuzz target: the HTML parser, text layout and main-content extraction on
// arbitrary bytes, in both modes and with tight guards (depth, size, work).
// Invariants: the text is valid UTF-8 whenever the input is, and it is never
// longer than a bounded multiple of the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crawler/charset.h"
#include "crawler/extractor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake::crawler;
  std::string_view html(reinterpret_cast<const char*>(data), size);
  static Extractor main_mode([] {
    ExtractOptions o;
    o.max_depth = 64;
    o.max_work = 200000;
    return o;
  }());
  static Extractor full_mode([] {
    ExtractOptions o;
    o.mode = ExtractMode::kFull;
    o.max_html_bytes = 1 << 16;
    return o;
  }());
  bool valid_utf8 = ValidUtf8Prefix(html) == html.size();
  for (Extractor* x : {&main_mode, &full_mode}) {
    const ExtractedDocument& d = x->Extract(html);
    // Character references expand at most "&lt;" (4 bytes) -> 1 byte and
    // "&#1;" style -> 3 bytes (U+FFFD); layout adds at most two newlines per tag.
    if (d.text.size() > 3 * size + 16) std::abort();
    if (valid_utf8 && ValidUtf8Prefix(d.text) != d.text.size()) std::abort();
  }
  return 0;
}
