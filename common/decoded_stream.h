// DecodedStream: the decompressed bytes of one input, with member offsets.
//
// Wraps a ByteSource, detects its compression from the first bytes (gzip,
// zstd with or without the warc-zstd dictionary frame, bzip2, LZ4 frames, or
// none), and hands out decompressed bytes in caller-sized pieces. Memory is
// bounded by the input chunk size plus the decoder state, whatever the file
// size.
//
// Member offsets: every decoded byte belongs to a member (gzip member, zstd or
// LZ4 frame, bzip2 stream) that starts at a known offset in the compressed
// file. ContainerOffsetOf() maps a decoded offset back to that start, which is
// how a record gets its Common Crawl-style (CDX) offset.
//
// Damage: a corrupt member is counted ("gzip_corrupt"), the stream skips
// forward to the next member magic and continues. Data on the two sides of the
// skip does not connect, so Read() reports a segment end there; readers treat
// it like an end of file for the record in progress and resynchronize after
// it. A file that ends inside a member is counted ("gzip_truncated") and ends
// there. Nothing is thrown; I/O errors end the stream and are kept in
// io_status().
//
// Not thread-safe. One DecodedStream per input.
#ifndef STOCKTAKE_COMMON_DECODED_STREAM_H_
#define STOCKTAKE_COMMON_DECODED_STREAM_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "common/byte_source.h"
#include "common/counts.h"
#include "common/inflate.h"
#include "common/status.h"

namespace stocktake {

struct DecodedStreamOptions {
  GzipEngine gzip_engine = GzipEngine::kIsal;
  size_t input_chunk_bytes = 1 << 20;
  // Largest warc-zstd dictionary accepted (its decompressed size, too).
  size_t max_zstd_dictionary_bytes = 64u << 20;
};

class DecodedStream {
 public:
  struct ReadResult {
    size_t size = 0;           // bytes written to the caller's buffer
    bool segment_end = false;  // the bytes after these do not connect to them
    bool stream_end = false;   // no more bytes at all (implies segment_end)
  };

  explicit DecodedStream(std::unique_ptr<ByteSource> source, DecodedStreamOptions options = {});
  ~DecodedStream();
  DecodedStream(const DecodedStream&) = delete;
  DecodedStream& operator=(const DecodedStream&) = delete;

  // Writes up to `n` decoded bytes to `out`. May return fewer than asked (and
  // even 0 with segment_end set) when a segment ends.
  ReadResult Read(uint8_t* out, size_t n);

  // Offset in the compressed file of the member holding decoded byte
  // `decoded_offset`. For uncompressed input it is `decoded_offset` itself.
  // Valid for offsets at or after the last ForgetBefore() call.
  uint64_t ContainerOffsetOf(uint64_t decoded_offset) const;
  // Lets the stream drop member marks wholly before `decoded_offset`.
  void ForgetBefore(uint64_t decoded_offset);

  Compression compression() const { return compression_; }
  const std::string& name() const { return source_->name(); }
  // Damage found in the container, by reason ("gzip_corrupt", ...).
  const Counts& errors() const { return errors_; }
  uint64_t compressed_bytes_read() const { return source_bytes_read_; }
  uint64_t decoded_bytes() const { return decoded_total_; }
  // Compressed bytes skipped while resynchronizing.
  uint64_t skipped_compressed_bytes() const { return skipped_compressed_; }
  uint64_t members() const { return member_count_; }
  // Non-OK if reading the source failed; the stream ended there.
  const Status& io_status() const { return io_status_; }

 private:
  struct Member {
    uint64_t decoded_start;
    uint64_t compressed_start;
  };

  void Start();
  // Ensures at least `want` unread input bytes, unless the source ends first.
  void FillInput(size_t want);
  size_t InputAvailable() const { return in_end_ - in_pos_; }
  uint64_t InputFileOffset() const { return in_file_offset_ + in_pos_; }
  // Skips input up to the next member magic. Returns false at end of input.
  bool SkipToNextMagic(size_t from_inclusive);
  void CountError(std::string_view what);
  bool ReadZstdDictionary(std::string* dictionary);

  std::unique_ptr<ByteSource> source_;
  DecodedStreamOptions options_;
  Compression compression_ = Compression::kNone;
  std::unique_ptr<StreamDecoder> decoder_;

  std::vector<uint8_t> in_;
  size_t in_pos_ = 0;
  size_t in_end_ = 0;
  uint64_t in_file_offset_ = 0;  // file offset of in_[0]
  bool source_eof_ = false;
  uint64_t source_bytes_read_ = 0;

  bool started_ = false;
  bool ended_ = false;
  bool in_member_ = false;     // a member is partially decoded
  bool resyncing_ = false;     // the current member started at a guessed magic
  bool member_produced_ = false;
  uint64_t decoded_total_ = 0;
  uint64_t skipped_compressed_ = 0;
  uint64_t member_count_ = 0;
  std::deque<Member> members_;
  Counts errors_;
  Status io_status_;
};

}  // namespace stocktake

#endif  // STOCKTAKE_COMMON_DECODED_STREAM_H_
