// HTTP response parsing and payload decoding.
//
// Status line repair: after "HTTP/x.y" we skip further "HTTP/..." tokens and
// take the first three-digit token as the status. That recovers the doubled
// status lines of some Wayback re-fetches without accepting arbitrary text.
//
// "Is it really encoded?" tests are by content: gzip needs its magic, zlib
// deflate a valid two-byte header (else raw deflate is tried), brotli has no
// magic so a body that starts like markup is taken as not encoded and anything
// else is tried and kept raw if it fails.
#include "crawler/http.h"

#include <brotli/decode.h>

#include <algorithm>
#include <cstring>

#include "common/inflate.h"

namespace stocktake::crawler {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Next space-separated token of `line` starting at *pos.
std::string_view NextToken(std::string_view line, size_t* pos) {
  while (*pos < line.size() && (line[*pos] == ' ' || line[*pos] == '\t')) ++*pos;
  size_t start = *pos;
  while (*pos < line.size() && line[*pos] != ' ' && line[*pos] != '\t') ++*pos;
  return line.substr(start, *pos - start);
}

bool LooksLikeMarkupOrText(std::string_view body) {
  size_t i = 0;
  if (body.size() >= 3 && body.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) ++i;
  if (i >= body.size()) return true;
  if (body[i] == '<' || body[i] == '{' || body[i] == '[') return true;
  // Mostly printable ASCII in the first bytes: text, not compressed data.
  size_t n = std::min<size_t>(body.size() - i, 256);
  size_t printable = 0;
  for (size_t k = 0; k < n; ++k) {
    auto c = static_cast<uint8_t>(body[i + k]);
    if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t') ++printable;
  }
  return printable * 10 >= n * 9;
}

enum class BrotliOutcome { kComplete, kCorrupt, kTruncated, kOutputLimit };

BrotliOutcome BrotliBounded(std::string_view in, size_t max_out, std::string* out) {
  BrotliDecoderState* state = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  if (state == nullptr) return BrotliOutcome::kCorrupt;
  size_t avail_in = in.size();
  const auto* next_in = reinterpret_cast<const uint8_t*>(in.data());
  BrotliOutcome outcome = BrotliOutcome::kCorrupt;
  for (;;) {
    size_t produced = out->size();
    if (produced >= max_out) {
      outcome = BrotliOutcome::kOutputLimit;
      break;
    }
    size_t grow = std::min<size_t>(std::max<size_t>(in.size() * 4, 16384), max_out - produced);
    out->resize(produced + grow);
    size_t avail_out = grow;
    auto* next_out = reinterpret_cast<uint8_t*>(out->data() + produced);
    BrotliDecoderResult rc =
        BrotliDecoderDecompressStream(state, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    out->resize(produced + grow - avail_out);
    if (rc == BROTLI_DECODER_RESULT_SUCCESS) {
      outcome = BrotliOutcome::kComplete;
      break;
    }
    if (rc == BROTLI_DECODER_RESULT_ERROR) {
      outcome = BrotliOutcome::kCorrupt;
      break;
    }
    if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
      outcome = BrotliOutcome::kTruncated;
      break;
    }
  }
  BrotliDecoderDestroyInstance(state);
  return outcome;
}

}  // namespace

