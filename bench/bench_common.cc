#include "bench_common.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "common/byte_source.h"
#include "crawler/charset.h"
#include "crawler/http.h"
#include "crawler/record_reader.h"

namespace stocktake::bench {

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

bool ParsePageBenchArgs(int argc, char** argv, const char* usage, PageBenchArgs* args) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--stride" && i + 1 < argc) {
      args->stride = static_cast<size_t>(std::max(1, std::atoi(argv[++i])));
    } else if (a == "--repeat" && i + 1 < argc) {
      args->repeat = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--profile" && i + 1 < argc) {
      args->profile = argv[++i];
    } else if (a == "--help" || a == "-h") {
      std::printf("usage: %s\n", usage);
      return false;
    } else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr, "unknown option or missing value: %s\nusage: %s\n", a.c_str(), usage);
      return false;
    } else {
      args->shards.push_back(a);
    }
  }
  if (args->shards.empty()) std::fprintf(stderr, "usage: %s\n", usage);
  return !args->shards.empty();
}

uint64_t LoadHtmlPages(const std::vector<std::string>& shards, size_t stride, std::vector<std::string>* pages) {
  crawler::HttpResponse http;
  crawler::PayloadDecoder payload;
  crawler::CharsetConverter charset;
  std::string media;
  size_t seen = 0;
  uint64_t bytes = 0;
  for (const std::string& f : shards) {
    auto source = FileSource::Open(f);
    if (!source.ok()) {
      std::fprintf(stderr, "skipping %s: %s\n", f.c_str(), source.status().message().c_str());
      continue;
    }
    crawler::RecordReader reader(std::move(*source));
    while (const auto* r = reader.Next()) {
      if (r->type != "response") continue;
      if (crawler::ParseHttpResponse(r->body, &http) != crawler::HttpParse::kOk) continue;
      crawler::MediaType(http.Header("Content-Type"), &media);
      if (http.status != 200 || !crawler::IsHtmlMediaType(media)) continue;
      if (seen++ % stride != 0) continue;
      crawler::PayloadInfo info;
      auto utf8 = charset.ToUtf8(payload.Decode(http, &info), http.Header("Content-Type"), true);
      pages->emplace_back(utf8.text);
      bytes += pages->back().size();
    }
  }
  return bytes;
}

int64_t LoadJsonlTexts(const std::string& path, std::vector<std::string>* texts) {
  simdjson::padded_string file;
  if (simdjson::padded_string::load(path).get(file)) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return -1;
  }
  simdjson::dom::parser parser;
  int64_t bytes = 0;
  std::string_view all = file;
  for (size_t pos = 0; pos < all.size();) {
    size_t eol = all.find('\n', pos);
    if (eol == std::string_view::npos) eol = all.size();
    simdjson::padded_string line(all.substr(pos, eol - pos));
    pos = eol + 1;
    simdjson::dom::element doc;
    std::string_view text;
    if (parser.parse(line).get(doc) || doc["text"].get(text)) continue;
    texts->emplace_back(text);
    bytes += static_cast<int64_t>(text.size());
  }
  return bytes;
}

}  // namespace stocktake::bench
