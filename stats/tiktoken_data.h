// The built-in rank files (data/tokenizers), compiled into the binary.
#ifndef STOCKTAKE_STATS_TIKTOKEN_DATA_H_
#define STOCKTAKE_STATS_TIKTOKEN_DATA_H_

#include <string_view>

#include "stats/pretokenize.h"

namespace stocktake::stats {

struct BuiltinRankFile {
  std::string_view name;
  SplitPattern pattern;
  std::string_view bytes;
  std::string_view sha256;  // as published in data/tokenizers/SHA256SUMS
};

// Null for an unknown name.
const BuiltinRankFile* FindBuiltinRankFile(std::string_view name);

}  // namespace stocktake::stats

#endif  // STOCKTAKE_STATS_TIKTOKEN_DATA_H_
