// Word counting with an ASCII fast path: a byte below 0x80 is classified by a
// 128-entry table; only multi-byte sequences are decoded and checked against
// ICU's White_Space property.
#include "stats/word_count.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <climits>

namespace stocktake::stats {

namespace {
constexpr std::array<bool, 128> MakeAsciiSpace() {
  std::array<bool, 128> t{};
  for (int c : {0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20}) t[c] = true;
  return t;
}
constexpr std::array<bool, 128> kAsciiSpace = MakeAsciiSpace();
}  // namespace

uint64_t CountWhitespaceWords(std::string_view utf8) {
  uint64_t words = 0;
  bool in_word = false;
  const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
  const int32_t n = static_cast<int32_t>(std::min<size_t>(utf8.size(), INT32_MAX));
  int32_t i = 0;
  while (i < n) {
    bool space;
    if (s[i] < 0x80) {
      space = kAsciiSpace[s[i]];
      ++i;
      if (!space) {
        // The rest of a run of ASCII word bytes adds nothing.
        while (i < n && s[i] < 0x80 && !kAsciiSpace[s[i]]) ++i;
      }
    } else {
      UChar32 c;
      U8_NEXT(s, i, n, c);
      space = c >= 0 && u_isUWhiteSpace(c);
    }
    if (space) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++words;
    }
  }
  return words;
}

}  // namespace stocktake::stats
