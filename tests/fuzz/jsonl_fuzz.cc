// Fuzz target: JSONL document lines (the line reader over plain bytes with
// a small line limit, and the On-Demand parser on every line, with the
// default and with nested field paths). Invariants: no crash; line numbers
// count up by one; a parsed document's text and URL are valid UTF-8 (JSON
// strings are, once unescaped).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "common/byte_source.h"
#include "crawler/charset.h"
#include "crawler/jsonl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake;
  using namespace stocktake::crawler;
  static JsonlParser flat;
  static JsonlParser nested(JsonlFields{"content.body", "meta.id", "meta.link"});
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  JsonlLineReader reader(std::make_unique<MemorySource>(bytes), 4096);
  JsonlLineReader::Line line;
  uint64_t expected = 1;
  while (reader.Next(&line)) {
    if (line.number != expected++) std::abort();
    if (line.too_long && !line.text.empty()) std::abort();
    for (JsonlParser* parser : {&flat, &nested}) {
      JsonlDocument doc;
      if (!parser->Parse(line.text, &doc).empty()) continue;
      if (ValidUtf8Prefix(doc.text) != doc.text.size()) std::abort();
      if (ValidUtf8Prefix(doc.url) != doc.url.size()) std::abort();
    }
  }
  return 0;
}
