// Header blocks: "Name: value" lines as used by WARC records and HTTP messages.
//
// One tolerant parser serves both. Lines may end in LF, CRLF or even CRCRLF;
// continuation lines (leading space or tab) extend the previous value; lines
// without a colon are skipped and counted. Names and values are views into the
// caller's bytes, valid as long as those bytes are. Thread-safe (no state).
#ifndef STOCKTAKE_CRAWLER_HEADERS_H_
#define STOCKTAKE_CRAWLER_HEADERS_H_

#include <cstddef>
#include <string_view>
#include <vector>

namespace stocktake::crawler {

struct HeaderField {
  std::string_view name;
  std::string_view value;  // trimmed of surrounding spaces, tabs and CRs
};

// Finds the end of a header block that starts at data[0]: the position just
// after the first empty line (a line holding nothing but CRs). Returns
// std::string_view::npos if no empty line occurs within `data`.
size_t FindHeaderEnd(std::string_view data);

// Splits `block` (header lines, without the first line when that is a status
// or version line) into fields, appending to `fields`. Returns the number of
// lines that were not "Name: value" and not continuations.
size_t ParseHeaderFields(std::string_view block, std::vector<HeaderField>* fields);

// The first field named `name` (ASCII case-insensitive), or an empty view.
std::string_view FindHeader(const std::vector<HeaderField>& fields, std::string_view name);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);
// Position of `needle` in `text` ignoring ASCII case, or npos.
size_t FindIgnoreCase(std::string_view text, std::string_view needle);
std::string_view TrimWhitespace(std::string_view s);

// Parses a decimal length ("  1234 "), rejecting signs, junk and overflow
// beyond 2^62. Returns false if `s` is not such a number.
bool ParseDecimal(std::string_view s, uint64_t* value);

}  // namespace stocktake::crawler

#endif  // STOCKTAKE_CRAWLER_HEADERS_H_
