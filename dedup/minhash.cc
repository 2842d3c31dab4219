// MinHash signatures. See minhash.h.
#include "dedup/minhash.h"

#include <fmt/format.h>

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "common/hash.h"
#include "common/hash_inline.h"

namespace stocktake::dedup {
namespace {

// splitmix64: the parameter generator (fixed, so signatures never change
// between versions for the same seed).
uint64_t SplitMix(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

constexpr uint64_t kEmpty = std::numeric_limits<uint64_t>::max();

size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;  // a stray continuation byte: one unit (input should be valid UTF-8)
}

// The portable fold: entries [begin, n).
void FoldPortable(const uint64_t* a_values, const uint64_t* b_values, uint32_t begin, uint32_t n, const uint64_t* x,
                  size_t count, uint64_t* signature) {
  for (uint32_t i = begin; i < n; ++i) {
    const uint64_t a = a_values[i], b = b_values[i];
    uint64_t m0 = signature[i], m1 = m0, m2 = m0, m3 = m0;
    size_t k = 0;
    for (; k + 4 <= count; k += 4) {
      m0 = std::min(m0, a * x[k] + b);
      m1 = std::min(m1, a * x[k + 1] + b);
      m2 = std::min(m2, a * x[k + 2] + b);
      m3 = std::min(m3, a * x[k + 3] + b);
    }
    for (; k < count; ++k) m0 = std::min(m0, a * x[k] + b);
    signature[i] = std::min(std::min(m0, m1), std::min(m2, m3));
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
// AVX-512 (F + DQ: 64-bit multiply and unsigned minimum): eight entries at
// once, the same arithmetic as the portable fold, so the same signature.
// Returns how many entries it did (a multiple of 8).
__attribute__((target("avx512f,avx512dq"))) uint32_t FoldAvx512(const uint64_t* a_values, const uint64_t* b_values,
                                                                 uint32_t n, const uint64_t* x, size_t count,
                                                                 uint64_t* signature) {
  uint32_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m512i a = _mm512_loadu_si512(a_values + i);
    const __m512i b = _mm512_loadu_si512(b_values + i);
    __m512i m0 = _mm512_loadu_si512(signature + i), m1 = m0, m2 = m0, m3 = m0;
    size_t k = 0;
    for (; k + 4 <= count; k += 4) {
      m0 = _mm512_min_epu64(m0, _mm512_add_epi64(_mm512_mullo_epi64(a, _mm512_set1_epi64(static_cast<long long>(x[k]))), b));
      m1 = _mm512_min_epu64(m1, _mm512_add_epi64(_mm512_mullo_epi64(a, _mm512_set1_epi64(static_cast<long long>(x[k + 1]))), b));
      m2 = _mm512_min_epu64(m2, _mm512_add_epi64(_mm512_mullo_epi64(a, _mm512_set1_epi64(static_cast<long long>(x[k + 2]))), b));
      m3 = _mm512_min_epu64(m3, _mm512_add_epi64(_mm512_mullo_epi64(a, _mm512_set1_epi64(static_cast<long long>(x[k + 3]))), b));
    }
    for (; k < count; ++k) {
      m0 = _mm512_min_epu64(m0, _mm512_add_epi64(_mm512_mullo_epi64(a, _mm512_set1_epi64(static_cast<long long>(x[k]))), b));
    }
    _mm512_storeu_si512(signature + i, _mm512_min_epu64(_mm512_min_epu64(m0, m1), _mm512_min_epu64(m2, m3)));
  }
  return i;
}

bool CpuHasAvx512() {
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
  return has;
}
#else
uint32_t FoldAvx512(const uint64_t*, const uint64_t*, uint32_t, const uint64_t*, size_t, uint64_t*) { return 0; }
bool CpuHasAvx512() { return false; }
#endif

std::atomic<bool> simd_allowed{true};

}  // namespace

void MinHasher::AllowSimd(bool allowed) { simd_allowed.store(allowed, std::memory_order_relaxed); }
bool MinHasher::UsesSimd() { return simd_allowed.load(std::memory_order_relaxed) && CpuHasAvx512(); }

std::string MinHashParams::Validate() const {
  if (ngram < 1 || ngram > 64) return fmt::format("ngram must be between 1 and 64 (got {})", ngram);
  if (bands < 1 || bands > 1024) return fmt::format("bands must be between 1 and 1024 (got {})", bands);
  if (rows < 1 || rows > 64) return fmt::format("rows must be between 1 and 64 (got {})", rows);
  return {};
}

MinHasher::MinHasher(const MinHashParams& params) : params_(params) {
  uint64_t state = params.seed;
  a_.resize(params.hashes());
  b_.resize(params.hashes());
  for (uint32_t i = 0; i < params.hashes(); ++i) {
    a_[i] = SplitMix(&state) | 1;  // odd: a bijection of the 64-bit values
    b_[i] = SplitMix(&state);
  }
}

// Signature entry i is min over shingles of a_i * x + b_i. Looping over the
// shingles inside, with four independent minima, keeps a_i and b_i in
// registers and the dependency chains short: 2.6x the speed of updating all
// entries per shingle (46 -> 120 MB/s of text, docs/benchmarks.md). On CPUs
// with AVX-512 (chosen at run time) eight entries go at once.
void MinHasher::Fold(const std::vector<uint64_t>& shingles, uint64_t* signature) const {
  const uint32_t n = params_.hashes();
  const uint32_t done = UsesSimd() ? FoldAvx512(a_.data(), b_.data(), n, shingles.data(), shingles.size(), signature) : 0;
  FoldPortable(a_.data(), b_.data(), done, n, shingles.data(), shingles.size(), signature);
}

bool MinHasher::SignWords(const std::vector<std::string_view>& words, std::vector<uint64_t>* signature) const {
  signature->assign(params_.hashes(), kEmpty);
  if (words.empty()) return false;
  const size_t n = params_.ngram;
  // Each word hashed once; a shingle is the hash of its n word hashes.
  thread_local std::vector<uint64_t> word_hashes;
  word_hashes.resize(words.size());
  for (size_t i = 0; i < words.size(); ++i) word_hashes[i] = Hash64Inline(words[i], params_.seed);
  const size_t span = std::min(n, words.size());
  thread_local std::vector<uint64_t> shingles;
  shingles.clear();
  for (size_t i = 0; i + span <= words.size(); ++i) {
    shingles.push_back(
        Hash64Inline(std::string_view(reinterpret_cast<const char*>(&word_hashes[i]), span * sizeof(uint64_t)), span));
  }
  Fold(shingles, signature->data());
  return true;
}

bool MinHasher::SignChars(std::string_view text, std::vector<uint64_t>* signature) const {
  signature->assign(params_.hashes(), kEmpty);
  if (text.empty()) return false;
  // Start offsets of the characters; a window of n characters is a shingle.
  thread_local std::vector<uint32_t> starts;
  starts.clear();
  for (size_t i = 0; i < text.size(); i += Utf8Length(static_cast<unsigned char>(text[i]))) {
    starts.push_back(static_cast<uint32_t>(i));
  }
  starts.push_back(static_cast<uint32_t>(text.size()));
  const size_t chars = starts.size() - 1;
  const size_t span = std::min<size_t>(params_.ngram, chars);
  thread_local std::vector<uint64_t> shingles;
  shingles.clear();
  for (size_t i = 0; i + span <= chars; ++i) {
    size_t end = std::min<size_t>(starts[i + span], text.size());
    shingles.push_back(Hash64Inline(text.substr(starts[i], end - starts[i]), params_.seed));
  }
  Fold(shingles, signature->data());
  return true;
}

void MinHasher::BandKeys(const std::vector<uint64_t>& signature, std::vector<uint64_t>* keys) const {
  keys->resize(params_.bands);
  const size_t rows = params_.rows;
  for (uint32_t band = 0; band < params_.bands; ++band) {
    std::string_view bytes(reinterpret_cast<const char*>(signature.data() + band * rows), rows * sizeof(uint64_t));
    (*keys)[band] = Hash64(bytes, band + 1);
  }
}

double MinHasher::DetectionProbability(double s) const {
  return 1.0 - std::pow(1.0 - std::pow(s, params_.rows), params_.bands);
}

double MinHasher::EstimatedJaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty() || a.size() != b.size()) return 0;
  size_t equal = 0;
  for (size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / static_cast<double>(a.size());
}

}  // namespace stocktake::dedup
