// ByteSource: a forward-only stream of raw (possibly compressed) input bytes.
//
// Readers pull bytes through this interface so the same code reads local files,
// memory (tests, fuzzers) and, later, HTTP bodies. Implementations are not
// thread-safe; one reader owns one source.
#ifndef STOCKTAKE_COMMON_BYTE_SOURCE_H_
#define STOCKTAKE_COMMON_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace stocktake {

class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // Copies up to `n` bytes into `out`. Returns the number copied; 0 means end of
  // stream. An I/O failure returns a non-OK Result; the source is then done.
  virtual Result<size_t> Read(uint8_t* out, size_t n) = 0;

  // A name for messages (the path or URL).
  virtual const std::string& name() const = 0;
};

// Reads a local file with read(2), hinting sequential access to the kernel.
class FileSource final : public ByteSource {
 public:
  static Result<std::unique_ptr<FileSource>> Open(const std::string& path);
  ~FileSource() override;

  Result<size_t> Read(uint8_t* out, size_t n) override;
  const std::string& name() const override { return path_; }

 private:
  FileSource(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

// Reads from memory the caller keeps alive for the life of the source.
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes, std::string name = "<memory>")
      : bytes_(bytes), name_(std::move(name)) {}

  Result<size_t> Read(uint8_t* out, size_t n) override;
  const std::string& name() const override { return name_; }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
  std::string name_;
};

// Serves `head` (bytes already read from `inner`) and then the rest of
// `inner`, so a caller can look at the start of a stream and still hand
// over all of it. An error met while reading the head is returned once
// the head has been served.
class PrefixedSource final : public ByteSource {
 public:
  PrefixedSource(std::string head, Status head_error, std::unique_ptr<ByteSource> inner)
      : head_(std::move(head)), head_error_(std::move(head_error)), inner_(std::move(inner)) {}

  Result<size_t> Read(uint8_t* out, size_t n) override;
  const std::string& name() const override { return inner_->name(); }

 private:
  std::string head_;
  size_t pos_ = 0;
  Status head_error_;
  bool failed_ = false;  // head_error_ returned: the source is done
  std::unique_ptr<ByteSource> inner_;
};

// Reads up to `n` bytes from the start of `*source` (fewer at its end or on
// an error) and replaces `*source` with a PrefixedSource that serves them
// again and then the rest (it owns the original source). Returns the bytes
// read.
std::string PeekSource(std::unique_ptr<ByteSource>* source, size_t n);

// Reads a whole file into memory. For small files (configs, rank files, tests).
Result<std::string> ReadFileToString(const std::string& path);

}  // namespace stocktake

#endif  // STOCKTAKE_COMMON_BYTE_SOURCE_H_
