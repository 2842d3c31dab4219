// `stocktake tokens`: token (and word) counts of files or JSON lines.
//
// Each input file is read in blocks and counted in parts cut where no piece,
// word or repaired character can cross (a line break before an ASCII
// letter), so memory stays bounded on files of any size unless one part is
// huge; invalid UTF-8 is replaced by U+FFFD (as the crawl pipeline does
// before counting), and every requested encoding counts it. With `jsonl`,
// each line's text field is counted instead (simdjson).
// Output is tab-separated: one column per encoding in the order requested,
// then (with `words`) UAX #29 words and whitespace words, then the file name,
// or the line number (`file:line` when several files are given).
#ifndef STOCKTAKE_PIPELINE_TOKENS_H_
#define STOCKTAKE_PIPELINE_TOKENS_H_

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace stocktake::pipeline {

struct TokensOptions {
  std::vector<std::string> encodings;  // empty: cl100k_base
  std::string pattern = "cl100k_base"; // split pattern for rank files given by path
  bool jsonl = false;
  std::string text_field = "text";
  bool words = false;
  bool header = false;
  size_t block_bytes = size_t{8} << 20;  // read size (tests make it small)
};

// Returns the exit code: 0, 1 if an input or line could not be counted
// (reported on `err`, the others are still counted), 2 on a setup error.
int RunTokens(const TokensOptions& options, const std::vector<std::string>& files, std::FILE* out,
              std::FILE* err);

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_TOKENS_H_
