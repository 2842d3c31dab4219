// Fuzz target: measuring text versions in shared line units
// (TextMeasurer::MeasureVersion, what `stocktake run` does) against
// measuring each text whole (TextMeasurer::Measure), for all three built-in
// encodings and both word counts. The first input byte chooses which lines
// the versions keep; the rest is the text (any bytes). Versions are made as
// C4 makes them: some lines, trimmed, joined by single line breaks, the
// second a part of the first. Invariants: every version measures the same
// in units as whole, with and without the text's word segments; once with
// r50k_base among the encodings (single line breaks only) and once without
// it (cuts after runs of line breaks too).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/config.h"
#include "pipeline/text_measure.h"

namespace {

using stocktake::pipeline::TextSize;

bool Same(const TextSize& a, const TextSize& b) {
  return a.bytes == b.bytes && a.words == b.words && a.words_uax29 == b.words_uax29 && a.tokens == b.tokens;
}

// Lines of `text` whose index has bit (index % 8) set in `mask`, trimmed of
// spaces and tabs, non-empty, joined by "\n".
std::string Version(std::string_view text, uint8_t mask) {
  std::string out;
  size_t index = 0;
  for (size_t begin = 0; begin <= text.size(); ++index) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (!line.empty() && ((mask >> (index % 8)) & 1) != 0) {
      if (!out.empty()) out += '\n';
      out += line;
    }
    begin = end + 1;
  }
  return out;
}

std::vector<std::shared_ptr<const stocktake::stats::Encoding>> Encodings(std::vector<const char*> names) {
  std::vector<std::shared_ptr<const stocktake::stats::Encoding>> all;
  for (const char* name : names) {
    auto encoding = stocktake::pipeline::LoadEncoding(name, "");
    if (!encoding.ok()) std::abort();
    all.push_back(*encoding);
  }
  return all;
}

void Check(stocktake::pipeline::TextMeasurer* units, stocktake::pipeline::TextMeasurer* whole,
           std::string_view text, const std::vector<std::string_view>& segments, const std::string& first,
           const std::string& second) {
  units->BeginDocument();
  if (!Same(units->MeasureVersion(text, &segments), whole->Measure(text, &segments))) std::abort();
  if (!Same(units->MeasureVersion(first), whole->Measure(first))) std::abort();
  if (!Same(units->MeasureVersion(second), whole->Measure(second))) std::abort();
  if (!Same(units->MeasureVersion(text), whole->Measure(text))) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake::pipeline;
  static const auto all = Encodings({"cl100k_base", "o200k_base", "r50k_base"});
  static const auto runs = Encodings({"cl100k_base", "o200k_base"});
  static TextMeasurer units(all);
  static TextMeasurer whole(all);
  static TextMeasurer run_units(runs);
  static TextMeasurer run_whole(runs);
  static stocktake::quality::Segmenter segmenter;
  if (size == 0) return 0;
  const uint8_t mask = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string first = Version(text, mask);
  const std::string second = Version(first, static_cast<uint8_t>(mask * 37 + 11));
  std::vector<std::string_view> segments;
  segmenter.Words(text, &segments);
  Check(&units, &whole, text, segments, first, second);
  Check(&run_units, &run_whole, text, segments, first, second);
  return 0;
}
