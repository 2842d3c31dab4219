// Fuzz target: HTTP response parsing, payload decoding (chunked, gzip,
// deflate, brotli), charset sniffing/conversion and text extraction.
//
// Input is either a crawl file (then every response record's body is fed
// through, so the corpus files are useful seeds) or a raw HTTP message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "common/byte_source.h"
#include "common/inflate.h"
#include "crawler/charset.h"
#include "crawler/http.h"
#include "crawler/record_reader.h"
#include "crawler/extractor.h"

namespace {

void OneMessage(std::string_view message) {
  using namespace stocktake::crawler;
  static PayloadDecoder decoder(1 << 20);
  static CharsetConverter charset;
  static Extractor extractor;
  HttpResponse http;
  if (ParseHttpResponse(message, &http) != HttpParse::kOk) return;
  PayloadInfo info;
  std::string_view payload = decoder.Decode(http, &info);
  if (payload.size() > (1 << 20)) std::abort();
  Utf8Text text = charset.ToUtf8(payload, http.Header("Content-Type"), true);
  if (ValidUtf8Prefix(text.text) != text.text.size()) std::abort();  // output is always UTF-8
  const ExtractedDocument& extracted = extractor.Extract(text.text);
  if (ValidUtf8Prefix(extracted.text) != extracted.text.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  bool crawl_file = bytes.substr(0, 5) == "WARC/" || bytes.substr(0, 11) == "filedesc://" ||
                    DetectCompression(bytes) != Compression::kNone;
  if (!crawl_file) {
    OneMessage(bytes);
    return 0;
  }
  crawler::RecordReaderOptions options;
  options.initial_buffer_bytes = 64 << 10;
  options.stream.input_chunk_bytes = 16 << 10;
  crawler::RecordReader reader(std::make_unique<MemorySource>(bytes), options);
  while (const crawler::Record* r = reader.Next()) {
    if (r->type == "response") OneMessage(r->body);
  }
  return 0;
}
