// stocktake-bench-jsonl: JSONL document parsing speed on one thread, next
// to zstd (or gzip) decompression of the same files, in MB/s of JSONL.
//
// Each file is decompressed into memory (timed: "decompress"), then its
// lines are cut and parsed with JsonlParser (timed: "parse": simdjson
// On-Demand, the text, id and URL unescaped and every other value
// validated), as `stocktake run` does for JSONL inputs. Repeated; medians.
//
// Usage: stocktake-bench-jsonl [--repeat N] FILE...
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_common.h"
#include "common/byte_source.h"
#include "common/decoded_stream.h"
#include "crawler/jsonl.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

std::string Decompress(const std::string& path) {
  auto source = stocktake::FileSource::Open(path);
  if (!source.ok()) {
    std::fprintf(stderr, "stocktake-bench-jsonl: %s\n", source.status().message().c_str());
    std::exit(2);
  }
  stocktake::DecodedStream stream(std::move(*source));
  std::string out;
  std::vector<uint8_t> buffer(1 << 20);
  for (;;) {
    auto r = stream.Read(buffer.data(), buffer.size());
    out.append(reinterpret_cast<const char*>(buffer.data()), r.size);
    if (r.stream_end) break;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 5;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty() || repeat < 1) {
    std::fprintf(stderr, "usage: stocktake-bench-jsonl [--repeat N] FILE...\n");
    return 2;
  }
  std::vector<double> decompress, parse;
  uint64_t jsonl_bytes = 0, compressed_bytes = 0, documents = 0, bad = 0;
  std::vector<std::string> decoded(files.size());
  for (int round = 0; round < repeat; ++round) {
    // Decompression of every file.
    auto start = Clock::now();
    for (size_t f = 0; f < files.size(); ++f) decoded[f] = Decompress(files[f]);
    decompress.push_back(Seconds(start));
    // Line cutting and parsing, one parser as one pipeline thread has.
    stocktake::crawler::JsonlParser parser;
    stocktake::crawler::JsonlDocument doc;
    uint64_t bytes = 0, docs = 0, rejected = 0, checksum = 0;
    start = Clock::now();
    for (const std::string& text : decoded) {
      bytes += text.size();
      size_t begin = 0;
      while (begin < text.size()) {
        const void* nl = std::memchr(text.data() + begin, '\n', text.size() - begin);
        const size_t end = nl == nullptr ? text.size() : static_cast<size_t>(static_cast<const char*>(nl) - text.data());
        if (parser.Parse(std::string_view(text).substr(begin, end - begin), &doc).empty()) {
          ++docs;
          checksum += doc.text.size() + doc.url.size();
        } else {
          ++rejected;
        }
        begin = end + 1;
      }
    }
    parse.push_back(Seconds(start));
    jsonl_bytes = bytes;
    documents = docs;
    bad = rejected;
    if (checksum == 0) std::fprintf(stderr, "no text parsed\n");
  }
  for (const std::string& f : files) {
    auto size = stocktake::ReadFileToString(f);
    if (size.ok()) compressed_bytes += size->size();
  }
  const double mb = static_cast<double>(jsonl_bytes) / 1e6;
  const double d = stocktake::bench::Median(decompress), p = stocktake::bench::Median(parse);
  std::printf("files %zu  compressed %.1f MB  JSONL %.1f MB  documents %llu  rejected lines %llu  simdjson kernel %s\n",
              files.size(), static_cast<double>(compressed_bytes) / 1e6, mb,
              static_cast<unsigned long long>(documents), static_cast<unsigned long long>(bad),
              simdjson::get_active_implementation()->name().c_str());
  std::printf("decompress  %8.1f MB/s of JSONL (median of %d, %.3f s)\n", mb / d, repeat, d);
  std::printf("parse       %8.1f MB/s of JSONL (median of %d, %.3f s)\n", mb / p, repeat, p);
  std::printf("parse / decompress time: %.2f\n", p / d);
  return 0;
}
