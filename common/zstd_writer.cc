// Streaming zstd output through a fixed output buffer: the compressor is
// fed in the caller's pieces and drained whenever its buffer fills.
#include "common/zstd_writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <filesystem>
#include <vector>

namespace stocktake {

struct ZstdFileWriter::Impl {
  std::string path;
  std::string tmp;
  std::FILE* file = nullptr;
  ZSTD_CCtx* cctx = nullptr;
  std::vector<char> out;
  Status status;

  ~Impl() {
    if (cctx != nullptr) ZSTD_freeCCtx(cctx);
    if (file != nullptr) {
      std::fclose(file);
      ::unlink(tmp.c_str());
    }
  }
  void Drain(ZSTD_inBuffer* in, ZSTD_EndDirective mode) {
    for (;;) {
      ZSTD_outBuffer o{out.data(), out.size(), 0};
      const size_t left = ZSTD_compressStream2(cctx, &o, in, mode);
      if (ZSTD_isError(left)) {
        status = IoError("cannot compress '" + path + "': " + ZSTD_getErrorName(left));
        return;
      }
      if (o.pos > 0 && std::fwrite(out.data(), 1, o.pos, file) != o.pos) {
        status = ErrnoError("cannot write '" + tmp + "'", errno);
        return;
      }
      const bool finished = mode == ZSTD_e_end ? left == 0 : in->pos == in->size;
      if (finished) return;
    }
  }
};

ZstdFileWriter::ZstdFileWriter() = default;
ZstdFileWriter::~ZstdFileWriter() = default;

Status ZstdFileWriter::Open(const std::string& path, int level) {
  impl_ = std::make_unique<Impl>();
  impl_->path = path;
  impl_->tmp = path + ".tmp." + std::to_string(::getpid());
  impl_->file = std::fopen(impl_->tmp.c_str(), "wbe");
  if (impl_->file == nullptr) return ErrnoError("cannot create '" + impl_->tmp + "'", errno);
  impl_->cctx = ZSTD_createCCtx();
  if (impl_->cctx == nullptr) return IoError("out of memory for a zstd compressor");
  ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_checksumFlag, 1);
  impl_->out.resize(ZSTD_CStreamOutSize());
  return Status::Ok();
}

void ZstdFileWriter::Write(std::string_view bytes) {
  if (impl_ == nullptr || !impl_->status.ok() || bytes.empty()) return;
  ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
  impl_->Drain(&in, ZSTD_e_continue);
}

Status ZstdFileWriter::Commit() {
  if (impl_ == nullptr) return IoError("zstd writer was not opened");
  Impl& w = *impl_;
  ZSTD_inBuffer in{nullptr, 0, 0};
  if (w.status.ok()) w.Drain(&in, ZSTD_e_end);
  if (w.status.ok() && std::fflush(w.file) != 0) w.status = ErrnoError("cannot write '" + w.tmp + "'", errno);
  if (w.status.ok() && ::fsync(fileno(w.file)) != 0) w.status = ErrnoError("cannot sync '" + w.tmp + "'", errno);
  const int closed = std::fclose(w.file);
  w.file = nullptr;
  if (w.status.ok() && closed != 0) w.status = ErrnoError("cannot close '" + w.tmp + "'", errno);
  if (w.status.ok() && ::rename(w.tmp.c_str(), w.path.c_str()) != 0) {
    w.status = ErrnoError("cannot rename '" + w.tmp + "' to '" + w.path + "'", errno);
  }
  if (!w.status.ok()) ::unlink(w.tmp.c_str());
  Status st = w.status;
  impl_.reset();
  return st;
}

}  // namespace stocktake
