// ZstdFileWriter: a zstd-compressed file written as a stream and published
// atomically.
//
// Bytes are compressed as they come (one zstd frame, checksummed) into
// "<path>.tmp.<pid>"; Commit() flushes, fsyncs and renames it to `path`, so
// readers see the whole file or none. Destroying an uncommitted writer
// removes the temporary. Not thread-safe; one writer per file.
#ifndef STOCKTAKE_COMMON_ZSTD_WRITER_H_
#define STOCKTAKE_COMMON_ZSTD_WRITER_H_

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace stocktake {

class ZstdFileWriter {
 public:
  ZstdFileWriter();
  ~ZstdFileWriter();
  ZstdFileWriter(const ZstdFileWriter&) = delete;
  ZstdFileWriter& operator=(const ZstdFileWriter&) = delete;

  Status Open(const std::string& path, int level = 3);
  // Errors stick: after one, Write does nothing and Commit returns it.
  void Write(std::string_view bytes);
  Status Commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stocktake

#endif  // STOCKTAKE_COMMON_ZSTD_WRITER_H_
