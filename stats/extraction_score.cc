// Shingle matching with hashed shingles: each 4-token window is reduced to a
// 64-bit hash of its tokens (tokens joined with a separator byte that cannot
// occur in a \w token), and the multisets are compared by sorting. Collisions
// at 64 bits are negligible for pages of a few thousand shingles.
#include "stats/extraction_score.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>

#include "common/hash.h"

namespace stocktake::stats {

namespace {

bool IsWordChar(UChar32 c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  if (u_isalpha(c)) return true;
  int8_t type = u_charType(c);
  return type == U_DECIMAL_DIGIT_NUMBER || type == U_LETTER_NUMBER || type == U_OTHER_NUMBER;
}

std::vector<uint64_t> Shingles(std::string_view text) {
  std::vector<std::string> tokens = WordTokens(text);
  std::vector<uint64_t> out;
  const size_t n = 4;
  size_t windows = tokens.size() >= n ? tokens.size() - n + 1 : 1;
  std::string key;
  for (size_t i = 0; i < windows; ++i) {
    key.clear();
    for (size_t k = i; k < std::min(i + n, tokens.size()); ++k) {
      key += tokens[k];
      key.push_back('\x01');
    }
    if (!key.empty()) out.push_back(Hash64(key));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<std::string> WordTokens(std::string_view text) {
  std::vector<std::string> tokens;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t len = static_cast<int32_t>(text.size());
  int32_t i = 0;
  std::string cur;
  while (i < len) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, len, c);
    if (c >= 0 && IsWordChar(c)) {
      cur.append(text.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
    } else if (!cur.empty()) {
      tokens.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) tokens.push_back(std::move(cur));
  return tokens;
}

ShingleMatch MatchShingles(std::string_view expected, std::string_view predicted) {
  std::vector<uint64_t> t = Shingles(expected), p = Shingles(predicted);
  double tp = 0, fp = 0, fn = 0;
  size_t i = 0, j = 0;
  while (i < t.size() || j < p.size()) {
    if (j >= p.size() || (i < t.size() && t[i] < p[j])) {
      ++fn, ++i;
    } else if (i >= t.size() || p[j] < t[i]) {
      ++fp, ++j;
    } else {
      ++tp, ++i, ++j;
    }
  }
  ShingleMatch m{tp, fp, fn};
  double sum = tp + fp + fn;
  if (sum > 0) m = ShingleMatch{tp / sum, fp / sum, fn / sum};
  return m;
}

double PagePrecision(const ShingleMatch& m) {
  if (m.fp == 0 && m.fn == 0) return 1;
  if (m.tp == 0 && m.fp == 0) return 0;
  return m.tp / (m.tp + m.fp);
}

double PageRecall(const ShingleMatch& m) {
  if (m.fp == 0 && m.fn == 0) return 1;
  if (m.tp == 0 && m.fn == 0) return 0;
  return m.tp / (m.tp + m.fn);
}

ExtractionScore Aggregate(const std::vector<ShingleMatch>& pages) {
  ExtractionScore s;
  s.pages = pages.size();
  double p_sum = 0, r_sum = 0;
  size_t p_n = 0, r_n = 0;
  for (const ShingleMatch& m : pages) {
    if (m.tp + m.fp > 0) p_sum += PagePrecision(m), ++p_n;
    if (m.tp + m.fn > 0) r_sum += PageRecall(m), ++r_n;
  }
  s.precision = p_n > 0 ? p_sum / static_cast<double>(p_n) : 0;
  s.recall = r_n > 0 ? r_sum / static_cast<double>(r_n) : 0;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  return s;
}

}  // namespace stocktake::stats
