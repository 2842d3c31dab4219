// Fuzz target: charset detection and conversion to UTF-8. The first byte
// picks a declared charset (HTTP Content-Type) from a list that covers the
// converters we use (UTF-8, single-byte, CJK multi-byte, UTF-16); the rest
// is the payload. Invariants: no crash; the output is valid UTF-8; it is
// never longer than a bounded multiple of the input (each input byte gives
// at most one U+FFFD, three bytes, or one character of at most four).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crawler/charset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake::crawler;
  static constexpr std::string_view kTypes[] = {
      "",  "text/html", "text/html; charset=utf-8", "text/html; charset=iso-8859-1",
      "text/html; charset=windows-1251", "text/html; charset=shift_jis", "text/html; charset=gb2312",
      "text/html; charset=big5", "text/html; charset=euc-kr", "text/html; charset=utf-16",
      "text/html; charset=utf-16be", "text/html; charset=koi8-r", "text/html; charset=no-such-charset",
      "text/plain; charset=\"utf-8", "text/html; charset=iso-2022-jp", "text/html; charset=euc-jp"};
  if (size == 0) return 0;
  static CharsetConverter converter;
  const std::string_view type = kTypes[data[0] % std::size(kTypes)];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (bool html : {true, false}) {
    Utf8Text out = converter.ToUtf8(bytes, type, html);
    if (ValidUtf8Prefix(out.text) != out.text.size()) std::abort();
    if (out.text.size() > 4 * bytes.size() + 4) std::abort();
  }
  // Conversion from a named charset directly, as the record path does.
  uint64_t replaced = 0;
  const std::string charset = CanonicalCharset(type.substr(type.find('=') == std::string_view::npos ? type.size()
                                                                                                  : type.find('=') + 1));
  if (!charset.empty()) {
    std::string_view text = converter.Convert(bytes, charset, &replaced);
    if (ValidUtf8Prefix(text) != text.size()) std::abort();
  }
  return 0;
}
