// Token counting speed, one thread: MB/s of text per encoding on the texts
// of a JSON-lines file (the `text` field of each line, as `stocktake
// extract` writes it). bench/tokens-vs-tiktoken runs it next to the npm
// tiktoken package on the same file; docs/benchmarks.md has the numbers.
//
//   stocktake-bench-tokens [--repeat N] [--split-only] TEXTS.jsonl
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "stats/pretokenize.h"
#include "stats/tokenizer.h"

using namespace stocktake;

int main(int argc, char** argv) {
  int repeat = 3;
  bool split_only = false;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--split-only") == 0) {
      split_only = true;
    } else {
      path = argv[i];
    }
  }
  if (path.empty() || repeat < 1) {
    std::fprintf(stderr, "usage: stocktake-bench-tokens [--repeat N] [--split-only] TEXTS.jsonl\n");
    return 2;
  }
  std::vector<std::string> texts;
  uint64_t bytes = 0;
  simdjson::dom::parser parser;
  simdjson::padded_string file;
  if (simdjson::padded_string::load(path).get(file)) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return 1;
  }
  std::string_view all = file;
  for (size_t pos = 0; pos < all.size();) {
    size_t eol = all.find('\n', pos);
    if (eol == std::string_view::npos) eol = all.size();
    simdjson::padded_string line(all.substr(pos, eol - pos));
    pos = eol + 1;
    simdjson::dom::element doc;
    std::string_view text;
    if (parser.parse(line).get(doc) || doc["text"].get(text)) continue;
    texts.emplace_back(text);
    bytes += text.size();
  }
  std::printf("encoding\ttokens\tbytes\tseconds\tMB/s\t(%zu texts, best of %d)\n", texts.size(), repeat);
  for (std::string_view name : stats::Encoding::BuiltinNames()) {
    auto encoding = stats::Encoding::Builtin(name);
    if (!encoding.ok()) return 1;
    stats::TokenScratch scratch;
    std::vector<double> seconds;
    uint64_t tokens = 0;
    for (int r = 0; r < repeat; ++r) {
      auto start = std::chrono::steady_clock::now();
      tokens = 0;
      for (const std::string& text : texts) {
        if (split_only) {
          for (size_t pos = 0; pos < text.size(); ++tokens) pos = stats::PieceEnd((*encoding)->pattern(), text, pos);
        } else {
          tokens += (*encoding)->Count(text, &scratch);
        }
      }
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    double best = *std::min_element(seconds.begin(), seconds.end());
    std::printf("%s%s\t%llu\t%llu\t%.3f\t%.2f\n", std::string(name).c_str(), split_only ? " (split)" : "",
                static_cast<unsigned long long>(tokens), static_cast<unsigned long long>(bytes), best,
                static_cast<double>(bytes) / best / 1e6);
  }
  return 0;
}
