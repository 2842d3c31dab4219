// Shared by the benchmarks: the UTF-8 HTML of every STRIDE-th HTTP 200 HTML
// response in the given shards (payload decoded and charset converted, as
// the pipeline does).
#ifndef STOCKTAKE_BENCH_LOAD_PAGES_H_
#define STOCKTAKE_BENCH_LOAD_PAGES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace stocktake::bench {

// Appends the pages to `pages`; returns their total size in bytes.
uint64_t LoadHtmlPages(const std::vector<std::string>& shards, size_t stride, std::vector<std::string>* pages);

}  // namespace stocktake::bench

#endif  // STOCKTAKE_BENCH_LOAD_PAGES_H_
