// Fuzz target: token counting on arbitrary bytes (valid UTF-8 or not; the
// tokenizer sees bytes). Invariants, for all three built-in encodings: no
// crash or hang; the ids spell the input back exactly; Count equals the
// number of ids; every piece of the split is non-empty and the pieces cover
// the input in order.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "stats/pretokenize.h"
#include "stats/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake::stats;
  static const auto encodings = [] {
    std::vector<std::shared_ptr<const Encoding>> all;
    for (std::string_view name : Encoding::BuiltinNames()) {
      auto e = Encoding::Builtin(name);
      if (!e.ok()) std::abort();
      all.push_back(*e);
    }
    return all;
  }();
  static TokenScratch scratch[3];
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (size_t i = 0; i < encodings.size(); ++i) {
    const Encoding& encoding = *encodings[i];
    size_t covered = 0;
    for (std::string_view piece : SplitPieces(encoding.pattern(), text)) {
      if (piece.empty() || piece.data() != text.data() + covered) std::abort();
      covered += piece.size();
    }
    if (covered != size) std::abort();
    std::vector<uint32_t> ids = encoding.Encode(text);
    if (encoding.Decode(ids) != text) std::abort();
    if (encoding.Count(text, &scratch[i]) != ids.size()) std::abort();
  }
  return 0;
}
