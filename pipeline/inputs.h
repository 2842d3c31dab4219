// Input lists: files, folders and globs to one sorted list of files.
//
// The sorted list defines each input's ordinal, and so document ids: the same
// arguments give the same ordinals whatever the order they were typed in.
// Folders are searched recursively for crawl files (names containing .warc,
// .arc, .wet or .wat) and JSONL document files (.jsonl, .ndjson, .json.gz,
// .json.zst, compressed or not); hidden entries are skipped. Files named
// explicitly are taken whatever their name (the bytes decide the format).
#ifndef STOCKTAKE_PIPELINE_INPUTS_H_
#define STOCKTAKE_PIPELINE_INPUTS_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "crawler/http_source.h"

namespace stocktake::pipeline {

struct InputOptions {
  // Sort the whole list (run, inspect: the sorted list defines ordinals).
  // Unsorted keeps the arguments' order, each folder or glob sorted within.
  bool sort = true;
  // Folders also yield bare HTML pages (*.html, *.htm, *.xhtml).
  bool html_files = false;
  // Network inputs: http(s):// URLs are kept as given; s3://commoncrawl/
  // paths map to `base_url`; cc: crawl specs (crawler/crawl_manifest.h)
  // read their manifest from `base_url` with `fetch` and `limiter`. Without
  // `fetch`, a crawl spec is an error.
  std::string base_url = "https://data.commoncrawl.org";
  const crawler::FetchOptions* fetch = nullptr;
  crawler::FetchLimiter* limiter = nullptr;
};

// Expands `args`. A missing path, a glob or folder that matches no crawl
// file, a bad crawl spec or an unreadable manifest is an error naming the
// argument.
Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& args, InputOptions options = {});

// True if a file name looks like a crawl or JSONL document file (see above).
bool LooksLikeCrawlFileName(const std::string& name);
// True for *.html, *.htm, *.xhtml, also compressed (*.html.gz, ...).
bool LooksLikeHtmlFileName(const std::string& name);

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_INPUTS_H_
