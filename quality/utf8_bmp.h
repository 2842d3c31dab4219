// Decoding one BMP character of UTF-8 for the quality module's fast paths.
#ifndef STOCKTAKE_QUALITY_UTF8_BMP_H_
#define STOCKTAKE_QUALITY_UTF8_BMP_H_

#include <cstddef>
#include <cstdint>

namespace stocktake::quality {

// The BMP character of the two- or three-byte sequence at s[0] (a byte of
// 0x80 or more; `left` bytes remain), with its length in *len, or -1 if it
// is not well-formed UTF-8 (stray continuation byte, overlong form,
// surrogate, too short) or is outside the BMP. A fast path leaves such a
// sequence to ICU rather than decode through it: ICU reads it as U+FFFD
// ("L\xE1b\"" is three words to ICU, not one).
inline int32_t DecodeBmp(const unsigned char* s, size_t left, size_t* len) {
  const unsigned char c = s[0];
  if (c >= 0xC2 && c < 0xE0 && left >= 2 && (s[1] & 0xC0) == 0x80) {
    *len = 2;
    return ((c & 0x1F) << 6) | (s[1] & 0x3F);
  }
  if (c >= 0xE0 && c < 0xF0 && left >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
    const int32_t cp = ((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    *len = 3;
    return cp;
  }
  return -1;
}

}  // namespace stocktake::quality

#endif  // STOCKTAKE_QUALITY_UTF8_BMP_H_