HttpParse ParseHttpResponse(std::string_view message, HttpResponse* out) {
  out->headers.clear();
  out->status = 0;
  out->status_line_repaired = false;
  out->headers_unterminated = false;
  size_t start = 0;
  while (start < message.size() && (message[start] == '\r' || message[start] == '\n')) ++start;
  message.remove_prefix(start);
  if (!StartsWithIgnoreCase(message, "HTTP/")) return HttpParse::kNotHttp;

  size_t nl = message.find('\n');
  std::string_view line = message.substr(0, nl == std::string_view::npos ? message.size() : nl);
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  size_t pos = 0;
  out->version = NextToken(line, &pos);
  std::string_view token = NextToken(line, &pos);
  while (StartsWithIgnoreCase(token, "HTTP/")) {
    out->status_line_repaired = true;
    token = NextToken(line, &pos);
  }
  if (token.size() != 3 || !IsDigit(token[0]) || !IsDigit(token[1]) || !IsDigit(token[2])) {
    return HttpParse::kNotHttp;
  }
  out->status = (token[0] - '0') * 100 + (token[1] - '0') * 10 + (token[2] - '0');
  out->reason = TrimWhitespace(line.substr(std::min(pos, line.size())));

  if (nl == std::string_view::npos) {
    out->headers_unterminated = true;
    out->body = {};
    return HttpParse::kOk;
  }
  // The status line may itself be followed directly by the blank line.
  std::string_view after_status = message.substr(nl + 1);
  size_t header_end;
  size_t k = 0;
  while (k < after_status.size() && after_status[k] == '\r') ++k;
  if (k < after_status.size() && after_status[k] == '\n') {
    header_end = k + 1;
  } else {
    header_end = FindHeaderEnd(after_status);
  }
  if (header_end == std::string_view::npos) {
    out->headers_unterminated = true;
    ParseHeaderFields(after_status, &out->headers);
    out->body = {};
    return HttpParse::kOk;
  }
  ParseHeaderFields(after_status.substr(0, header_end), &out->headers);
  out->body = after_status.substr(header_end);
  return HttpParse::kOk;
}

void MediaType(std::string_view content_type, std::string* out) {
  out->clear();
  size_t semi = content_type.find(';');
  std::string_view media = TrimWhitespace(content_type.substr(0, semi));
  out->reserve(media.size());
  for (char c : media) out->push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
}

bool IsHtmlMediaType(std::string_view media_type) {
  return media_type == "text/html" || media_type == "application/xhtml+xml";
}

bool LooksLikeHtml(std::string_view body) {
  std::string_view head = body.substr(0, 1024);
  return FindIgnoreCase(head, "<html") != std::string_view::npos ||
         FindIgnoreCase(head, "<!doctype html") != std::string_view::npos ||
         FindIgnoreCase(head, "<head") != std::string_view::npos ||
         FindIgnoreCase(head, "<body") != std::string_view::npos;
}

Dechunk DecodeChunked(std::string_view body, std::string* out, size_t* stopped_at) {
  out->clear();
  size_t pos = 0;
  auto stop = [&](Dechunk d) {
    *stopped_at = pos;
    return d;
  };
  bool first = true;
  for (;;) {
    // Chunk-size line: hex digits, optional extensions, CRLF.
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) {
      if (first) return stop(Dechunk::kNotChunked);
      // No final zero chunk: the body ended early.
      return stop(pos >= body.size() ? Dechunk::kTruncated : Dechunk::kBroken);
    }
    std::string_view line = body.substr(pos, nl - pos);
    size_t semi = line.find(';');
    std::string_view hex = TrimWhitespace(line.substr(0, semi));
    if (hex.empty() || hex.size() > 15) return stop(first ? Dechunk::kNotChunked : Dechunk::kBroken);
    uint64_t size = 0;
    for (char c : hex) {
      int v;
      if (c >= '0' && c <= '9') v = c - '0';
      else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
      else return stop(first ? Dechunk::kNotChunked : Dechunk::kBroken);
      size = size * 16 + static_cast<uint64_t>(v);
    }
    first = false;
    pos = nl + 1;
    if (size == 0) return stop(Dechunk::kOk);  // trailers, if any, are ignored
    if (size > body.size() - pos) {
      out->append(body.substr(pos));
      pos = body.size();
      return stop(Dechunk::kTruncated);
    }
    out->append(body.substr(pos, size));
    pos += size;
    // CRLF after the data (tolerate LF, or nothing at the very end).
    if (pos < body.size() && body[pos] == '\r') ++pos;
    if (pos < body.size() && body[pos] == '\n') {
      ++pos;
    } else if (pos < body.size()) {
      return stop(Dechunk::kBroken);
    }
    if (pos >= body.size()) return stop(Dechunk::kTruncated);
  }
}

