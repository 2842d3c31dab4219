// File and memory byte sources. FileSource uses plain read(2): crawl shards are
// read once, front to back, so the kernel's readahead (asked for with
// POSIX_FADV_SEQUENTIAL) does all the work mmap would, without SIGBUS on
// truncated files.
#include "common/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>

namespace stocktake {

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open '" + path + "'", errno);
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status(StatusCode::kIoError, "cannot read '" + path + "': is a directory");
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<FileSource>(new FileSource(fd, path));
}

FileSource::~FileSource() { ::close(fd_); }

Result<size_t> FileSource::Read(uint8_t* out, size_t n) {
  for (;;) {
    ssize_t got = ::read(fd_, out, n);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno == EINTR) continue;
    return ErrnoError("cannot read '" + path_ + "'", errno);
  }
}

Result<size_t> MemorySource::Read(uint8_t* out, size_t n) {
  size_t take = std::min(n, bytes_.size() - pos_);
  if (take > 0) std::memcpy(out, bytes_.data() + pos_, take);
  pos_ += take;
  return take;
}

Result<std::string> ReadFileToString(const std::string& path) {
  auto source = FileSource::Open(path);
  if (!source.ok()) return source.status();
  std::string data;
  size_t used = 0;
  for (;;) {
    if (data.size() - used < 65536) data.resize(used + 65536 + data.size());
    auto got = (*source)->Read(reinterpret_cast<uint8_t*>(data.data()) + used, data.size() - used);
    if (!got.ok()) return got.status();
    if (*got == 0) break;
    used += *got;
  }
  data.resize(used);
  return data;
}

Result<size_t> PrefixedSource::Read(uint8_t* out, size_t n) {
  if (pos_ < head_.size()) {
    const size_t take = std::min(n, head_.size() - pos_);
    std::memcpy(out, head_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  if (!head_error_.ok()) {
    failed_ = true;
    return head_error_;
  }
  if (failed_) return size_t{0};
  return inner_->Read(out, n);
}

std::string PeekSource(std::unique_ptr<ByteSource>* source, size_t n) {
  std::string head(n, '\0');
  size_t got = 0;
  Status error = Status::Ok();
  while (got < n) {
    Result<size_t> r = (*source)->Read(reinterpret_cast<uint8_t*>(head.data()) + got, n - got);
    if (!r.ok()) {
      error = r.status();
      break;
    }
    if (*r == 0) break;
    got += *r;
  }
  head.resize(got);
  *source = std::make_unique<PrefixedSource>(head, error, std::move(*source));
  return head;
}

}  // namespace stocktake
