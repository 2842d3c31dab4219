// Token counting speed, one thread: MB/s of text per encoding on the texts
// of a JSON-lines file (the `text` field of each line, as `stocktake
// extract` writes it). bench/tokens-vs-tiktoken runs it next to the npm
// tiktoken package on the same file; docs/benchmarks.md has the numbers.
//
//   stocktake-bench-tokens [--repeat N] [--split-only] TEXTS.jsonl
//
// --split-only times pre-tokenization alone, and (when built with PCRE2) the
// same split patterns through PCRE2's JIT, the alternative the tokenizer
// issue allowed: the faster one was to be chosen (docs/tokens.md).
#ifdef STOCKTAKE_HAVE_PCRE2
#include <simdjson.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "stats/pretokenize.h"
#include "stats/tokenizer.h"

using namespace stocktake;

#ifdef STOCKTAKE_HAVE_PCRE2
namespace {

// An encoding's published split pattern (data/tokenizers/encodings.json),
// or "" if it cannot be read.
std::string PatternOf(std::string_view name) {
  simdjson::dom::parser parser;
  simdjson::dom::element encodings;
  std::string_view pattern;
  if (parser.load(STOCKTAKE_ENCODINGS_JSON).get(encodings) || encodings[name]["pat_str"].get(pattern)) return {};
  return std::string(pattern);
}

// Pieces found by PCRE2 JIT over all texts, or -1 if the pattern fails.
long long Pcre2Pieces(std::string_view name, const std::vector<std::string>& texts) {
  const std::string pattern = PatternOf(name);
  if (pattern.empty()) return -1;
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.c_str()), PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &error, &offset, nullptr);
  if (code == nullptr || pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0) return -1;
  pcre2_match_data* match = pcre2_match_data_create_from_pattern(code, nullptr);
  long long pieces = 0;
  for (const std::string& text : texts) {
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    for (PCRE2_SIZE pos = 0; pos < text.size();) {
      int rc = pcre2_jit_match(code, subject, text.size(), pos, PCRE2_NO_UTF_CHECK, match, nullptr);
      if (rc < 0) break;
      PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match);
      pos = ovector[1] > pos ? ovector[1] : pos + 1;
      ++pieces;
    }
  }
  pcre2_match_data_free(match);
  pcre2_code_free(code);
  return pieces;
}

}  // namespace
#endif

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
  const int64_t loaded = bench::LoadJsonlTexts(path, &texts);
  if (loaded < 0) return 1;
  const uint64_t bytes = static_cast<uint64_t>(loaded);
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
#ifdef STOCKTAKE_HAVE_PCRE2
    if (split_only) {
      std::vector<double> pcre2_seconds;
      long long pieces = 0;
      for (int r = 0; r < repeat; ++r) {
        auto start = std::chrono::steady_clock::now();
        pieces = Pcre2Pieces(name, texts);
        pcre2_seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      }
      double pbest = *std::min_element(pcre2_seconds.begin(), pcre2_seconds.end());
      std::printf("%s (split, PCRE2 JIT)\t%lld\t%llu\t%.3f\t%.2f\n", std::string(name).c_str(), pieces,
                  static_cast<unsigned long long>(bytes), pbest, static_cast<double>(bytes) / pbest / 1e6);
    }
#endif
  }
  return 0;
}
