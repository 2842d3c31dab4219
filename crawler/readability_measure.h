// Readability's text length of a run of text nodes, as main-content detection
// counts it: code points, with every whitespace run between two characters
// counted as one, plus commas and whether a sentence ended. Internal to
// main-content detection; a header of its own so its 16-byte path can be
// tested against the byte loop.
#ifndef STOCKTAKE_CRAWLER_READABILITY_MEASURE_H_
#define STOCKTAKE_CRAWLER_READABILITY_MEASURE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/byte_scan.h"

namespace stocktake::crawler::html {

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Printable ASCII other than white space, ',' and '.'.
struct PlainAscii {
  bool yes[256];
  constexpr PlainAscii() : yes() {
    for (int c = 0x21; c < 0x7F; ++c) yes[c] = c != ',' && c != '.';
  }
};
inline constexpr PlainAscii kPlainAscii;

// True if `s` starts with one of the other commas: U+060C, U+FE50, U+FE10,
// U+FE11, U+2E41, U+2E34, U+2E32, U+FF0C (lead bytes D8, E2 and EF only).
inline bool OtherComma(std::string_view s) {
  auto at = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0; };
  switch (at(0)) {
    case 0xD8:  // U+060C
      return at(1) == 0x8C;
    case 0xE2:  // U+2E41, U+2E34, U+2E32
      return (at(1) == 0xB9 && at(2) == 0x81) || (at(1) == 0xB8 && (at(2) == 0xB4 || at(2) == 0xB2));
    case 0xEF:  // U+FE50, U+FE10, U+FE11, U+FF0C
      return (at(1) == 0xB9 && at(2) == 0x90) || (at(1) == 0xB8 && (at(2) == 0x90 || at(2) == 0x91)) ||
             (at(1) == 0xBC && at(2) == 0x8C);
    default:
      return false;
  }
}

// Code point length of the text added so far if its whitespace runs count as
// one space (leading and trailing runs not at all).
struct TextMeasure {
  size_t length = 0;
  size_t chars = 0;  // characters other than white space (length without the runs)
  size_t commas = 0;
  bool pending_space = false;
  bool any = false;
  bool ends_sentence = false;  // for ".( |$)"
  bool saw_period = false;

  // 16 bytes at a time where they are all ASCII, byte by byte elsewhere.
  void Add(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t i = 0;
#if defined(__SSE2__)
    while (i + 16 <= s.size()) {
      const __m128i v = Load16(p + i);
      if (Mask16(v) != 0) {
        i = AddBytes(s, i, i + 16);  // not all ASCII
      } else {
        AddAscii16(v);
        i += 16;
      }
    }
#else
    (void)p;
#endif
    AddBytes(s, i, s.size());
  }

  // The same, byte by byte only (the reference for tests).
  void AddBytewise(std::string_view s) { AddBytes(s, 0, s.size()); }

  bool EndsSentence() const { return ends_sentence || saw_period; }

 private:
  // Bytes [i, end) of `s`, and maybe a few after (a run of plain ASCII is
  // taken whole); returns where it stopped.
  size_t AddBytes(std::string_view s, size_t i, size_t end) {
    for (; i < end; ++i) {
      auto c = static_cast<unsigned char>(s[i]);
      if (kPlainAscii.yes[c]) {
        // A run of printable ASCII other than white space, ',' and '.': each
        // byte one character, and nothing else to note.
        size_t j = i + 1;
        while (j < s.size() && kPlainAscii.yes[static_cast<unsigned char>(s[j])]) ++j;
        if (pending_space) ++length;
        pending_space = false;
        any = true;
        length += j - i;
        chars += j - i;
        saw_period = false;
        i = j - 1;
        continue;
      }
      if (IsSpace(static_cast<char>(c))) {
        if (any) pending_space = true;
        if (saw_period) ends_sentence = true;
        saw_period = false;
        continue;
      }
      if ((c & 0xC0) == 0x80) continue;  // continuation byte
      if (pending_space) ++length;
      pending_space = false;
      any = true;
      ++length;
      ++chars;
      saw_period = c == '.';
      if (c == ',') {
        ++commas;
      } else if (c == 0xD8 || c == 0xE2 || c == 0xEF) {
        commas += OtherComma(s.substr(i));
      }
    }
    return i;
  }

#if defined(__SSE2__)
  // Sixteen ASCII bytes: every byte that is not white space is a character.
  void AddAscii16(__m128i v) {
    // White space: ' ' and \t \n \v \f \r (9 to 13).
    const __m128i low = _mm_subs_epu8(_mm_sub_epi8(v, _mm_set1_epi8(9)), _mm_set1_epi8(4));
    const uint32_t space = Mask16(_mm_or_si128(Equal16(v, ' '), _mm_cmpeq_epi8(low, _mm_setzero_si128())));
    if (space == 0xFFFF) {
      if (any) pending_space = true;
      if (saw_period) ends_sentence = true;
      saw_period = false;
      return;
    }
    const uint32_t start = ~space & 0xFFFF;  // characters
    const uint32_t periods = Mask16(Equal16(v, '.'));
    // A character after white space ends a run, if a character came before
    // the run: any before this block, or one earlier in it.
    const uint32_t seen = any ? 0xFFFFu : ~(((start & (0u - start)) << 1) - 1) & 0xFFFFu;
    uint32_t runs = PopCount16(start & (space << 1) & seen);
    if (pending_space && (start & 1)) ++runs;
    const uint32_t n = PopCount16(start);
    chars += n;
    length += n + runs;
    commas += PopCount16(Mask16(Equal16(v, ',')));
    if (((periods << 1) & space) != 0 || (saw_period && (space & 1))) ends_sentence = true;
    any = true;
    const bool last_space = (space >> 15) & 1;
    pending_space = last_space;
    saw_period = !last_space && ((periods >> 15) & 1);
  }
#endif
};

}  // namespace stocktake::crawler::html

#endif  // STOCKTAKE_CRAWLER_READABILITY_MEASURE_H_
