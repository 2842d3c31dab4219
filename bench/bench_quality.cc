// stocktake-bench-quality: speed of the quality stage on the benchmark
// shards, in MB/s of extracted text on one thread.
//
// Extracts the main text of every STRIDE-th HTML page into memory, then
// times, alternating and repeated (medians):
//   normalize     TextNormalizer::Normalize (layout, controls, NFC)
//   language      CLD2 on the normalized text (quick sample, then full)
//   words         UAX #29 words with the ASCII/Latin fast path
//   words (ICU)   the same through ICU's break iterator only (the baseline)
//   rules         every rule of the default tiers (QualityAssessor::Assess)
//   stage         normalize + language + rules: what the pipeline runs
//   stage, no quick sample   the same with language ID on the 4 KiB sample only
//
// Usage: stocktake-bench-quality [--stride N] [--repeat N] SHARD...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "crawler/extractor.h"
#include "bench_common.h"
#include "quality/language.h"
#include "quality/normalize.h"
#include "quality/segment.h"
#include "quality/tiers.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace q = stocktake::quality;
// The default [quality] language_sample_bytes, language_quick_sample_bytes
// and language_quick_min_score.
constexpr q::LanguageSampling kSampling{4096, 1024, 0.95};
// The same without the quick sample: the baseline of the "stage, no quick
// sample" pass.
constexpr q::LanguageSampling kFullSampleOnly{4096, 0, 0.95};

}  // namespace

