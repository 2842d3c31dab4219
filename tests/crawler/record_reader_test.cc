#include "crawler/record_reader.h"

#include <gtest/gtest.h>

#include "common/byte_source.h"
#include "test_support/compress.h"
#include "test_support/test_support.h"

namespace stocktake::crawler {
namespace {

std::string WarcRecord(const std::string& type, const std::string& body, const std::string& extra = "",
                       long length = -1) {
  return "WARC/1.0\r\nWARC-Type: " + type +
         "\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>\r\n"
         "WARC-Target-URI: <http://example.com/" + type + ">\r\n" + extra +
         "Content-Length: " + std::to_string(length >= 0 ? static_cast<size_t>(length) : body.size()) + "\r\n\r\n" +
         body + "\r\n\r\n";
}

struct Seen {
  std::string type;
  std::string body;
  uint64_t offset;
  uint64_t container_offset;
  bool truncated;
  bool clipped;
};

std::vector<Seen> ReadAll(const std::string& bytes, Counts* errors = nullptr, RecordReaderOptions options = {},
                          uint64_t* skipped = nullptr) {
  RecordReader reader(std::make_unique<MemorySource>(bytes), options);
  std::vector<Seen> out;
  while (const Record* r = reader.Next()) {
    out.push_back({std::string(r->type), std::string(r->body), r->offset, r->container_offset, r->truncated,
                   r->clipped});
  }
  if (errors != nullptr) *errors = reader.errors();
  if (skipped != nullptr) *skipped = reader.skipped_bytes();
  return out;
}

TEST(RecordReaderTest, ReadsWellFormedRecordsWithOffsetsAndFields) {
  std::string r1 = WarcRecord("warcinfo", "software: test\r\n");
  std::string r2 = WarcRecord("response", "HTTP/1.1 200 OK\r\n\r\nhi", "WARC-Date: 2024-01-01T00:00:00Z\r\n");
  std::string bytes = r1 + r2;
  RecordReader reader(std::make_unique<MemorySource>(bytes));
  const Record* a = reader.Next();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->version, "WARC/1.0");
  EXPECT_EQ(a->type, "warcinfo");
  EXPECT_EQ(a->body, "software: test\r\n");
  EXPECT_EQ(a->offset, 0u);
  const Record* b = reader.Next();
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->type, "response");
  EXPECT_EQ(b->target_uri, "http://example.com/response");
  EXPECT_EQ(b->date, "2024-01-01T00:00:00Z");
  EXPECT_EQ(b->Header("warc-date"), "2024-01-01T00:00:00Z");
  EXPECT_EQ(b->offset, r1.size());
  EXPECT_EQ(b->body, "HTTP/1.1 200 OK\r\n\r\nhi");
  EXPECT_EQ(reader.Next(), nullptr);
  EXPECT_EQ(reader.Next(), nullptr);
  EXPECT_TRUE(reader.errors().empty());
  EXPECT_EQ(reader.format(), ArchiveFormat::kWarc);
}

TEST(RecordReaderTest, PerRecordGzipGivesMemberOffsets) {
  std::string r1 = WarcRecord("request", "GET / HTTP/1.1\r\n\r\n");
  std::string r2 = WarcRecord("response", std::string(100000, 'x'));
  std::string g1 = testing::GzipMember(r1), g2 = testing::GzipMember(r2);
  auto seen = ReadAll(g1 + g2);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].container_offset, 0u);
  EXPECT_EQ(seen[1].container_offset, g1.size());
  EXPECT_EQ(seen[1].offset, r1.size());
  EXPECT_EQ(seen[1].body.size(), 100000u);
}

TEST(RecordReaderTest, ToleratesLfOnlyAndMissingVersionLines) {
  std::string lf = "WARC/1.0\nWARC-Type: resource\nContent-Length: 3\n\nabc\n\n";
  std::string headerless = "WARC-Type: resource\r\nWARC-Record-ID: <x>\r\nContent-Length: 2\r\n\r\nhi\r\n\r\n";
  Counts errors;
  auto seen = ReadAll(lf + headerless + lf, &errors);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].body, "abc");
  EXPECT_EQ(seen[1].body, "hi");
  EXPECT_EQ(errors.Get("missing_version_line"), 1u);
}

