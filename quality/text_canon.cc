// One pass over the bytes. Only ASCII bytes are ever changed or dropped, so
// valid UTF-8 stays valid UTF-8 (multi-byte sequences never contain bytes
// below 0x80). U+0085 and other Unicode controls are left to the ICU
// normalization step of the quality issue.
#include "quality/text_canon.h"

namespace stocktake::quality {

size_t CanonicalizeWhitespace(std::string_view text, std::string* out) {
  out->clear();
  out->reserve(text.size());
  size_t removed = 0;
  size_t pending_newlines = 0;  // newlines seen since the last visible byte
  size_t pending_spaces = 0;    // spaces/tabs since the last visible byte (this line)
  size_t space_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;  // CRLF -> LF
      c = '\n';
    }
    if (c == '\n') {
      ++pending_newlines;
      pending_spaces = 0;  // trailing spaces of the line are dropped
      continue;
    }
    if (c == ' ' || c == '\t') {
      if (pending_spaces == 0) space_start = i;
      ++pending_spaces;
      continue;
    }
    if (c < 0x20 || c == 0x7f) {
      ++removed;
      continue;
    }
    if (!out->empty() && pending_newlines > 0) out->append(pending_newlines > 1 ? "\n\n" : "\n");
    if (pending_spaces > 0 && (!out->empty() || pending_newlines == 0)) {
      // Keep interior spacing as written (tabs included), but not leading
      // spaces at the very start of the text.
      if (!out->empty()) {
        for (size_t k = space_start; k < i; ++k) {
          char s = text[k];
          if (s == ' ' || s == '\t') out->push_back(s);
        }
      }
    }
    pending_newlines = 0;
    pending_spaces = 0;
    out->push_back(static_cast<char>(c));
  }
  return removed;
}

}  // namespace stocktake::quality
