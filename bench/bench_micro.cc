// Micro-benchmarks (Google Benchmark) for per-byte hot paths, so any later
// SIMD work has a baseline: UTF-8 validation, whitespace word counting, code
// points per line, text extraction and header-block scanning, on a real page
// from the corpus.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/byte_source.h"
#include "crawler/charset.h"
#include "crawler/headers.h"
#include "crawler/extractor.h"
#include "quality/segment.h"
#include "stats/word_count.h"

namespace {

const std::string& Page() {
  static const std::string page = [] {
    auto p = stocktake::ReadFileToString(STOCKTAKE_SHARED_DIR "/corpus/extraction/readability/wikipedia/source.html");
    return p.ok() ? *p : std::string(100000, 'x');
  }();
  return page;
}

void BM_ValidUtf8(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(stocktake::crawler::ValidUtf8Prefix(Page()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Page().size()));
}
BENCHMARK(BM_ValidUtf8);

void BM_ExtractFull(benchmark::State& state) {
  stocktake::crawler::ExtractOptions o;
  o.mode = stocktake::crawler::ExtractMode::kFull;
  stocktake::crawler::Extractor x(o);
  for (auto _ : state) benchmark::DoNotOptimize(x.Extract(Page()).text.size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Page().size()));
}
BENCHMARK(BM_ExtractFull);

void BM_ExtractMain(benchmark::State& state) {
  stocktake::crawler::Extractor x;
  for (auto _ : state) benchmark::DoNotOptimize(x.Extract(Page()).text.size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Page().size()));
}
BENCHMARK(BM_ExtractMain);

void BM_WhitespaceWords(benchmark::State& state) {
  stocktake::crawler::Extractor x;
  std::string text(x.Extract(Page()).text);
  for (auto _ : state) benchmark::DoNotOptimize(stocktake::stats::CountWhitespaceWords(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_WhitespaceWords);

// The same per line: `stocktake run` measures a text in line units.
void BM_WhitespaceWordsPerLine(benchmark::State& state) {
  stocktake::crawler::Extractor x;
  std::string text(x.Extract(Page()).text);
  std::vector<std::string_view> lines;
  stocktake::quality::SplitLines(text, &lines);
  for (auto _ : state) {
    uint64_t n = 0;
    for (std::string_view line : lines) n += stocktake::stats::CountWhitespaceWords(line);
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_WhitespaceWordsPerLine);

// Code points of every line of the page's text, as the quality rules count them.
void BM_CodePointsPerLine(benchmark::State& state) {
  stocktake::crawler::Extractor x;
  std::string text(x.Extract(Page()).text);
  std::vector<std::string_view> lines;
  stocktake::quality::SplitLines(text, &lines);
  for (auto _ : state) {
    size_t n = 0;
    for (std::string_view line : lines) n += stocktake::quality::CodePoints(line);
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_CodePointsPerLine);

void BM_HeaderBlock(benchmark::State& state) {
  const std::string block =
      "WARC/1.0\r\nWARC-Type: response\r\nWARC-Date: 2024-04-25T12:00:00Z\r\n"
      "WARC-Record-ID: <urn:uuid:1f1e1d1c-1b1a-4918-8716-151413121110>\r\nContent-Length: 48213\r\n"
      "Content-Type: application/http; msgtype=response\r\nWARC-Warcinfo-ID: <urn:uuid:00000000-0000-4000-8000-"
      "000000000000>\r\nWARC-Concurrent-To: <urn:uuid:00000000-0000-4000-8000-000000000001>\r\n"
      "WARC-IP-Address: 93.184.216.34\r\nWARC-Target-URI: https://example.com/some/long/path?query=1\r\n"
      "WARC-Payload-Digest: sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ\r\nWARC-Identified-Payload-Type: text/html\r\n\r\n";
  std::vector<stocktake::crawler::HeaderField> fields;
  for (auto _ : state) {
    size_t end = stocktake::crawler::FindHeaderEnd(block);
    fields.clear();
    stocktake::crawler::ParseHeaderFields(std::string_view(block).substr(10, end - 10), &fields);
    benchmark::DoNotOptimize(stocktake::crawler::FindHeader(fields, "Content-Length"));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * block.size()));
}
BENCHMARK(BM_HeaderBlock);

}  // namespace

BENCHMARK_MAIN();
