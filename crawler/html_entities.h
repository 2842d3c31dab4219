// HTML character references: "&amp;", "&#8212;", "&#x41;", "&eacute;".
//
// Decodes numeric references (with the HTML5 windows-1252 remapping of
// &#128;-&#159; and U+FFFD for invalid code points) and the named references
// of HTML 4 (all 253: Latin-1, symbols and Greek, special characters) plus
// the few HTML5 names common on real pages. The rarely used remainder of the
// HTML5 table is left as written. Pure functions; thread-safe.
#ifndef STOCKTAKE_CRAWLER_HTML_ENTITIES_H_
#define STOCKTAKE_CRAWLER_HTML_ENTITIES_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace stocktake::crawler::html {

// Decodes the reference at in[0] == '&', appending UTF-8 to `out`. Returns the
// bytes consumed, or 0 if `in` does not start with a known reference.
size_t DecodeReference(std::string_view in, std::string* out);

// Appends `in` with every character reference decoded.
void AppendDecoded(std::string_view in, std::string* out);

void AppendUtf8(uint32_t code_point, std::string* out);

}  // namespace stocktake::crawler::html

#endif  // STOCKTAKE_CRAWLER_HTML_ENTITIES_H_