TEST(RecordReaderTest, LengthTooLongCutsAtTheNextRecord) {
  std::string r1 = WarcRecord("response", "short body", "", 500);  // claims 500 bytes
  Counts errors;
  auto seen = ReadAll(r1 + WarcRecord("request", "GET / HTTP/1.1\r\n\r\n") + std::string(2000, 'z'), &errors);
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen[0].body, "short body");
  EXPECT_EQ(seen[1].type, "request");
  EXPECT_GT(errors.Get("content_length_mismatch"), 0u);
}

TEST(RecordReaderTest, LengthTooShortSkipsJunkAndKeepsTheNextRecord) {
  std::string r1 = WarcRecord("response", "0123456789", "", 4);  // claims 4 of 10 bytes
  std::string r2 = WarcRecord("request", "GET");
  Counts errors;
  uint64_t skipped = 0;
  auto seen = ReadAll(r1 + r2, &errors, {}, &skipped);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].body, "0123");
  EXPECT_EQ(seen[1].type, "request");
  EXPECT_EQ(seen[1].body, "GET");
  EXPECT_EQ(errors.Get("junk_between_records"), 1u);
  EXPECT_GT(skipped, 0u);
}

TEST(RecordReaderTest, TruncatedLastRecord) {
  std::string r1 = WarcRecord("warcinfo", "x");
  std::string r2 = WarcRecord("response", std::string(5000, 'b'));
  Counts errors;
  auto seen = ReadAll(r1 + r2.substr(0, r2.size() - 2000), &errors);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TRUE(seen[1].truncated);
  EXPECT_EQ(seen[1].body, std::string(5000 - 2000 + 4, 'b'));
  EXPECT_EQ(errors.Get("record_truncated"), 1u);
}

TEST(RecordReaderTest, JunkAtStartAndAStrayWarcInsideABody) {
  // A page that mentions "WARC/1.0" on its own line must not start a record.
  std::string body = "line one\nWARC/1.0\nnot a header\n";
  std::string bytes = "garbage before the first record\n" + WarcRecord("response", body) + WarcRecord("request", "x");
  Counts errors;
  auto seen = ReadAll(bytes, &errors);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].body, body);
  EXPECT_EQ(errors.Get("no_record_at_start"), 1u);
}

TEST(RecordReaderTest, OversizedBodyIsClippedAndTheNextRecordSurvives) {
  RecordReaderOptions options;
  options.max_record_bytes = 4096;
  std::string big(100000, 'q');
  Counts errors;
  auto seen = ReadAll(WarcRecord("response", big) + WarcRecord("request", "after"), &errors, options);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TRUE(seen[0].clipped);
  EXPECT_EQ(seen[0].body.size(), 4096u);
  EXPECT_EQ(seen[1].body, "after");
  EXPECT_EQ(errors.Get("record_clipped"), 1u);
}

TEST(RecordReaderTest, HugeDeclaredLengthDoesNotSwallowLaterRecords) {
  RecordReaderOptions options;
  options.max_record_bytes = 1024;
  std::string liar = "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 2000000000\r\n\r\n" + std::string(3000, 'l') +
                     "\r\n\r\n";
  Counts errors;
  auto seen = ReadAll(liar + WarcRecord("request", "one") + WarcRecord("request", "two"), &errors, options);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[1].body, "one");
  EXPECT_EQ(seen[2].body, "two");
  EXPECT_GT(errors.Get("content_length_mismatch"), 0u);
}

// Clipping must not change which records are found, on real files too.
TEST(RecordReaderTest, ClippingKeepsEveryRecordOfRealFiles) {
  for (const char* file : {"archivesunleashed+aut/src/test/resources/arc/example.arc.gz",
                           "archivesunleashed+aut/src/test/resources/warc/example.warc.gz",
                           "archivesunleashed+aut/src/test/resources/warc/example.pdf.warc.gz"}) {
    SCOPED_TRACE(file);
    std::string bytes = testing::ReadFile(testing::CorpusFile(file));
    RecordReaderOptions small;
    small.max_record_bytes = 4096;
    small.initial_buffer_bytes = 16 << 10;
    small.stream.input_chunk_bytes = 4096;
    Counts errors_default, errors_small;
    auto all = ReadAll(bytes, &errors_default);
    auto clipped = ReadAll(bytes, &errors_small, small);
    ASSERT_EQ(clipped.size(), all.size());
    size_t n_clipped = 0;
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(clipped[i].offset, all[i].offset);
      EXPECT_EQ(clipped[i].type, all[i].type);
      EXPECT_EQ(clipped[i].body, all[i].body.substr(0, 4096));
      EXPECT_EQ(clipped[i].clipped, all[i].body.size() > 4096);
      n_clipped += clipped[i].clipped;
    }
    EXPECT_GT(n_clipped, 0u);
    EXPECT_EQ(errors_small.Get("record_clipped"), n_clipped);
    EXPECT_EQ(errors_small.Get("content_length_mismatch"), errors_default.Get("content_length_mismatch"));
  }
}

