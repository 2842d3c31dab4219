// Pre-tokenization: the split patterns of tiktoken's encodings, hand-written.
//
// tiktoken cuts text into pieces with a regular expression (fancy-regex,
// leftmost-first alternation with backtracking) and runs BPE inside each
// piece. These scanners reproduce the three published patterns exactly:
//
//   kCl100k  (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//            ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//   kO200k   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+C?|
//            [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*C?|
//            \p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
//            (C = (?i:'s|'t|'re|'ve|'m|'ll|'d))
//   kR50k    's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// Each alternative is evaluated in order, and where the regex would backtrack
// (an optional prefix that leaves nothing to match, a greedy class run that
// must give characters back, the \s+(?!\S) lookahead) the scanner computes the
// position backtracking would end at directly, so a piece costs one forward
// pass. Character classes come from ICU (General_Category, White_Space),
// plus the characters of newer Unicode versions that tiktoken's tables
// already have (unicode_delta.inc, measured against tiktoken itself);
// case-insensitive contractions follow Unicode simple case folding, so 'ſ
// (U+017F) matches 's as it does in tiktoken. Bytes that are not valid UTF-8
// (tiktoken never sees them: its input is a string) count as one symbol each.
//
// Thread-safe; the character table is built once on first use.
#ifndef STOCKTAKE_STATS_PRETOKENIZE_H_
#define STOCKTAKE_STATS_PRETOKENIZE_H_

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace stocktake::stats {

enum class SplitPattern { kCl100k, kO200k, kR50k };

// "cl100k_base", "o200k_base", "r50k_base" (also "gpt2").
std::optional<SplitPattern> SplitPatternByName(std::string_view name);
std::string_view SplitPatternName(SplitPattern pattern);

// End of the piece that starts at `pos` (< text.size()); always > pos.
size_t PieceEnd(SplitPattern pattern, std::string_view text, size_t pos);

// All pieces, in order (tests and debugging; the tokenizer calls PieceEnd).
std::vector<std::string_view> SplitPieces(SplitPattern pattern, std::string_view text);

}  // namespace stocktake::stats

#endif  // STOCKTAKE_STATS_PRETOKENIZE_H_
