// Segmentation. The fast path classifies each character of an ASCII/Latin-1
// line into the UAX #29 word-break classes that occur there and applies
// rules WB3d, WB5-WB13b; ICU's root rules differ from UAX #29 in one place
// that matters here (':' is not MidLetter), and the fast path follows ICU.
// tests/quality/segment_test.cc checks the two paths agree on real text.
#include "quality/segment.h"

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <unicode/utext.h>

#include <cstring>

namespace stocktake::quality {

namespace {

enum Class : uint8_t { kOther, kLetter, kNumeric, kMidLetter, kMidNumLet, kSingleQuote, kMidNum, kExtendNumLet, kSpace };

// Class of the character at s[i] and its length; length 0 means "not in the
// fast path's alphabet".
inline Class Classify(const unsigned char* s, size_t left, size_t* len) {
  unsigned char c = s[0];
  *len = 1;
  if (c < 0x80) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return kLetter;
    if (c >= '0' && c <= '9') return kNumeric;
    switch (c) {
      case '.': return kMidNumLet;
      case '\'': return kSingleQuote;
      case ',': case ';': return kMidNum;
      case '_': return kExtendNumLet;
      // Whitespace segments are dropped and break words on both sides, so tab,
      // CR, VT and FF may merge with spaces here without changing any word.
      case ' ': case '\t': case '\r': case '\v': case '\f': return kSpace;
      default: return kOther;
    }
  }
  if (left >= 2 && (c == 0xC3 || c == 0xC2)) {
    unsigned char d = s[1];
    *len = 2;
    if (c == 0xC3) return (d == 0x97 || d == 0xB7) ? kOther : kLetter;  // U+00C0-U+00FF but x and /
    if (d == 0xAA || d == 0xB5 || d == 0xBA) return kLetter;            // ª µ º
    if (d == 0xB7) return kMidLetter;                                    // ·
  }
  *len = 0;
  return kOther;
}

bool FastPathLine(std::string_view line) {
  const auto* s = reinterpret_cast<const unsigned char*>(line.data());
  size_t i = 0, len = 0;
  while (i < line.size()) {
    Classify(s + i, line.size() - i, &len);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

inline bool IsAHLetter(Class c) { return c == kLetter; }
inline bool WordRun(Class c) { return c == kLetter || c == kNumeric || c == kExtendNumLet; }

void FastWords(std::string_view line, std::vector<std::string_view>* out) {
  const auto* s = reinterpret_cast<const unsigned char*>(line.data());
  const size_t n = line.size();
  size_t i = 0;
  size_t len = 0;
  while (i < n) {
    Class c = Classify(s + i, n - i, &len);
    size_t start = i;
    i += len;
    if (c == kSpace) {
      while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\v' || s[i] == '\f')) ++i;
      continue;
    }
    if (!WordRun(c)) {
      out->push_back(line.substr(start, i - start));  // punctuation: one segment per character
      continue;
    }
    Class prev = c;
    while (i < n) {
      size_t l1 = 0;
      Class x = Classify(s + i, n - i, &l1);
      if (x == kLetter || x == kNumeric) {
        // WB5, WB8, WB9, WB10, WB13b: letters and digits join, also after '_'.
        prev = x;
        i += l1;
        continue;
      }
      if (x == kExtendNumLet) {  // WB13a
        prev = x;
        i += l1;
        continue;
      }
      if (i + l1 < n) {
        size_t l2 = 0;
        Class y = Classify(s + i + l1, n - i - l1, &l2);
        bool letter_mid = IsAHLetter(prev) && IsAHLetter(y) &&
                          (x == kMidLetter || x == kMidNumLet || x == kSingleQuote);  // WB6, WB7
        bool number_mid = prev == kNumeric && y == kNumeric &&
                          (x == kMidNum || x == kMidNumLet || x == kSingleQuote);  // WB11, WB12
        if (letter_mid || number_mid) {
          prev = y;
          i += l1 + l2;
          continue;
        }
      }
      break;
    }
    out->push_back(line.substr(start, i - start));
  }
}

bool IsWhitespaceSegment(std::string_view seg) {
  const auto* s = reinterpret_cast<const uint8_t*>(seg.data());
  const int32_t n = static_cast<int32_t>(seg.size());
  int32_t i = 0;
  while (i < n) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0 || !u_isUWhiteSpace(c)) return false;
  }
  return true;
}

}  // namespace

Segmenter::Segmenter() {
  UErrorCode status = U_ZERO_ERROR;
  words_ = ubrk_open(UBRK_WORD, "", nullptr, 0, &status);
  status = U_ZERO_ERROR;
  sentences_ = ubrk_open(UBRK_SENTENCE, "", nullptr, 0, &status);
}

Segmenter::~Segmenter() {
  if (words_ != nullptr) ubrk_close(words_);
  if (sentences_ != nullptr) ubrk_close(sentences_);
  if (utext_ != nullptr) utext_close(utext_);
}

void Segmenter::IcuLine(std::string_view line, std::vector<std::string_view>* out) {
  if (line.empty() || words_ == nullptr) return;
  UErrorCode status = U_ZERO_ERROR;
  utext_ = utext_openUTF8(utext_, line.data(), static_cast<int64_t>(line.size()), &status);
  if (U_FAILURE(status)) return;
  ubrk_setUText(words_, utext_, &status);
  if (U_FAILURE(status)) return;
  int32_t prev = ubrk_first(words_);
  for (int32_t next = ubrk_next(words_); next != UBRK_DONE; prev = next, next = ubrk_next(words_)) {
    std::string_view seg = line.substr(static_cast<size_t>(prev), static_cast<size_t>(next - prev));
    if (!IsWhitespaceSegment(seg)) out->push_back(seg);
  }
}

void Segmenter::Words(std::string_view text, std::vector<std::string_view>* out) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    if (FastPathLine(line)) {
      FastWords(line, out);
    } else {
      IcuLine(line, out);
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
}

void Segmenter::WordsIcu(std::string_view text, std::vector<std::string_view>* out) { IcuLine(text, out); }

size_t Segmenter::CountSentences(std::string_view text) {
  if (text.empty() || sentences_ == nullptr) return 0;
  UErrorCode status = U_ZERO_ERROR;
  utext_ = utext_openUTF8(utext_, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return 0;
  ubrk_setUText(sentences_, utext_, &status);
  if (U_FAILURE(status)) return 0;
  size_t count = 0;
  int32_t prev = ubrk_first(sentences_);
  for (int32_t next = ubrk_next(sentences_); next != UBRK_DONE; prev = next, next = ubrk_next(sentences_)) {
    std::string_view seg = text.substr(static_cast<size_t>(prev), static_cast<size_t>(next - prev));
    for (char c : seg) {
      if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        ++count;
        break;
      }
    }
  }
  return count;
}

void SplitLines(std::string_view text, std::vector<std::string_view>* out) {
  size_t pos = 0;
  for (;;) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      out->push_back(text.substr(pos));
      return;
    }
    out->push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
}

void SplitParagraphs(std::string_view text, std::vector<std::string_view>* out) {
  while (!text.empty() && (text.front() == '\n' || text.front() == ' ')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  size_t pos = 0;
  for (;;) {
    size_t gap = text.find("\n\n", pos);
    if (gap == std::string_view::npos) {
      out->push_back(text.substr(pos));
      return;
    }
    out->push_back(text.substr(pos, gap - pos));
    pos = gap;
    while (pos < text.size() && text[pos] == '\n') ++pos;
  }
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace stocktake::quality
