// Fuzz target: the record reader (container detection, decompression,
// WARC/ARC parsing, resynchronization) on arbitrary bytes.
//
// Invariants checked beyond "no crash": records come in increasing offset
// order, bodies never exceed their declared length or the configured cap.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "common/byte_source.h"
#include "crawler/record_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake;
  crawler::RecordReaderOptions options;
  options.max_record_bytes = 1 << 16;  // small, to exercise clipping
  options.max_header_bytes = 4096;
  options.initial_buffer_bytes = 64 << 10;
  options.stream.input_chunk_bytes = 4096;
  crawler::RecordReader reader(
      std::make_unique<MemorySource>(std::string_view(reinterpret_cast<const char*>(data), size)), options);
  uint64_t last_offset = 0;
  bool first = true;
  size_t checksum = 0;
  while (const crawler::Record* r = reader.Next()) {
    if (!first && r->offset <= last_offset) std::abort();
    if (r->body.size() > options.max_record_bytes) std::abort();
    if (r->body.size() > r->declared_length) std::abort();
    first = false;
    last_offset = r->offset;
    checksum += r->type.size() + r->body.size() + r->target_uri.size() + r->Header("Content-Type").size();
  }
  return checksum == static_cast<size_t>(-1) ? 1 : 0;
}
