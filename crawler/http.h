// HTTP responses as stored in WARC/ARC records.
//
// ParseHttpResponse() splits a stored response into status line, headers and
// raw entity bytes. It accepts what crawlers actually wrote: LF-only lines,
// a missing reason phrase, doubled versions ("HTTP/1.1 HTTP/1.1 200 OK").
//
// PayloadDecoder then removes transfer and content codings, trusting the
// bytes over the headers: "Transfer-Encoding: chunked" is undone only if the
// body really is chunked, and Content-Encoding gzip/deflate/br only if the
// body really is encoded (archives often keep the header but store the decoded
// body). Every deviation is reported in PayloadInfo so it can be counted.
// Decoded output is capped (a decompression bomb stops at the cap).
//
// Views returned by ParseHttpResponse point into the message; views returned
// by PayloadDecoder::Decode point into the message or into the decoder's own
// buffers and stay valid until the next Decode. PayloadDecoder is not
// thread-safe; keep one per thread and reuse it (it keeps its buffers).
#ifndef STOCKTAKE_CRAWLER_HTTP_H_
#define STOCKTAKE_CRAWLER_HTTP_H_

#include <string>
#include <string_view>
#include <vector>

#include "crawler/headers.h"

namespace stocktake::crawler {

struct HttpResponse {
  std::string_view version;  // "HTTP/1.1"
  int status = 0;
  std::string_view reason;
  std::vector<HeaderField> headers;
  std::string_view body;             // entity bytes, codings not yet removed
  bool status_line_repaired = false; // the status line needed repair to parse
  bool headers_unterminated = false; // no blank line: all headers, empty body

  std::string_view Header(std::string_view name) const { return FindHeader(headers, name); }
};

enum class HttpParse {
  kOk,
  kNotHttp,  // does not start with an HTTP status line
};

HttpParse ParseHttpResponse(std::string_view message, HttpResponse* out);

// The media type of a Content-Type value, lower-cased into `out`
// ("text/html; charset=x" -> "text/html").
void MediaType(std::string_view content_type, std::string* out);
// True for text/html and application/xhtml+xml.
bool IsHtmlMediaType(std::string_view media_type);
// True if the first bytes look like an HTML document (for responses without
// a Content-Type).
bool LooksLikeHtml(std::string_view body);

struct PayloadInfo {
  bool chunked_decoded = false;      // chunked and decoded
  bool chunked_header_lied = false;  // header said chunked, body was not
  bool chunked_broken = false;       // a bad chunk size part-way; rest kept raw
  bool chunked_truncated = false;    // body ended inside a chunk
  bool content_decoded = false;      // gzip/deflate/br removed
  bool content_encoding_lied = false;        // header said encoded, body was not
  bool content_encoding_corrupt = false;     // decoding failed part-way
  bool content_encoding_unsupported = false; // e.g. "compress", "zstd"
  bool clipped = false;              // decoded size reached max_payload_bytes
};

class PayloadDecoder {
 public:
  explicit PayloadDecoder(size_t max_payload_bytes = 64u << 20) : max_payload_bytes_(max_payload_bytes) {}

  std::string_view Decode(const HttpResponse& response, PayloadInfo* info);

 private:
  std::string_view RemoveContentEncoding(std::string_view body, std::string_view coding, PayloadInfo* info);

  size_t max_payload_bytes_;
  std::string dechunked_;
  std::string decoded_;
};

// Decodes HTTP/1.1 chunked transfer coding from `body` into `out`.
// `stopped_at` receives the body offset where decoding stopped (for kBroken:
// the start of the line that is not a chunk size).
enum class Dechunk { kOk, kNotChunked, kBroken, kTruncated };
Dechunk DecodeChunked(std::string_view body, std::string* out, size_t* stopped_at);

}  // namespace stocktake::crawler

#endif  // STOCKTAKE_CRAWLER_HTTP_H_