std::string_view PayloadDecoder::Decode(const HttpResponse& response, PayloadInfo* info) {
  *info = PayloadInfo{};
  std::string_view body = response.body;
  std::string_view transfer = response.Header("Transfer-Encoding");
  if (FindIgnoreCase(transfer, "chunked") != std::string_view::npos) {
    size_t stopped_at = 0;
    switch (DecodeChunked(body, &dechunked_, &stopped_at)) {
      case Dechunk::kOk:
        info->chunked_decoded = true;
        body = dechunked_;
        break;
      case Dechunk::kNotChunked:
        info->chunked_header_lied = true;
        break;
      case Dechunk::kTruncated:
        info->chunked_decoded = info->chunked_truncated = true;
        body = dechunked_;
        break;
      case Dechunk::kBroken: {
        // Keep what decoded, then the undecodable rest as it is: no byte lost.
        info->chunked_decoded = info->chunked_broken = true;
        dechunked_.append(body.substr(stopped_at));
        body = dechunked_;
        break;
      }
    }
  }
  std::string_view coding = TrimWhitespace(response.Header("Content-Encoding"));
  if (!coding.empty() && !EqualsIgnoreCase(coding, "identity")) {
    body = RemoveContentEncoding(body, coding, info);
  }
  if (body.size() > max_payload_bytes_) {
    info->clipped = true;
    body = body.substr(0, max_payload_bytes_);
  }
  return body;
}

std::string_view PayloadDecoder::RemoveContentEncoding(std::string_view body, std::string_view coding,
                                                       PayloadInfo* info) {
  decoded_.clear();
  const bool gzip = EqualsIgnoreCase(coding, "gzip") || EqualsIgnoreCase(coding, "x-gzip");
  const bool deflate = EqualsIgnoreCase(coding, "deflate");
  const bool brotli = EqualsIgnoreCase(coding, "br");
  if (!gzip && !deflate && !brotli) {
    info->content_encoding_unsupported = true;
    return body;
  }
  auto finish = [&](bool complete, bool limit) -> std::string_view {
    if (limit) info->clipped = true;
    if (!complete && !limit) {
      if (decoded_.empty()) {
        info->content_encoding_lied = true;  // nothing decodable: it was not encoded
        return body;
      }
      info->content_encoding_corrupt = true;
    }
    info->content_decoded = true;
    return decoded_;
  };
  if (gzip || (deflate && body.size() >= 2 && static_cast<uint8_t>(body[0]) == 0x1f &&
               static_cast<uint8_t>(body[1]) == 0x8b)) {
    if (body.size() < 2 || static_cast<uint8_t>(body[0]) != 0x1f || static_cast<uint8_t>(body[1]) != 0x8b) {
      info->content_encoding_lied = true;
      return body;
    }
    InflateOutcome o = InflateBounded(body, InflateWrapper::kGzip, max_payload_bytes_, &decoded_);
    return finish(o == InflateOutcome::kComplete, o == InflateOutcome::kOutputLimit);
  }
  if (deflate) {
    bool zlib_header = body.size() >= 2 && (static_cast<uint8_t>(body[0]) & 0x0f) == 8 &&
                       ((static_cast<uint8_t>(body[0]) << 8) | static_cast<uint8_t>(body[1])) % 31 == 0;
    if (!zlib_header && LooksLikeMarkupOrText(body)) {
      info->content_encoding_lied = true;
      return body;
    }
    InflateOutcome o = InflateBounded(body, zlib_header ? InflateWrapper::kZlib : InflateWrapper::kRaw,
                                      max_payload_bytes_, &decoded_);
    return finish(o == InflateOutcome::kComplete, o == InflateOutcome::kOutputLimit);
  }
  // Brotli has no magic number.
  if (LooksLikeMarkupOrText(body)) {
    info->content_encoding_lied = true;
    return body;
  }
  BrotliOutcome o = BrotliBounded(body, max_payload_bytes_, &decoded_);
  return finish(o == BrotliOutcome::kComplete, o == BrotliOutcome::kOutputLimit);
}

}  // namespace stocktake::crawler
