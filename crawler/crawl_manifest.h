// Common Crawl inputs by name: crawl specs, path manifests and reproducible
// samples of a crawl's files.
//
//   cc:CC-MAIN-2024-18                     every WARC file of the crawl
//   cc:CC-MAIN-2024-18/wet                 its WET files (also /warc, /wat)
//   cc:CC-MAIN-2024-18?sample=100&seed=7   100 WARC files, stratified by segment
//
// A spec reads the crawl's manifest, crawl-data/CRAWL/{warc,wet,wat}.paths.gz
// (one path per line, relative to the bucket). A sample takes from every
// segment in proportion to its size (largest remainder, ties by segment
// name), and within a segment the files with the smallest XXH3 hashes of
// (path, seed): the same spec and manifest always give the same files.
//
// Pure functions; thread-safe.
#ifndef STOCKTAKE_CRAWLER_CRAWL_MANIFEST_H_
#define STOCKTAKE_CRAWLER_CRAWL_MANIFEST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace stocktake::crawler {

struct CrawlSpec {
  std::string crawl;           // "CC-MAIN-2024-18"
  std::string kind = "warc";   // "warc", "wet" or "wat"
  uint64_t sample = 0;         // 0: every file
  uint64_t seed = 0;
};

bool IsCrawlSpec(std::string_view s);  // starts with "cc:"
Result<CrawlSpec> ParseCrawlSpec(std::string_view spec);
// "crawl-data/CC-MAIN-2024-18/warc.paths.gz"
std::string ManifestPath(const CrawlSpec& spec);

// The paths of a manifest (gzip or plain text). Errors: not a manifest, or a
// line that is not a relative path inside the bucket.
Result<std::vector<std::string>> ParseManifest(std::string_view bytes);

// `n` of `paths`, stratified by segment (the folder after "/segments/"),
// sorted; all of them when n is 0 or at least their number.
std::vector<std::string> SampleStratified(const std::vector<std::string>& paths, uint64_t n, uint64_t seed);

// s3://commoncrawl/KEY -> BASE/KEY. Other buckets are an error: only
// Common Crawl's has a public HTTPS endpoint to map to.
Result<std::string> MapS3Url(std::string_view s3_url, std::string_view base_url);

}  // namespace stocktake::crawler

#endif  // STOCKTAKE_CRAWLER_CRAWL_MANIFEST_H_
