#include "dedup/minhash.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "test_support/test_support.h"

namespace stocktake::dedup {
namespace {

std::vector<std::string> SplitWords(const std::string& text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

std::vector<std::string_view> Views(const std::vector<std::string>& words) {
  return {words.begin(), words.end()};
}

// Shingles as strings: the brute-force ground truth.
std::set<std::string> Shingles(const std::vector<std::string>& words, size_t n) {
  std::set<std::string> out;
  size_t span = std::min(n, words.size());
  for (size_t i = 0; i + span <= words.size(); ++i) {
    std::string s;
    for (size_t k = 0; k < span; ++k) s += words[i + k] + '\x01';
    out.insert(s);
  }
  return out;
}

double Jaccard(const std::set<std::string>& a, const std::set<std::string>& b) {
  size_t common = 0;
  for (const auto& s : a) common += b.count(s);
  size_t all = a.size() + b.size() - common;
  return all == 0 ? 1.0 : static_cast<double>(common) / static_cast<double>(all);
}

// Real pages from ../shared/corpus (the token fixture's extracted texts).
std::vector<std::vector<std::string>> CorpusDocuments(size_t min_words) {
  simdjson::dom::parser parser;
  std::vector<std::vector<std::string>> docs;
  for (simdjson::dom::element line : parser.load_many(testing::SourcePath("tests/stats/tokens/texts.jsonl"))) {
    std::string_view name = line["name"];
    if (name.substr(0, 5) != "page:") continue;
    auto words = SplitWords(std::string(std::string_view(line["text"])));
    if (words.size() >= min_words) docs.push_back(std::move(words));
  }
  return docs;
}

// Substitutions, deletions and insertions at rate `rate` per word.
std::vector<std::string> Edit(const std::vector<std::string>& words, double rate, std::mt19937_64* rng) {
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::string> out;
  for (const std::string& w : words) {
    double r = u(*rng);
    if (r < rate / 3) {
      out.push_back("zq" + std::to_string((*rng)() % 100000));  // substituted
    } else if (r < 2 * rate / 3) {
      continue;  // deleted
    } else if (r < rate) {
      out.push_back(w);
      out.push_back("zq" + std::to_string((*rng)() % 100000));  // inserted
    } else {
      out.push_back(w);
    }
  }
  return out;
}

struct Pair {
  double jaccard;
  bool detected;
  double estimated;
};

std::vector<Pair> EditedPairs(const MinHasher& hasher, size_t variants, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<Pair> pairs;
  std::vector<uint64_t> sa, sb, ka, kb;
  for (const auto& doc : CorpusDocuments(60)) {
    const auto base = Shingles(doc, hasher.params().ngram);
    hasher.SignWords(Views(doc), &sa);
    hasher.BandKeys(sa, &ka);
    for (size_t v = 0; v < variants; ++v) {
      auto edited = Edit(doc, 0.2 * std::pow(u(rng), 1.3), &rng);
      hasher.SignWords(Views(edited), &sb);
      hasher.BandKeys(sb, &kb);
      bool shared = false;
      for (size_t band = 0; band < ka.size(); ++band) shared |= ka[band] == kb[band];
      pairs.push_back({Jaccard(base, Shingles(edited, hasher.params().ngram)), shared,
                       MinHasher::EstimatedJaccard(sa, sb)});
    }
  }
  return pairs;
}

// The detection rate at each similarity follows 1 - (1 - s^r)^b: in every
// bin of width 0.05 over [0.3, 1.0], the number of detected pairs is within
// 4 standard deviations of the sum of the pairs' detection probabilities.
void CheckSCurve(const MinHashParams& params, uint64_t seed) {
  MinHasher hasher(params);
  std::vector<Pair> pairs = EditedPairs(hasher, 40, seed);
  size_t bins_checked = 0;
  for (int bin = 0; bin < 14; ++bin) {
    double lo = 0.3 + 0.05 * bin, hi = lo + 0.05;
    double expected = 0, variance = 0;
    size_t observed = 0, count = 0;
    for (const Pair& p : pairs) {
      if (p.jaccard < lo || p.jaccard >= hi + (bin == 13 ? 1e-9 : 0)) continue;
      double q = hasher.DetectionProbability(p.jaccard);
      expected += q;
      variance += q * (1 - q);
      observed += p.detected;
      ++count;
    }
    std::printf("%ux%u  s [%.2f, %.2f)  pairs %4zu  detected %4zu  expected %7.1f\n", params.bands, params.rows, lo,
                hi, count, observed, expected);
    if (count < 40) continue;
    ++bins_checked;
    EXPECT_LE(std::abs(static_cast<double>(observed) - expected), 4 * std::sqrt(variance) + 1)
        << params.bands << "x" << params.rows << " s in [" << lo << ", " << hi << "): " << observed << " of "
        << count << " detected, expected " << expected;
  }
  EXPECT_GE(bins_checked, 10u) << "edits must spread the pairs over the similarity range";
  // Estimated Jaccard is unbiased: mean error near zero.
  double error = 0;
  for (const Pair& p : pairs) error += p.estimated - p.jaccard;
  EXPECT_LT(std::abs(error / static_cast<double>(pairs.size())), 0.01);
}

TEST(MinHashTest, DetectionFollowsTheSCurveForFineWebDefaults) { CheckSCurve(MinHashParams{}, 1); }

TEST(MinHashTest, DetectionFollowsTheSCurveForTwentyBandsOfFive) {
  MinHashParams params;
  params.bands = 20;
  params.rows = 5;
  CheckSCurve(params, 2);
}

TEST(MinHashTest, SignaturesAreDeterministicAndSeeded) {
  auto words = SplitWords("the quick brown fox jumps over the lazy dog again and again");
  MinHasher a(MinHashParams{}), b(MinHashParams{});
  std::vector<uint64_t> sa, sb;
  ASSERT_TRUE(a.SignWords(Views(words), &sa));
  ASSERT_TRUE(b.SignWords(Views(words), &sb));
  EXPECT_EQ(sa, sb);
  EXPECT_EQ(sa.size(), 112u);
  MinHashParams other;
  other.seed = 7;
  MinHasher c(other);
  std::vector<uint64_t> sc;
  c.SignWords(Views(words), &sc);
  EXPECT_LT(MinHasher::EstimatedJaccard(sa, sc), 0.1);
  std::vector<uint64_t> keys;
  a.BandKeys(sa, &keys);
  EXPECT_EQ(keys.size(), 14u);
}

TEST(MinHashTest, VectorAndPortableFoldsGiveTheSameSignatures) {
  // On a CPU without AVX-512 both runs take the portable path; on one with
  // it (the CI machines have it) this compares the two folds.
  std::mt19937_64 rng(11);
  std::vector<std::string> vocabulary;
  for (int i = 0; i < 500; ++i) vocabulary.push_back("w" + std::to_string(rng() % 100000));
  for (MinHashParams params : {MinHashParams{}, MinHashParams{5, 20, 5}, MinHashParams{3, 3, 3}}) {
    MinHasher hasher(params);
    for (size_t length : {1, 3, 4, 5, 7, 8, 9, 64, 1000}) {
      std::vector<std::string_view> words;
      for (size_t i = 0; i < length; ++i) words.push_back(vocabulary[rng() % vocabulary.size()]);
      std::vector<uint64_t> simd, portable;
      MinHasher::AllowSimd(true);
      ASSERT_TRUE(hasher.SignWords(words, &simd));
      MinHasher::AllowSimd(false);
      EXPECT_FALSE(MinHasher::UsesSimd());
      ASSERT_TRUE(hasher.SignWords(words, &portable));
      MinHasher::AllowSimd(true);
      EXPECT_EQ(simd, portable) << params.bands << "x" << params.rows << ", " << length << " words";
    }
  }
}

TEST(MinHashTest, ShortAndEmptyDocuments) {
  MinHasher hasher(MinHashParams{});
  std::vector<uint64_t> one, two, none;
  auto short_a = SplitWords("only three words");
  auto short_b = SplitWords("only three words");
  auto short_c = SplitWords("only four words here");
  ASSERT_TRUE(hasher.SignWords(Views(short_a), &one));
  ASSERT_TRUE(hasher.SignWords(Views(short_b), &two));
  EXPECT_EQ(one, two) << "fewer than n words: one shingle of all of them";
  hasher.SignWords(Views(short_c), &two);
  EXPECT_NE(one, two);
  EXPECT_FALSE(hasher.SignWords({}, &none));
}

TEST(MinHashTest, CharacterShinglesWorkWithoutSpaces) {
  MinHashParams params;
  params.char_shingles = true;
  params.ngram = 3;
  MinHasher hasher(params);
  // Chinese: no spaces, so word shingles of a whitespace split would be one
  // shingle; character shingles see the shared text.
  const std::string a = "我们的目标是测量网络上有多少可用的文本并且每一个数字都可以追溯";
  const std::string b = "我们的目标是测量网络上有多少可用的文本并且每一个数字都可以核对";
  const std::string c = "完全不同的一句话讲的是天气和晚饭吃什么的问题而已";
  std::vector<uint64_t> sa, sb, sc;
  ASSERT_TRUE(hasher.SignChars(a, &sa));
  hasher.SignChars(b, &sb);
  hasher.SignChars(c, &sc);
  EXPECT_GT(MinHasher::EstimatedJaccard(sa, sb), 0.6);
  EXPECT_LT(MinHasher::EstimatedJaccard(sa, sc), 0.2);
  EXPECT_FALSE(hasher.SignChars("", &sa));
}

TEST(MinHashTest, BandKeysDependOnTheBand) {
  MinHasher hasher(MinHashParams{});
  std::vector<uint64_t> signature(112, 42), keys;
  hasher.BandKeys(signature, &keys);
  EXPECT_EQ(std::set<uint64_t>(keys.begin(), keys.end()).size(), keys.size());
}

TEST(MinHashTest, ParametersAreValidated) {
  MinHashParams p;
  EXPECT_EQ(p.Validate(), "");
  p.rows = 0;
  EXPECT_NE(p.Validate(), "");
  p = MinHashParams{};
  p.ngram = 100;
  EXPECT_NE(p.Validate(), "");
}

}  // namespace
}  // namespace stocktake::dedup
