#include "common/decoded_stream.h"

#include <gtest/gtest.h>

#include "test_support/compress.h"

namespace stocktake {
namespace {

using testing::GzipMember;

struct Drained {
  std::string bytes;
  std::vector<uint64_t> segment_ends;  // decoded offsets where segments ended
};

Drained Drain(DecodedStream* s, size_t piece = 1000) {
  Drained d;
  std::vector<uint8_t> buf(piece);
  for (int guard = 0; guard < 1000000; ++guard) {
    auto r = s->Read(buf.data(), buf.size());
    d.bytes.append(reinterpret_cast<char*>(buf.data()), r.size);
    if (r.segment_end) d.segment_ends.push_back(d.bytes.size());
    if (r.stream_end) break;
  }
  return d;
}

// MemorySource keeps a view: the bytes must outlive the stream.
std::unique_ptr<ByteSource> Mem(const std::string& s) { return std::make_unique<MemorySource>(s); }

TEST(DecodedStreamTest, PlainPassThrough) {
  std::string data = "WARC/1.0\r\n" + std::string(50000, 'p');
  DecodedStream s(Mem(data));
  Drained d = Drain(&s, 4096);
  EXPECT_EQ(d.bytes, data);
  EXPECT_EQ(s.compression(), Compression::kNone);
  EXPECT_EQ(s.ContainerOffsetOf(1234), 1234u);
  EXPECT_TRUE(s.errors().empty());
}

TEST(DecodedStreamTest, MemberOffsetsMapDecodedToCompressed) {
  std::string a(3000, 'a'), b(5000, 'b'), c(10, 'c');
  std::string ga = GzipMember(a), gb = GzipMember(b), gc = GzipMember(c);
  std::string in = ga + gb + gc;
  DecodedStream s(Mem(in));
  Drained d = Drain(&s);
  EXPECT_EQ(d.bytes, a + b + c);
  EXPECT_EQ(s.members(), 3u);
  EXPECT_EQ(s.ContainerOffsetOf(0), 0u);
  EXPECT_EQ(s.ContainerOffsetOf(2999), 0u);
  EXPECT_EQ(s.ContainerOffsetOf(3000), ga.size());
  EXPECT_EQ(s.ContainerOffsetOf(8000), ga.size() + gb.size());
  EXPECT_EQ(s.compressed_bytes_read(), ga.size() + gb.size() + gc.size());
  EXPECT_TRUE(s.errors().empty());
}

TEST(DecodedStreamTest, CorruptMemberIsSkippedWithASegmentBreak) {
  std::string a(4000, 'a'), b(4000, 'b'), c(4000, 'c');
  std::string gb = GzipMember(b);
  for (size_t i = 20; i < 40; ++i) gb[i] = static_cast<char>(0xff);  // destroy its deflate data
  std::string in = GzipMember(a) + gb + GzipMember(c);
  for (GzipEngine e : {GzipEngine::kIsal, GzipEngine::kZlib}) {
    DecodedStreamOptions o;
    o.gzip_engine = e;
    DecodedStream s(Mem(in), o);
    Drained d = Drain(&s);
    // Member a intact, then a break, then member c intact.
    ASSERT_GE(d.bytes.size(), a.size() + c.size()) << GzipEngineName(e);
    EXPECT_EQ(d.bytes.substr(0, a.size()), a);
    EXPECT_EQ(d.bytes.substr(d.bytes.size() - c.size()), c);
    EXPECT_GE(d.segment_ends.size(), 2u);  // the break and the end
    EXPECT_EQ(s.errors().Get("gzip_corrupt"), 1u) << GzipEngineName(e);
  }
}

TEST(DecodedStreamTest, TruncatedLastMemberKeepsWhatDecoded) {
  std::string a(4000, 'a'), b(100000, 'b');
  for (size_t i = 0; i < b.size(); i += 3) b[i] = static_cast<char>('a' + i % 26);
  std::string gb = GzipMember(b);
  std::string in = GzipMember(a) + gb.substr(0, gb.size() / 2);
  DecodedStream s(Mem(in));
  Drained d = Drain(&s);
  EXPECT_EQ(d.bytes.substr(0, a.size()), a);
  EXPECT_GT(d.bytes.size(), a.size());
  EXPECT_EQ(d.bytes.substr(a.size()), b.substr(0, d.bytes.size() - a.size()));
  EXPECT_EQ(s.errors().Get("gzip_truncated"), 1u);
}

TEST(DecodedStreamTest, TrailingGarbageIsCountedNotFatal) {
  std::string a(1000, 'a');
  std::string in = GzipMember(a) + std::string(100, '\0');
  DecodedStream s(Mem(in));
  Drained d = Drain(&s);
  EXPECT_EQ(d.bytes, a);
  EXPECT_EQ(s.errors().Get("gzip_trailing_garbage"), 1u);
  EXPECT_EQ(s.skipped_compressed_bytes(), 100u);
}

TEST(DecodedStreamTest, ZstdDictionaryFrameIsLoaded) {
  std::string dict(2000, 'd');
  for (size_t i = 0; i < dict.size(); ++i) dict[i] = static_cast<char>("WARC-Type: response\r\n"[i % 21]);
  std::string r1 = "WARC/1.0\r\nWARC-Type: response\r\n", r2 = "WARC/1.0\r\nWARC-Type: request\r\n";
  for (bool compressed_dict : {false, true}) {
    std::string frame = testing::ZstdDictionaryFrame(compressed_dict ? testing::ZstdFrame(dict) : dict);
    std::string f1 = testing::ZstdFrame(r1, dict);
    std::string in = frame + f1 + testing::ZstdFrame(r2, dict);
    DecodedStream s(Mem(in));
    Drained d = Drain(&s);
    EXPECT_EQ(d.bytes, r1 + r2);
    EXPECT_TRUE(s.errors().empty());
    EXPECT_EQ(s.ContainerOffsetOf(0), frame.size());
    EXPECT_EQ(s.ContainerOffsetOf(r1.size()), frame.size() + f1.size());
  }
}

TEST(DecodedStreamTest, EmptyInput) {
  std::string in;
  DecodedStream s(Mem(in));
  Drained d = Drain(&s);
  EXPECT_TRUE(d.bytes.empty());
  EXPECT_EQ(d.segment_ends.size(), 1u);
}

}  // namespace
}  // namespace stocktake
