// Charset: find out how a page is encoded and convert it to UTF-8.
//
// Precedence follows the WHATWG encoding-sniffing rules, which is what
// browsers (and so page authors) rely on: a byte order mark, then the HTTP
// Content-Type charset, then a <meta> declaration in the first 4 KiB, then
// detection: valid UTF-8 is taken as UTF-8, anything else goes to ICU's
// detector. One deliberate departure: a declared legacy charset over bytes
// that are entirely valid, non-ASCII UTF-8 is overridden to UTF-8 (stale
// <meta> tags are common; legacy text is practically never valid UTF-8). Labels are mapped as WHATWG does (latin1/ascii -> windows-1252,
// gb2312 -> GBK, ...), so "iso-8859-1" pages with curly quotes come out right.
//
// Conversion uses ICU converters; bytes invalid in the chosen charset become
// U+FFFD and are counted. Valid UTF-8 input is returned without a copy.
//
// CharsetConverter caches one ICU converter per charset and reuses its output
// buffer: keep one per thread. Views it returns are valid until the next call.
#ifndef STOCKTAKE_CRAWLER_CHARSET_H_
#define STOCKTAKE_CRAWLER_CHARSET_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace stocktake::crawler {

enum class CharsetSource { kBom, kHttpHeader, kMeta, kDetected, kDefault };
std::string_view CharsetSourceName(CharsetSource source);

// The charset parameter of a Content-Type value ("text/html; charset=UTF-8").
std::string_view CharsetFromContentType(std::string_view content_type);
// A <meta charset=...> or <meta http-equiv content="...charset=..."> label
// within the first `scan_bytes` of `html`.
std::string_view CharsetFromMeta(std::string_view html, size_t scan_bytes = 4096);
// Maps a label to the canonical charset we convert with ("UTF-8",
// "windows-1252", "GBK", ...), or "" if the label is unknown.
std::string CanonicalCharset(std::string_view label);
// Length of the longest valid UTF-8 prefix of `bytes`.
size_t ValidUtf8Prefix(std::string_view bytes);

struct Utf8Text {
  std::string_view text;        // UTF-8, without BOM
  std::string charset;          // canonical name of the source charset
  CharsetSource source = CharsetSource::kDefault;
  uint64_t replaced = 0;        // invalid sequences replaced by U+FFFD
  bool unknown_label = false;   // a declared label was not a known charset
  // Set when a declared charset was overridden because the bytes are valid,
  // non-ASCII UTF-8: the declared (canonical) name.
  std::string declared_charset;
};

class CharsetConverter {
 public:
  CharsetConverter();
  ~CharsetConverter();
  CharsetConverter(const CharsetConverter&) = delete;
  CharsetConverter& operator=(const CharsetConverter&) = delete;

  // Decides the charset of `bytes` (an HTTP payload; `content_type` is the
  // HTTP Content-Type, possibly empty; `html` enables the <meta> prescan) and
  // converts to UTF-8.
  Utf8Text ToUtf8(std::string_view bytes, std::string_view content_type, bool html);

  // Converts from a known canonical charset.
  std::string_view Convert(std::string_view bytes, const std::string& charset, uint64_t* replaced);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stocktake::crawler

#endif  // STOCKTAKE_CRAWLER_CHARSET_H_
