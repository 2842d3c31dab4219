// Whitespace word counting.
//
// A word is a maximal run of characters that are not Unicode White_Space
// (ASCII spaces and controls, U+00A0, U+1680, U+2000..U+200A, U+2028/9,
// U+202F, U+205F, U+3000, U+0085). This is the "words" unit of word-based
// stock estimates. ICU UAX #29 word counts arrive with the tokenizer issue.
// Pure function; thread-safe.
#ifndef STOCKTAKE_STATS_WORD_COUNT_H_
#define STOCKTAKE_STATS_WORD_COUNT_H_

#include <cstdint>
#include <string_view>

namespace stocktake::stats {

uint64_t CountWhitespaceWords(std::string_view utf8);

}  // namespace stocktake::stats

#endif  // STOCKTAKE_STATS_WORD_COUNT_H_
