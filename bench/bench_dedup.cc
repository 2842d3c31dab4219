// Near-duplicate signature speed, one thread: MB/s of text for the steps a
// document goes through in the shard pass (dedup normal form, UAX #29 words,
// MinHash signature and band keys) on the texts of a JSON-lines file (the
// `text` field, as `stocktake extract` writes it).
//
//   stocktake-bench-dedup [--repeat N] TEXTS.jsonl

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "dedup/minhash.h"
#include "quality/normalize.h"
#include "quality/segment.h"

using namespace stocktake;

int main(int argc, char** argv) {
  int repeat = 3;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else {
      path = argv[i];
    }
  }
  if (path.empty() || repeat < 1) {
    std::fprintf(stderr, "usage: stocktake-bench-dedup [--repeat N] TEXTS.jsonl\n");
    return 2;
  }
  std::vector<std::string> texts;
  const int64_t loaded = bench::LoadJsonlTexts(path, &texts);
  if (loaded < 0) return 1;
  const uint64_t bytes = static_cast<uint64_t>(loaded);

  quality::TextNormalizer normalizer;
  quality::Segmenter segmenter;
  dedup::MinHasher hasher{dedup::MinHashParams{}};
  // Stage inputs, computed once so each stage is timed alone.
  std::vector<std::string> forms;
  std::vector<std::vector<std::string_view>> words(texts.size());
  for (const std::string& t : texts) forms.emplace_back(normalizer.DedupForm(t));
  for (size_t i = 0; i < texts.size(); ++i) segmenter.Words(forms[i], &words[i]);

  auto time_best = [&](auto&& body) {
    double best = 1e30;
    for (int r = 0; r < repeat; ++r) {
      auto start = std::chrono::steady_clock::now();
      body();
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
  };
  uint64_t sink = 0;
  std::vector<std::string_view> scratch;
  std::vector<uint64_t> signature, keys;
  double form_s = time_best([&] {
    for (const std::string& t : texts) sink += normalizer.DedupForm(t).size();
  });
  double words_s = time_best([&] {
    for (const std::string& f : forms) {
      scratch.clear();
      segmenter.Words(f, &scratch);
      sink += scratch.size();
    }
  });
  auto sign = [&] {
    for (const auto& w : words) {
      if (hasher.SignWords(w, &signature)) hasher.BandKeys(signature, &keys);
      sink += keys.empty() ? 0 : keys[0] & 1;
    }
  };
  // The portable fold first, as the baseline of the same run.
  dedup::MinHasher::AllowSimd(false);
  double portable_s = time_best(sign);
  dedup::MinHasher::AllowSimd(true);
  const bool simd = dedup::MinHasher::UsesSimd();
  double sign_s = time_best(sign);
  auto row = [&](const char* what, double s) {
    std::printf("%-36s %8.3f s %9.1f MB/s\n", what, s, static_cast<double>(bytes) / s / 1e6);
  };
  std::printf("%zu texts, %.1f MB of text, best of %d (checksum %llu)\n", texts.size(), bytes / 1e6, repeat,
              static_cast<unsigned long long>(sink % 10));
  row("dedup normal form", form_s);
  row("UAX #29 words", words_s);
  row("MinHash, portable fold", portable_s);
  row(simd ? "MinHash 14x8 + band keys (AVX-512)" : "MinHash 14x8 + band keys", sign_s);
  row("all three", form_s + words_s + sign_s);
  return 0;
}
