#include "common/inflate.h"

#include <gtest/gtest.h>

#include "test_support/compress.h"

namespace stocktake {
namespace {

using testing::Bzip2Stream;
using testing::GzipMember;
using testing::Lz4Frame;
using testing::ZstdFrame;

TEST(DetectCompressionTest, ByMagicNotName) {
  EXPECT_EQ(DetectCompression(GzipMember("x")), Compression::kGzip);
  EXPECT_EQ(DetectCompression(ZstdFrame("x")), Compression::kZstd);
  EXPECT_EQ(DetectCompression(testing::ZstdDictionaryFrame("d")), Compression::kZstd);
  EXPECT_EQ(DetectCompression(Lz4Frame("x")), Compression::kLz4);
  EXPECT_EQ(DetectCompression(Bzip2Stream("x")), Compression::kBzip2);
  EXPECT_EQ(DetectCompression("WARC/1.0\r\n"), Compression::kNone);
  EXPECT_EQ(DetectCompression("BZ"), Compression::kNone);
  EXPECT_EQ(DetectCompression(""), Compression::kNone);
}

// Decodes a concatenation member by member and returns the output, checking
// that each member end is reported exactly at its boundary.
std::string DecodeAll(StreamDecoder* d, const std::string& in, std::vector<size_t>* member_ends) {
  std::string out;
  uint8_t buf[4096];
  size_t pos = 0;
  for (int guard = 0; guard < 100000; ++guard) {
    // Feed small input pieces to exercise the streaming paths.
    size_t chunk = std::min<size_t>(in.size() - pos, 777);
    auto step = d->Decode(reinterpret_cast<const uint8_t*>(in.data()) + pos, chunk, buf, sizeof(buf));
    pos += step.consumed;
    out.append(reinterpret_cast<char*>(buf), step.produced);
    if (step.event == StreamDecoder::Event::kMemberEnd) member_ends->push_back(pos);
    if (step.event == StreamDecoder::Event::kError) return out + "<error>";
    if (pos == in.size() && step.produced == 0 && step.event != StreamDecoder::Event::kMemberEnd) break;
  }
  return out;
}

class StreamDecoderTest : public ::testing::TestWithParam<int> {};

TEST_P(StreamDecoderTest, StopsExactlyAtEveryMemberEnd) {
  std::string a(5000, 'a'), b = "second member", c(70000, 'c');
  for (size_t i = 0; i < c.size(); i += 7) c[i] = static_cast<char>('0' + i % 10);
  std::string in, expected = a + b + c;
  std::vector<size_t> ends;
  std::unique_ptr<StreamDecoder> d;
  auto add = [&](const std::string& m) {
    in += m;
    ends.push_back(in.size());
  };
  switch (GetParam()) {
    case 0:
    case 1:
      add(GzipMember(a)), add(GzipMember(b)), add(GzipMember(c));
      d = MakeStreamDecoder(Compression::kGzip, GetParam() == 0 ? GzipEngine::kIsal : GzipEngine::kZlib);
      break;
    case 2:
      add(ZstdFrame(a)), add(ZstdFrame(b)), add(ZstdFrame(c));
      d = MakeStreamDecoder(Compression::kZstd, GzipEngine::kIsal);
      break;
    case 3:
      add(Lz4Frame(a)), add(Lz4Frame(b)), add(Lz4Frame(c));
      d = MakeStreamDecoder(Compression::kLz4, GzipEngine::kIsal);
      break;
    case 4:
      add(Bzip2Stream(a)), add(Bzip2Stream(b)), add(Bzip2Stream(c));
      d = MakeStreamDecoder(Compression::kBzip2, GzipEngine::kIsal);
      break;
  }
  std::vector<size_t> got_ends;
  EXPECT_EQ(DecodeAll(d.get(), in, &got_ends), expected);
  EXPECT_EQ(got_ends, ends);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, StreamDecoderTest, ::testing::Values(0, 1, 2, 3, 4));

TEST(StreamDecoderTest, ReportsCorruptData) {
  std::string m = GzipMember(std::string(10000, 'z') + "tail");
  m[m.size() / 2] ^= 0x55;
  m[m.size() / 2 + 1] ^= 0x55;
  for (GzipEngine e : {GzipEngine::kIsal, GzipEngine::kZlib}) {
    auto d = MakeStreamDecoder(Compression::kGzip, e);
    std::vector<size_t> ends;
    std::string out = DecodeAll(d.get(), m, &ends);
    EXPECT_NE(out.find("<error>"), std::string::npos) << GzipEngineName(e);
    EXPECT_TRUE(ends.empty());
  }
}

TEST(StreamDecoderTest, ZstdWithDictionary) {
  std::string dict = "WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http; msgtype=response\r\n";
  std::string record = "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n";
  std::string in = ZstdFrame(record, dict);
  auto d = MakeStreamDecoder(Compression::kZstd, GzipEngine::kIsal, dict);
  std::vector<size_t> ends;
  EXPECT_EQ(DecodeAll(d.get(), in, &ends), record);
  auto without = MakeStreamDecoder(Compression::kZstd, GzipEngine::kIsal);
  EXPECT_NE(DecodeAll(without.get(), in, &ends).find("<error>"), std::string::npos);
}

TEST(InflateBoundedTest, WrappersLimitsAndDamage) {
  std::string text(100000, 'q');
  std::string out;
  EXPECT_EQ(InflateBounded(GzipMember(text), InflateWrapper::kGzip, 1 << 20, &out), InflateOutcome::kComplete);
  EXPECT_EQ(out, text);
  out.clear();
  EXPECT_EQ(InflateBounded(GzipMember(text), InflateWrapper::kGzip, 1000, &out), InflateOutcome::kOutputLimit);
  EXPECT_EQ(out.size(), 1000u);
  out.clear();
  std::string cut = GzipMember(text);
  cut.resize(cut.size() / 2);
  EXPECT_EQ(InflateBounded(cut, InflateWrapper::kGzip, 1 << 20, &out), InflateOutcome::kTruncatedInput);
  out.clear();
  EXPECT_EQ(InflateBounded("plain text, not deflate", InflateWrapper::kGzip, 1 << 20, &out),
            InflateOutcome::kCorrupt);
}

}  // namespace
}  // namespace stocktake
