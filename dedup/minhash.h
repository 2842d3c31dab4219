// MinHash signatures and LSH band keys for near-duplicate detection.
//
// A document is a set of shingles: its word n-grams (default 5 words, as in
// FineWeb), or its character n-grams. Each shingle is hashed once to 64 bits
// (XXH3 over the n word hashes, or over the n characters' bytes); signature
// entry i is the minimum of h_i(x) = a_i * x + b_i (mod 2^64) over the
// shingles x, with odd a_i: 64-bit bijections, one multiply-add per entry.
// For two documents with shingle-set Jaccard similarity s each entry agrees
// with probability s, so with b bands of r rows a pair shares at least one
// band key with probability 1 - (1 - s^r)^b. tests/dedup/minhash_test.cc
// checks that curve on edited real pages.
//
// A document with fewer than n words has one shingle: all its words. A
// document without words has no signature (its band keys are not emitted).
//
// Everything depends only on the parameters (seeded deterministically), so
// signatures are comparable across runs, machines and thread counts.
// Immutable after construction; thread-safe.
#ifndef STOCKTAKE_DEDUP_MINHASH_H_
#define STOCKTAKE_DEDUP_MINHASH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stocktake::dedup {

struct MinHashParams {
  uint32_t ngram = 5;          // words per shingle (characters with char_shingles)
  uint32_t bands = 14;
  uint32_t rows = 8;           // signature length = bands * rows
  bool char_shingles = false;  // shingles of `ngram` characters instead of words
  uint64_t seed = 0x5eed;

  uint32_t hashes() const { return bands * rows; }
  // Empty if valid, else what is wrong.
  std::string Validate() const;
};

class MinHasher {
 public:
  explicit MinHasher(const MinHashParams& params);

  const MinHashParams& params() const { return params_; }

  // The signature of a document given as its words (views into its
  // dedup-normalized text). False if there is nothing to sign.
  bool SignWords(const std::vector<std::string_view>& words, std::vector<uint64_t>* signature) const;
  // The signature over the characters of `text` (char_shingles).
  bool SignChars(std::string_view text, std::vector<uint64_t>* signature) const;

  // One 64-bit key per band: XXH3 of the band's rows, seeded by the band.
  void BandKeys(const std::vector<uint64_t>& signature, std::vector<uint64_t>* keys) const;

  // Probability that a pair with Jaccard similarity `s` shares a band key.
  double DetectionProbability(double s) const;

  // Whether signatures use the AVX-512 fold (the CPU has AVX-512 F and DQ and
  // it is allowed). Both folds give the same signatures; AllowSimd(false)
  // forces the portable one (tests and benchmarks compare the two).
  static bool UsesSimd();
  static void AllowSimd(bool allowed);

  // Fraction of equal entries: an unbiased estimate of the Jaccard similarity.
  static double EstimatedJaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

 private:
  void Fold(const std::vector<uint64_t>& shingles, uint64_t* signature) const;

  MinHashParams params_;
  std::vector<uint64_t> a_;
  std::vector<uint64_t> b_;
};

}  // namespace stocktake::dedup

#endif  // STOCKTAKE_DEDUP_MINHASH_H_
