// JSONL document files: one JSON object per line, the layout datatrove,
// Dolma, FineWeb, DCLM and RedPajama publish their documents in:
//   {"text": "...", "id": "...", "metadata": {"url": "...", "language": "en", "date": "..."}, ...}
// Other fields may be present and are skipped. Which fields hold the text,
// id and URL is configurable (JsonlFields): a top-level name or
// "outer.inner" for a field one object down.
//
// JsonlParser parses one line with simdjson's On-Demand API. The whole line
// is validated (skipped values too, strings without unescaping), so a line
// is either a document or a named reason:
//   jsonl_invalid_json   not one JSON value, or a value that is not an object
//   jsonl_no_text        no text field, or one that is not a string
//   jsonl_blank_line     whitespace only
// (The pipeline adds jsonl_line_too_long for lines past its limit.)
#ifndef STOCKTAKE_CRAWLER_JSONL_H_
#define STOCKTAKE_CRAWLER_JSONL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_source.h"
#include "common/decoded_stream.h"

namespace stocktake::crawler {

struct JsonlFields {
  std::string text = "text";
  std::string id = "id";
  std::string url = "metadata.url";
};

// Whether decoded bytes start like a JSONL file: an optional UTF-8 byte
// order mark and whitespace, then '{'. (Crawl archives start with "WARC/",
// an ARC URL line or a file header, never '{'.)
bool LooksLikeJsonl(std::string_view decoded_prefix);

// One parsed line. Views point into the parser (unescaped strings) or the
// line, valid until the next Parse.
struct JsonlDocument {
  std::string_view text;
  std::string_view id;   // a string id unescaped, a number as written; "" if absent
  // The id field and the "metadata" object as they are in the line (valid
  // JSON; "" if absent), for carrying them into --write-docs output.
  std::string_view id_json;
  std::string_view metadata_json;
  std::string_view url;  // "" if absent or not a string
  // metadata.language, .language_score, .language_source when present (the
  // documents stocktake --write-docs writes carry them): "" / -1 if absent.
  std::string_view language;
  double language_score = -1;
  std::string_view language_source;
};

// Not thread-safe: one per thread. Reuses its buffers.
class JsonlParser {
 public:
  explicit JsonlParser(JsonlFields fields = {});
  ~JsonlParser();
  JsonlParser(const JsonlParser&) = delete;
  JsonlParser& operator=(const JsonlParser&) = delete;

  // Parses `line` (without its '\n'; a trailing '\r' is whitespace).
  // Returns "" for a document, else the reason it is not one.
  std::string_view Parse(std::string_view line, JsonlDocument* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits a (possibly compressed) input into lines with bounded memory: a
// line longer than `max_line_bytes` is skipped to its end, not buffered.
class JsonlLineReader {
 public:
  JsonlLineReader(std::unique_ptr<ByteSource> source, size_t max_line_bytes);

  struct Line {
    std::string_view text;  // without its '\n'; valid until the next call
    uint64_t number = 0;    // 1-based
    bool too_long = false;  // skipped: `text` is empty
  };
  // The next line, or false at the end of the input (or on an I/O error:
  // see stream().io_status()).
  bool Next(Line* line);

  const DecodedStream& stream() const { return stream_; }

 private:
  bool Fill();  // reads more into the buffer; false at the end

  DecodedStream stream_;
  size_t max_line_bytes_;
  std::vector<char> buffer_;
  size_t begin_ = 0, end_ = 0;
  uint64_t number_ = 0;
  bool ended_ = false;
};

}  // namespace stocktake::crawler

#endif  // STOCKTAKE_CRAWLER_JSONL_H_
