#include "crawler/http.h"

#include <brotli/encode.h>
#include <gtest/gtest.h>

#include "test_support/compress.h"

namespace stocktake::crawler {
namespace {

TEST(HttpTest, ParsesStatusHeadersAndBody) {
  HttpResponse r;
  ASSERT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>hi", &r), HttpParse::kOk);
  EXPECT_EQ(r.version, "HTTP/1.1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.reason, "OK");
  EXPECT_EQ(r.Header("content-type"), "text/html");
  EXPECT_EQ(r.body, "<p>hi");
  EXPECT_FALSE(r.status_line_repaired);
}

TEST(HttpTest, RepairsMalformedStatusLines) {
  HttpResponse r;
  ASSERT_EQ(ParseHttpResponse("HTTP/1.1 HTTP/1.1 200 OK\r\n\r\nx", &r), HttpParse::kOk);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.status_line_repaired);
  ASSERT_EQ(ParseHttpResponse("HTTP/1.0 302 \r\r\nLocation: /x\r\r\n\r\r\n", &r), HttpParse::kOk);
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.reason, "");
  EXPECT_EQ(r.Header("Location"), "/x");
  ASSERT_EQ(ParseHttpResponse("HTTP/1.1 204 No Content\r\n\r\n", &r), HttpParse::kOk);
  EXPECT_TRUE(r.body.empty());
  ASSERT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nA: b\r\n", &r), HttpParse::kOk);
  EXPECT_TRUE(r.headers_unterminated);
  EXPECT_EQ(ParseHttpResponse("<html>not http", &r), HttpParse::kNotHttp);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 abc OK\r\n\r\n", &r), HttpParse::kNotHttp);
  EXPECT_EQ(ParseHttpResponse("", &r), HttpParse::kNotHttp);
}

TEST(HttpTest, MediaTypes) {
  std::string media;
  MediaType(" Text/HTML ; charset=UTF-8", &media);
  EXPECT_EQ(media, "text/html");
  EXPECT_TRUE(IsHtmlMediaType(media));
  EXPECT_TRUE(IsHtmlMediaType("application/xhtml+xml"));
  EXPECT_FALSE(IsHtmlMediaType("text/plain"));
  EXPECT_TRUE(LooksLikeHtml("\n<!DOCTYPE html><p>"));
  EXPECT_FALSE(LooksLikeHtml("%PDF-1.4"));
}

TEST(HttpTest, DecodesChunked) {
  std::string out;
  size_t stop = 0;
  EXPECT_EQ(DecodeChunked("5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n", &out, &stop), Dechunk::kOk);
  EXPECT_EQ(out, "hello world");
  EXPECT_EQ(DecodeChunked("<html>", &out, &stop), Dechunk::kNotChunked);
  EXPECT_EQ(DecodeChunked("5\r\nhello\r\nzz\r\nrest", &out, &stop), Dechunk::kBroken);
  EXPECT_EQ(out, "hello");
  EXPECT_EQ(stop, 10u);
  EXPECT_EQ(DecodeChunked("a\r\nhello", &out, &stop), Dechunk::kTruncated);
  EXPECT_EQ(out, "hello");
}

HttpResponse Response(const std::string& headers, const std::string& body, std::string* storage) {
  *storage = "HTTP/1.1 200 OK\r\n" + headers + "\r\n" + body;
  HttpResponse r;
  EXPECT_EQ(ParseHttpResponse(*storage, &r), HttpParse::kOk);
  return r;
}

TEST(PayloadDecoderTest, TrustsTheBytesOverTheHeaders) {
  PayloadDecoder decoder;
  PayloadInfo info;
  std::string s;
  // Claims chunked + gzip, is neither (the archive-query-log files).
  std::string page = "<html><body>plain</body></html>";
  EXPECT_EQ(decoder.Decode(Response("Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n", page, &s), &info),
            page);
  EXPECT_TRUE(info.chunked_header_lied);
  EXPECT_TRUE(info.content_encoding_lied);
  // Really chunked and gzipped.
  std::string gz = testing::GzipMember(page);
  char size[16];
  std::snprintf(size, sizeof(size), "%zx", gz.size());
  std::string chunked = std::string(size) + "\r\n" + gz + "\r\n0\r\n\r\n";
  EXPECT_EQ(decoder.Decode(Response("Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n", chunked, &s), &info),
            page);
  EXPECT_TRUE(info.chunked_decoded);
  EXPECT_TRUE(info.content_decoded);
  EXPECT_FALSE(info.content_encoding_lied);
}

TEST(PayloadDecoderTest, BrotliDeflateUnsupportedAndBombs) {
  PayloadDecoder decoder(/*max_payload_bytes=*/1 << 16);
  PayloadInfo info;
  std::string s;
  std::string page = "<html>" + std::string(1000, 'b') + "</html>";
  std::string br(BrotliEncoderMaxCompressedSize(page.size()), '\0');
  size_t br_size = br.size();
  ASSERT_TRUE(BrotliEncoderCompress(5, 22, BROTLI_MODE_TEXT, page.size(), reinterpret_cast<const uint8_t*>(page.data()),
                                    &br_size, reinterpret_cast<uint8_t*>(br.data())));
  br.resize(br_size);
  EXPECT_EQ(decoder.Decode(Response("Content-Encoding: br\r\n", br, &s), &info), page);
  EXPECT_TRUE(info.content_decoded);
  // "deflate" carrying a zlib stream.
  std::string zlib_stream = testing::GzipMember(page);  // gzip bytes under a deflate label still decode
  EXPECT_EQ(decoder.Decode(Response("Content-Encoding: deflate\r\n", zlib_stream, &s), &info), page);
  EXPECT_EQ(decoder.Decode(Response("Content-Encoding: compress\r\n", page, &s), &info), page);
  EXPECT_TRUE(info.content_encoding_unsupported);
  // A gzip bomb stops at the cap.
  std::string bomb = testing::GzipMember(std::string(10 << 20, '\0'));
  std::string_view out = decoder.Decode(Response("Content-Encoding: gzip\r\n", bomb, &s), &info);
  EXPECT_EQ(out.size(), 1u << 16);
  EXPECT_TRUE(info.clipped);
}

}  // namespace
}  // namespace stocktake::crawler
