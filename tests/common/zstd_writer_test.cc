// ZstdFileWriter: what goes in comes out of the decoder; nothing appears at
// the path before Commit, and an abandoned writer leaves nothing behind.
#include "common/zstd_writer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/byte_source.h"
#include "common/decoded_stream.h"
#include "test_support/test_support.h"

namespace stocktake {
namespace {

std::string Decode(const std::string& path) {
  auto source = FileSource::Open(path);
  EXPECT_TRUE(source.ok());
  DecodedStream stream(std::move(*source));
  std::string out;
  uint8_t buffer[4096];
  for (;;) {
    DecodedStream::ReadResult r = stream.Read(buffer, sizeof(buffer));
    out.append(reinterpret_cast<const char*>(buffer), r.size);
    if (r.stream_end || r.size == 0) break;
  }
  EXPECT_EQ(stream.compression(), Compression::kZstd);
  return out;
}

TEST(ZstdWriterTest, RoundTripsAndPublishesOnCommit) {
  testing::TempDir dir;
  const std::string path = dir.File("a.jsonl.zst");
  std::string expected;
  {
    ZstdFileWriter w;
    ASSERT_TRUE(w.Open(path).ok());
    for (int i = 0; i < 20000; ++i) {
      std::string line = "{\"n\": " + std::to_string(i * 7919 % 10007) + "}\n";
      w.Write(line);
      expected += line;
    }
    EXPECT_FALSE(std::filesystem::exists(path));
    ASSERT_TRUE(w.Commit().ok());
  }
  EXPECT_LT(std::filesystem::file_size(path), expected.size() / 3);
  EXPECT_TRUE(Decode(path) == expected);

  {
    ZstdFileWriter abandoned;
    ASSERT_TRUE(abandoned.Open(dir.File("b.zst")).ok());
    abandoned.Write("partial");
  }
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
  ZstdFileWriter bad;
  EXPECT_FALSE(bad.Open(dir.File("missing/c.zst")).ok());
}

}  // namespace
}  // namespace stocktake
