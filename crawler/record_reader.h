// RecordReader: WARC and ARC records from one input, whatever its damage.
//
// Reads WARC 1.0/1.1 and tolerates 0.17/0.18 (ClueWeb, old Heritrix), records
// without a version line, ARC v1 and v2, and Common Crawl WET/WAT (which are
// WARC). Compression is handled below, by DecodedStream.
//
// Damage never stops a file. The reader counts what it could not use under a
// named reason (errors()) and resynchronizes at the next plausible record
// header:
//   record_truncated         body shorter than its Content-Length (end of data)
//   content_length_mismatch  the next record starts inside the declared body
//   junk_between_records     bytes between a record and the next header
//   extra_newlines           more blank lines after a record than the spec's two
//   no_record_at_start       the input does not begin with a record header
//   missing_version_line     a WARC header block without its "WARC/x.y" line
//   bad_content_length       missing or unparsable Content-Length
//   header_too_long          no end of header within max_header_bytes
//   bad_header_lines         header lines that are not "Name: value"
//   record_clipped           body larger than max_record_bytes (prefix kept)
//   arc_bad_header           an ARC header line that does not parse
// plus the container's own reasons from DecodedStream (gzip_corrupt, ...).
// Bytes thrown away while resynchronizing are summed in skipped_bytes().
//
// Memory: the buffer holds at most one record (clipped at max_record_bytes)
// plus one read chunk, whatever the file size.
//
// Lifetime: every view in the Record returned by Next() points into the
// reader's buffer and stays valid until the next call to Next() or the
// reader's destruction. Not thread-safe; one reader per input.
#ifndef STOCKTAKE_CRAWLER_RECORD_READER_H_
#define STOCKTAKE_CRAWLER_RECORD_READER_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/counts.h"
#include "common/decoded_stream.h"
#include "crawler/headers.h"

namespace stocktake::crawler {

enum class ArchiveFormat { kUnknown, kWarc, kArc };

struct RecordReaderOptions {
  // A body longer than this keeps only its first max_record_bytes bytes
  // (Record::clipped); the rest is skipped without being buffered.
  size_t max_record_bytes = 64u << 20;
  size_t max_header_bytes = 64u << 10;
  // Starting size of the record buffer; it grows to fit the largest record.
  size_t initial_buffer_bytes = 4u << 20;
  DecodedStreamOptions stream;
};

struct Record {
  ArchiveFormat format = ArchiveFormat::kUnknown;
  // "WARC/1.0", "WARC/0.18", "" when the version line is missing; "ARC/1".
  std::string_view version;
  // The WARC-Type value as written ("response", "request", ...). ARC records
  // map to "warcinfo" (the filedesc record) and "response" (all others).
  std::string_view type;
  std::string_view target_uri;    // WARC-Target-URI without "<>"; the ARC URL
  std::string_view date;          // WARC-Date / ARC archive date, unparsed
  std::string_view record_id;     // WARC-Record-ID
  std::string_view content_type;  // the record's Content-Type; ARC mime type
  uint64_t offset = 0;            // decoded offset of the record's first byte
  uint64_t container_offset = 0;  // compressed offset of the member holding it
  // Content-Length / ARC length; for a record without a usable length, the
  // length found by looking for the next record.
  uint64_t declared_length = 0;
  std::string_view header;        // the raw header block
  std::string_view body;
  bool truncated = false;  // body is shorter than declared_length
  bool clipped = false;    // body was cut at max_record_bytes

  // The first WARC header field named `name` (case-insensitive), or "".
  std::string_view Header(std::string_view name) const { return FindHeader(*fields, name); }
  const std::vector<HeaderField>* fields = nullptr;
};

class RecordReader {
 public:
  RecordReader(std::unique_ptr<ByteSource> source, RecordReaderOptions options = {});
  ~RecordReader();
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  // The next record, or nullptr at the end of the input. The pointer and all
  // views in it are valid until the next call.
  const Record* Next();

