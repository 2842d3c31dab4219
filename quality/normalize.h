// Text normalization, in the two strengths the measurement needs.
//
// Counting form (Normalize): the text every count is taken on. LF line ends,
// no trailing spaces, at most one blank line in a row, no leading or trailing
// blank lines; control characters (C0 but tab and LF, DEL, C1) and
// private-use characters removed; U+2028/U+2029 become line breaks; then
// Unicode NFC (or NFKC, selectable). Text that is already in that form (most
// of the web) is recognized by a quick check and not copied twice.
//
// Dedup form (DedupForm): what datatrove compares for near-duplicates
// (../shared/REFERENCES.md): case folded, numbers to "0", punctuation to a
// space, whitespace collapsed, NFD with combining marks removed. Two texts
// that differ only in case, accents, numbers, punctuation or spacing have the
// same dedup form.
//
// Input must be valid UTF-8 (the charset stage guarantees it). Views returned
// point into the normalizer (or the input) and are valid until the next
// call. Not thread-safe: keep one per thread; it reuses its buffers.
#ifndef STOCKTAKE_QUALITY_NORMALIZE_H_
#define STOCKTAKE_QUALITY_NORMALIZE_H_

#include <string>
#include <string_view>

namespace stocktake::quality {

enum class NormalForm { kNFC, kNFKC };

struct NormalizeStats {
  size_t removed_controls = 0;     // control and private-use characters removed
  bool recomposed = false;         // NFC/NFKC changed the text
};

class TextNormalizer {
 public:
  explicit TextNormalizer(NormalForm form = NormalForm::kNFC);

  std::string_view Normalize(std::string_view text, NormalizeStats* stats = nullptr);
  std::string_view DedupForm(std::string_view text);

 private:
  NormalForm form_;
  std::string canon_;
  std::string normal_;
  std::string fold_;
  std::string dedup_;
};

// The layout part of Normalize alone (no Unicode normalization), written to
// `out`. Returns the number of characters removed.
size_t CanonicalizeWhitespace(std::string_view text, std::string* out);

}  // namespace stocktake::quality

#endif  // STOCKTAKE_QUALITY_NORMALIZE_H_
