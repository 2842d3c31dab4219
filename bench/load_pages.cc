#include "load_pages.h"

#include "common/byte_source.h"
#include "crawler/charset.h"
#include "crawler/http.h"
#include "crawler/record_reader.h"

namespace stocktake::bench {

uint64_t LoadHtmlPages(const std::vector<std::string>& shards, size_t stride, std::vector<std::string>* pages) {
  crawler::HttpResponse http;
  crawler::PayloadDecoder payload;
  crawler::CharsetConverter charset;
  std::string media;
  size_t seen = 0;
  uint64_t bytes = 0;
  for (const std::string& f : shards) {
    auto source = FileSource::Open(f);
    if (!source.ok()) continue;
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

}  // namespace stocktake::bench