  ArchiveFormat format() const { return format_; }
  const DecodedStream& stream() const { return stream_; }
  // Reader and container damage by reason (container reasons merged in).
  Counts errors() const;
  uint64_t skipped_bytes() const { return skipped_bytes_; }
  uint64_t records() const { return records_; }

 private:
  enum class Parse { kOk, kNeedMore, kInvalid };
  // A parsed header block. Two exist: the record being returned, and a probe
  // used to validate candidate record starts without disturbing the first.
  struct ParsedHeader {
    Record record;
    std::vector<HeaderField> fields;
    bool has_length = false;
    size_t bad_lines = 0;
  };

  // Positions are absolute decoded offsets; these convert to buffer indexes.
  uint64_t Abs(size_t index) const { return buf_base_ + index; }
  size_t Index(uint64_t abs) const { return static_cast<size_t>(abs - buf_base_); }
  uint64_t BufEnd() const { return buf_base_ + end_; }
  std::string_view View(uint64_t from, uint64_t to) const {
    return std::string_view(reinterpret_cast<const char*>(buf_.get()) + Index(from), to - from);
  }

  // Buffering. Reads stop at segment ends; bytes from pos_ on are kept.
  bool ReadMore();
  bool EnsureUpTo(uint64_t abs_end);

  // Recognition.
  bool AtLineStart(uint64_t at) const;
  bool LooksLikeArcHeaderLine(std::string_view line);
  Parse FindHeaderAt(uint64_t at, size_t* header_len);
  bool ParseWarcFields(uint64_t at, size_t header_len, bool strict, ParsedHeader* out);
  bool ParseArcFields(uint64_t at, size_t header_len, ParsedHeader* out);
  // Parses a header at `at` into `out`. `strict` demands what a header found by
  // searching must have (a Content-Length, a WARC-Type or record id).
  bool HeaderAt(uint64_t at, bool strict, size_t* header_len, ParsedHeader* out);
  // Cheap check that a record could start at `at` (for the separator check).
  bool StartsRecord(uint64_t at);
  // Searches [from, limit) for a validated record start. With `discard`, the
  // search reads on through the stream, dropping (and counting) skipped bytes.
  bool FindRecordStart(uint64_t from, uint64_t limit, bool discard, uint64_t* found);
  void Resync(uint64_t from, std::string_view reason);

  // Records.
  void DetectFormat();
  // `parsed_generation` is generation_ when current_ was parsed.
  const Record* BuildRecord(uint64_t at, size_t header_len, uint64_t parsed_generation);
  uint64_t CheckSeparator(uint64_t body_end, uint64_t body_begin);
  void SkipClippedRest();

  DecodedStream stream_;
  RecordReaderOptions options_;
  ArchiveFormat format_ = ArchiveFormat::kUnknown;
  int arc_version_ = 1;

  std::unique_ptr<uint8_t[]> buf_;
  size_t cap_ = 0;
  size_t pos_ = 0;              // first byte still needed
  size_t end_ = 0;              // end of valid bytes
  uint64_t buf_base_ = 0;       // decoded offset of buf_[0]
  uint64_t generation_ = 0;     // bumped whenever bytes move in memory
  bool segment_end_ = false;    // no bytes beyond end_ in this segment
  bool stream_end_ = false;
  uint64_t segment_start_ = 0;  // offset where the current segment began

  bool have_record_ = false;    // a record was returned; next_pos_ is valid
  uint64_t next_pos_ = 0;
  bool resync_next_ = false;    // junk follows the returned record
  uint64_t skip_target_ = 0;    // end of a clipped body still to skip
  bool header_cut_ = false;     // the last header probe hit a segment end
  bool finished_ = false;

  ParsedHeader current_;
  ParsedHeader probe_;
  std::vector<std::string_view> arc_tokens_;
  Counts errors_;
  uint64_t skipped_bytes_ = 0;
  uint64_t records_ = 0;
};

}  // namespace stocktake::crawler

#endif  // STOCKTAKE_CRAWLER_RECORD_READER_H_