TEST(RecordReaderTest, MissingContentLengthRunsToTheNextRecord) {
  std::string r1 = "WARC/1.0\r\nWARC-Type: metadata\r\n\r\nfields: 1\r\n\r\n";
  Counts errors;
  auto seen = ReadAll(r1 + WarcRecord("request", "x"), &errors);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].body, "fields: 1");
  EXPECT_EQ(errors.Get("bad_content_length"), 1u);
}

TEST(RecordReaderTest, ReadsArcRecords) {
  std::string path = testing::CorpusFile("webrecorder+warcio/test/data/example.arc");
  auto source = FileSource::Open(path);
  ASSERT_TRUE(source.ok());
  RecordReader reader(std::move(*source));
  const Record* r = reader.Next();
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(reader.format(), ArchiveFormat::kArc);
  EXPECT_EQ(r->type, "warcinfo");
  EXPECT_EQ(r->target_uri, "filedesc://live-web-example.arc.gz");
  r = reader.Next();
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->type, "response");
  EXPECT_EQ(r->target_uri, "http://example.com/");
  EXPECT_EQ(r->content_type, "text/html");
  EXPECT_EQ(r->body.substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_EQ(r->body.size(), r->declared_length);
  EXPECT_EQ(reader.Next(), nullptr);
  EXPECT_TRUE(reader.errors().empty());
}

// The same records through every container: plain, per-record gzip, per-record
// zstd with a (compressed) dictionary frame, per-record LZ4, whole-file bzip2.
TEST(RecordReaderTest, EveryContainerGivesTheSameRecords) {
  std::string plain = testing::ReadFile(testing::CorpusFile("chatnoir-eu+chatnoir-resiliparse/tests/data/warcfile.warc"));
  RecordReader reader(std::make_unique<MemorySource>(plain));
  std::vector<uint64_t> starts;
  while (const Record* r = reader.Next()) starts.push_back(r->offset);
  starts.push_back(plain.size());
  ASSERT_EQ(starts.size(), 51u);
  std::string dict = plain.substr(0, 4096);
  std::string gz, zst = testing::ZstdDictionaryFrame(testing::ZstdFrame(dict)), lz;
  std::vector<uint64_t> gz_off, zst_off, lz_off;
  for (size_t i = 0; i + 1 < starts.size(); ++i) {
    std::string rec = plain.substr(starts[i], starts[i + 1] - starts[i]);
    gz_off.push_back(gz.size());
    gz += testing::GzipMember(rec);
    zst_off.push_back(zst.size());
    zst += testing::ZstdFrame(rec, dict);
    lz_off.push_back(lz.size());
    lz += testing::Lz4Frame(rec);
  }
  auto expected = ReadAll(plain);
  for (const auto& [name, bytes, offsets] :
       std::vector<std::tuple<std::string, std::string, std::vector<uint64_t>>>{
           {"gzip", gz, gz_off}, {"zstd", zst, zst_off}, {"lz4", lz, lz_off}, {"bzip2", testing::Bzip2Stream(plain), {}}}) {
    SCOPED_TRACE(name);
    Counts errors;
    auto got = ReadAll(bytes, &errors);
    ASSERT_EQ(got.size(), expected.size());
    EXPECT_TRUE(errors.empty());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].type, expected[i].type);
      EXPECT_EQ(got[i].body, expected[i].body);
      EXPECT_EQ(got[i].offset, expected[i].offset);
      if (!offsets.empty()) {
        EXPECT_EQ(got[i].container_offset, offsets[i]);
      }
    }
  }
}

TEST(RecordReaderTest, EmptyAndTinyInputs) {
  Counts errors;
  EXPECT_TRUE(ReadAll("", &errors).empty());
  EXPECT_TRUE(errors.empty());
  EXPECT_TRUE(ReadAll("W", &errors).empty());
  EXPECT_TRUE(ReadAll("WARC/1.0\r\n", &errors).empty());
  EXPECT_FALSE(errors.empty());
}

}  // namespace
}  // namespace stocktake::crawler
