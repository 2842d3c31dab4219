// Text canonicalization for counting.
//
// Brings text from any source (our extractor, WET records, later JSONL
// datasets) to one form before anything is counted: LF line endings, no
// control characters (except tab and LF), no trailing spaces on lines, no
// more than one blank line in a row, no leading or trailing blank lines.
// Unicode normalization (NFC/NFKC) is added by the quality issue on top of
// this. Pure function of its input; thread-safe.
#ifndef STOCKTAKE_QUALITY_TEXT_CANON_H_
#define STOCKTAKE_QUALITY_TEXT_CANON_H_

#include <string>
#include <string_view>

namespace stocktake::quality {

// Writes the canonical form of `text` (UTF-8) to `out` (cleared first).
// Returns the number of control characters removed.
size_t CanonicalizeWhitespace(std::string_view text, std::string* out);

}  // namespace stocktake::quality

#endif  // STOCKTAKE_QUALITY_TEXT_CANON_H_
