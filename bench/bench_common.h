// Shared by the benchmarks: argument parsing, medians, and the HTML pages of
// the benchmark shards.
#ifndef STOCKTAKE_BENCH_BENCH_COMMON_H_
#define STOCKTAKE_BENCH_BENCH_COMMON_H_

#include <cstdint>
#include <string>
#include <vector>

namespace stocktake::bench {

double Median(std::vector<double> v);

// [--stride N] [--repeat N] [--profile WHAT] SHARD...
struct PageBenchArgs {
  size_t stride = 4;
  int repeat = 3;
  std::string profile;  // only for benchmarks that take it
  std::vector<std::string> shards;
};
// False (with the usage line printed) if no shard is given, on --help, or
// on an unknown option.
bool ParsePageBenchArgs(int argc, char** argv, const char* usage, PageBenchArgs* args);

// Appends the UTF-8 HTML of every STRIDE-th HTTP 200 HTML response in the
// shards (payload decoded and charset converted, as the pipeline does) to
// `pages`; returns their total size in bytes.
uint64_t LoadHtmlPages(const std::vector<std::string>& shards, size_t stride, std::vector<std::string>* pages);

// Appends the `text` field of every JSON line of `path` (as `stocktake
// extract` writes them) to `texts`; returns their total size in bytes, or -1
// (with a message on stderr) if the file cannot be read.
int64_t LoadJsonlTexts(const std::string& path, std::vector<std::string>* texts);

}  // namespace stocktake::bench

#endif  // STOCKTAKE_BENCH_BENCH_COMMON_H_