int main(int argc, char** argv) {
  using stocktake::bench::Median;
  stocktake::bench::PageBenchArgs args;
  const char* usage = "stocktake-bench-quality [--stride N] [--repeat N] [--profile RULE|assess|stage] SHARD...";
  if (!stocktake::bench::ParsePageBenchArgs(argc, argv, usage, &args)) return 2;
  const size_t stride = args.stride;
  const int repeat = args.repeat;
  const std::string& profile_rule = args.profile;
  const std::vector<std::string>& shards = args.shards;

  std::vector<std::string> texts;
  uint64_t text_bytes = 0;
  {
    std::vector<std::string> pages;
    stocktake::bench::LoadHtmlPages(shards, stride, &pages);
    stocktake::crawler::Extractor extractor;
    for (const std::string& page : pages) {
      std::string_view text = extractor.Extract(page).text;
      if (text.empty()) continue;
      texts.emplace_back(text);
      text_bytes += text.size();
    }
  }

  std::string error;
  auto model = q::QualityModel::Create(q::QualityConfig{}, &error);
  if (model == nullptr) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  q::QualityAssessor assessor(model.get());  // every rule value, as `stocktake extract` needs
  q::QualityAssessor decider(model.get(), q::RuleDetail::kDecision);  // as `stocktake run` assesses
  q::TextNormalizer normalizer;
  q::Segmenter segmenter;

  // Inputs of the per-step passes: normalized texts and their languages.
  std::vector<std::string> normalized;
  std::vector<q::LanguageGuess> languages;
  std::map<std::string, size_t> by_language;
  std::vector<size_t> by_tier(model->tier_count() + 1, 0);
  for (const std::string& t : texts) {
    normalized.emplace_back(normalizer.Normalize(t));
    languages.push_back(q::IdentifyLanguage(normalized.back()));
    by_language[languages.back().code]++;
    by_tier[assessor.Assess(normalized.back(), languages.back()).tier + 1]++;
  }
  if (profile_rule == "assess" || profile_rule == "stage") {
    const bool stage = profile_rule == "stage";
    uint64_t sum = 0;
    std::string sample;
    for (int rep = 0; rep < repeat * 10; ++rep) {
      for (size_t i = 0; i < texts.size(); ++i) {
        if (stage) {
          std::string_view n = decider.Normalize(texts[i]);
          sum += decider.Assess(n, q::IdentifyLanguage(n, kSampling, &sample)).tier;
        } else {
          sum += assessor.Assess(normalized[i], languages[i]).tier;
        }
      }
    }
    return sum == 42 ? 1 : 0;
  }
  if (!profile_rule.empty()) {
    q::TextFacts facts;
    q::RuleScratch scratch;
    uint64_t sum = 0;
    for (size_t r = 0; r < model->rule_count(); ++r) {
      if (model->rule(r).spec().name != profile_rule) continue;
      for (int rep = 0; rep < repeat * 10; ++rep) {
        for (size_t i = 0; i < texts.size(); ++i) {
          facts.Reset(normalized[i], &languages[i], &segmenter);
          sum += static_cast<uint64_t>(model->rule(r).Evaluate(&facts, &scratch).status);
        }
      }
    }
    return sum == 42 ? 1 : 0;
  }
  std::printf("%zu documents, %.1f MB of main text (every %zu-th page of %zu shards), %d repetitions, 1 thread\n",
              texts.size(), text_bytes / 1e6, stride, shards.size(), repeat);
  std::printf("languages:");
  for (const auto& [code, n] : by_language) std::printf(" %s %zu", code.c_str(), n);
  std::printf("\ntiers:");
  for (size_t t = 0; t < by_tier.size(); ++t) {
    std::printf(" %s %zu", t == 0 ? "none" : model->tier_name(t - 1).c_str(), by_tier[t]);
  }
  std::printf("\n");

  struct Pass {
    const char* name;
    std::vector<double> seconds;
  };
  std::vector<Pass> passes = {{"normalize", {}},
                              {"language", {}},
                              {"words", {}},
                              {"words (ICU only)", {}},
                              {"rules, every value", {}},
                              {"rules", {}},
                              {"stage", {}},
                              {"stage, no quick sample", {}}};
  std::vector<std::string_view> words;
  std::string sample;
  uint64_t sink = 0;
  for (int rep = 0; rep < repeat; ++rep) {
    for (Pass& p : passes) {
      std::string name = p.name;
      auto start = Clock::now();
      for (size_t i = 0; i < texts.size(); ++i) {
        if (name == "normalize") {
          sink += normalizer.Normalize(texts[i]).size();
        } else if (name == "language") {
          sink += q::IdentifyLanguage(normalized[i], kSampling, &sample).text_bytes;
        } else if (name == "words") {
          words.clear();
          segmenter.Words(normalized[i], &words);
          sink += words.size();
        } else if (name == "words (ICU only)") {
          words.clear();
          segmenter.WordsIcu(normalized[i], &words);
          sink += words.size();
        } else if (name == "rules, every value") {
          sink += assessor.Assess(normalized[i], languages[i]).tier;
        } else if (name == "rules") {
          sink += decider.Assess(normalized[i], languages[i]).tier;
        } else {
          std::string_view n = decider.Normalize(texts[i]);
          q::LanguageGuess g =
              q::IdentifyLanguage(n, name == "stage" ? kSampling : kFullSampleOnly, &sample);
          sink += decider.Assess(n, g).tier;
        }
      }
      p.seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
  }
  // Each rule alone, on facts whose words and lines are already computed.
  std::vector<double> rule_seconds(model->rule_count(), 0);
  {
    q::TextFacts facts;
    q::RuleScratch scratch;
    for (int rep = 0; rep < repeat; ++rep) {
      for (size_t i = 0; i < texts.size(); ++i) {
        facts.Reset(normalized[i], &languages[i], &segmenter);
        facts.words();
        facts.lines();
        facts.chars();
        for (size_t r = 0; r < model->rule_count(); ++r) {
          auto start = Clock::now();
          sink += static_cast<uint64_t>(model->rule(r).Evaluate(&facts, &scratch).status);
          rule_seconds[r] += std::chrono::duration<double>(Clock::now() - start).count();
        }
      }
    }
  }
  for (size_t r = 0; r < model->rule_count(); ++r) {
    double sec = rule_seconds[r] / repeat;
    std::printf("  rule %-18s %8.1f MB/s  (%.3f s)\n", model->rule(r).spec().name.c_str(), text_bytes / 1e6 / sec, sec);
  }
  // Language ID on a sample of the text: speed and agreement with the whole text.
  for (size_t cap : {1024, 2048, 4096, 8192, 16384, 65536}) {
    size_t agree = 0;
    std::string sample;
    auto start = Clock::now();
    for (size_t i = 0; i < texts.size(); ++i) {
      q::LanguageGuess g = q::IdentifyLanguage(normalized[i], cap, &sample);
      agree += g.code == languages[i].code;
    }
    double sec = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("  language, sample of %6zu bytes %8.1f MB/s  agrees on %.2f%% of documents\n", cap,
                text_bytes / 1e6 / sec, 100.0 * agree / texts.size());
  }
  // A quick sample first, the full one only when the quick guess is not
  // reliable or scores under the bar: speed, agreement with the whole text
  // and with the full sample alone, and how often the language rule's
  // default bar (0.65) is decided the same way.
  for (size_t quick : {512, 1024}) {
    for (double min_score : {0.9, 0.95, 0.99}) {
      q::LanguageSampling sampling = kSampling;
      sampling.quick_bytes = quick;
      sampling.quick_min_score = min_score;
      std::vector<q::LanguageGuess> guesses;
      size_t quick_decided = 0;
      std::string sample;
      auto start = Clock::now();
      for (size_t i = 0; i < texts.size(); ++i) {
        q::LanguageSample decided_on;
        guesses.push_back(q::IdentifyLanguage(normalized[i], sampling, &sample, &decided_on));
        quick_decided += decided_on == q::LanguageSample::kQuick;
      }
      double sec = std::chrono::duration<double>(Clock::now() - start).count();
      size_t agree_whole = 0, agree_full = 0, same_bar = 0;
      for (size_t i = 0; i < texts.size(); ++i) {
        q::LanguageGuess full = q::IdentifyLanguage(normalized[i], kSampling.sample_bytes, &sample);
        agree_whole += guesses[i].code == languages[i].code;
        agree_full += guesses[i].code == full.code;
        same_bar += (guesses[i].score >= 0.65) == (full.score >= 0.65);
      }
      std::printf(
          "  language, quick %4zu at %.2f %8.1f MB/s  agrees on %.2f%% (full sample %.2f%%, bar %.2f%%), "
          "%.1f%% decided quick\n",
          quick, min_score, text_bytes / 1e6 / sec, 100.0 * agree_whole / texts.size(),
          100.0 * agree_full / texts.size(), 100.0 * same_bar / texts.size(), 100.0 * quick_decided / texts.size());
    }
  }
  double icu = text_bytes / 1e6 / Median(passes[3].seconds);
  for (const Pass& p : passes) {
    double mbs = text_bytes / 1e6 / Median(p.seconds);
    std::printf("%-20s %8.1f MB/s  (%.2f s)   %.2fx ICU word segmentation\n", p.name, mbs, Median(p.seconds),
                mbs / icu);
  }
  return sink == 42 ? 1 : 0;
}
