// Streaming decompression, one member at a time.
//
// Crawl files are concatenations of independently compressed members: one gzip
// member per record in Common Crawl's layout, one zstd frame per record in the
// IIPC warc-zstd layout, LZ4 frames per record in FastWARC's, bzip2 streams.
// A StreamDecoder decodes one such concatenation and *stops at every member
// end*, so the caller (DecodedStream) can note where each member starts in the
// compressed file. That position is the record's offset a CDX index would give.
//
// Decoders are not thread-safe; use one per stream. They never allocate per
// call: all state is set up at construction and reused across members.
#ifndef STOCKTAKE_COMMON_INFLATE_H_
#define STOCKTAKE_COMMON_INFLATE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace stocktake {

enum class Compression { kNone, kGzip, kZstd, kBzip2, kLz4 };

// "none", "gzip", "zstd", "bzip2", "lz4".
std::string_view CompressionName(Compression c);

// Detects the container format from the first bytes of a file (4 are enough;
// fewer give kNone). Based on magic numbers only, never on file names.
Compression DetectCompression(std::string_view head);

// Bytes that start a member of the given format; used to resynchronize after
// damage. Empty for kNone.
std::string_view MemberMagic(Compression c);

// Which inflate implementation decodes gzip. isa-l is the default (fastest,
// see docs/benchmarks.md); zlib is the portable reference.
enum class GzipEngine { kIsal, kZlib };
std::string_view GzipEngineName(GzipEngine e);

class StreamDecoder {
 public:
  enum class Event {
    kProgress,   // consumed and/or produced bytes; call again
    kMemberEnd,  // the current member ended after `consumed` input bytes
    kError,      // the member's data is corrupt; call Reset() before reuse
  };
  struct Step {
    size_t consumed = 0;
    size_t produced = 0;
    Event event = Event::kProgress;
  };

  virtual ~StreamDecoder() = default;

  // Decodes from `in` into `out`. Returns having consumed all input, filled the
  // output, reached a member end, or hit corrupt data. A step with nothing
  // consumed or produced means more input is needed.
  virtual Step Decode(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_len) = 0;

  // Forgets any partial member; the next Decode starts a new member.
  virtual void Reset() = 0;
};

// Creates a decoder for `c` (not kNone). For zstd, `dictionary` is the raw
// dictionary content (may be empty).
std::unique_ptr<StreamDecoder> MakeStreamDecoder(Compression c, GzipEngine engine,
                                                 std::string_view dictionary = {});

// One-shot, bounded inflate for HTTP Content-Encoding bodies (small, in
// memory). Decodes `in` appending to `out`, never growing `out` by more than
// `max_out` bytes: a decompression bomb stops at the limit.
enum class InflateWrapper { kGzip, kZlib, kRaw };
enum class InflateOutcome { kComplete, kTruncatedInput, kOutputLimit, kCorrupt };
InflateOutcome InflateBounded(std::string_view in, InflateWrapper wrapper, size_t max_out,
                              std::string* out);

}  // namespace stocktake

#endif  // STOCKTAKE_COMMON_INFLATE_H_
