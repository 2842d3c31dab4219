// Streaming decoders over isa-l, zlib, libzstd, libbz2 and liblz4.
//
// Each adapter translates its library's "end of stream" signal into
// Event::kMemberEnd and returns immediately, leaving the following member's
// bytes unconsumed. That is the one property the rest of the reader relies on:
// member boundaries are exact, so record offsets are exact.
//
// isa-l note: with crc_flag = ISAL_GZIP, isal_inflate parses the gzip header,
// inflates and verifies the trailer; block_state becomes ISAL_BLOCK_FINISH at
// the member end and any input it had buffered past the trailer is returned
// to next_in/avail_in, so "consumed" is exact there too.
#include "common/inflate.h"

#include <bzlib.h>
#include <isa-l/igzip_lib.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <stdexcept>

namespace stocktake {

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kZstd: return "zstd";
    case Compression::kBzip2: return "bzip2";
    case Compression::kLz4: return "lz4";
  }
  return "none";
}

std::string_view GzipEngineName(GzipEngine e) { return e == GzipEngine::kIsal ? "isal" : "zlib"; }

Compression DetectCompression(std::string_view head) {
  auto b = [&](size_t i) { return static_cast<uint8_t>(head[i]); };
  if (head.size() >= 2 && b(0) == 0x1f && b(1) == 0x8b) return Compression::kGzip;
  if (head.size() >= 4) {
    if (b(0) == 0x28 && b(1) == 0xb5 && b(2) == 0x2f && b(3) == 0xfd) return Compression::kZstd;
    // A skippable frame first (the warc-zstd dictionary frame uses 0x184D2A5D).
    if ((b(0) & 0xf0) == 0x50 && b(1) == 0x2a && b(2) == 0x4d && b(3) == 0x18) return Compression::kZstd;
    if (b(0) == 0x04 && b(1) == 0x22 && b(2) == 0x4d && b(3) == 0x18) return Compression::kLz4;
    if (b(0) == 'B' && b(1) == 'Z' && b(2) == 'h' && b(3) >= '1' && b(3) <= '9') return Compression::kBzip2;
  }
  return Compression::kNone;
}

std::string_view MemberMagic(Compression c) {
  switch (c) {
    case Compression::kNone: return {};
    case Compression::kGzip: return std::string_view("\x1f\x8b\x08", 3);
    case Compression::kZstd: return std::string_view("\x28\xb5\x2f\xfd", 4);
    case Compression::kBzip2: return std::string_view("BZh", 3);
    case Compression::kLz4: return std::string_view("\x04\x22\x4d\x18", 4);
  }
  return {};
}

namespace {

// Library APIs take 32-bit lengths; feed them at most this much per call.
constexpr size_t kMaxStep = 1u << 30;

class IsalGzipDecoder final : public StreamDecoder {
 public:
  IsalGzipDecoder() : state_(std::make_unique<inflate_state>()) { Reset(); }

  Step Decode(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_len) override {
    state_->next_in = const_cast<uint8_t*>(in);
    state_->avail_in = static_cast<uint32_t>(std::min(in_len, kMaxStep));
    state_->next_out = out;
    state_->avail_out = static_cast<uint32_t>(std::min(out_len, kMaxStep));
    uint32_t in_before = state_->avail_in;
    uint32_t out_before = state_->avail_out;
    int rc = isal_inflate(state_.get());
    Step step;
    step.consumed = in_before - state_->avail_in;
    step.produced = out_before - state_->avail_out;
    if (rc < 0 || rc == ISAL_NEED_DICT) {
      step.event = Event::kError;
    } else if (state_->block_state == ISAL_BLOCK_FINISH) {
      step.event = Event::kMemberEnd;
      Reset();
    }
    return step;
  }

  void Reset() override {
    isal_inflate_init(state_.get());
    state_->crc_flag = ISAL_GZIP;
  }

 private:
  std::unique_ptr<inflate_state> state_;
};

class ZlibGzipDecoder final : public StreamDecoder {
 public:
  ZlibGzipDecoder() {
    std::memset(&z_, 0, sizeof(z_));
    if (inflateInit2(&z_, 15 + 16) != Z_OK) throw std::bad_alloc();
  }
  ~ZlibGzipDecoder() override { inflateEnd(&z_); }

  Step Decode(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_len) override {
    z_.next_in = const_cast<Bytef*>(in);
    z_.avail_in = static_cast<uInt>(std::min(in_len, kMaxStep));
    z_.next_out = out;
    z_.avail_out = static_cast<uInt>(std::min(out_len, kMaxStep));
    uInt in_before = z_.avail_in;
    uInt out_before = z_.avail_out;
    int rc = inflate(&z_, Z_NO_FLUSH);
    Step step;
    step.consumed = in_before - z_.avail_in;
    step.produced = out_before - z_.avail_out;
    if (rc == Z_STREAM_END) {
      step.event = Event::kMemberEnd;
      inflateReset(&z_);
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      step.event = Event::kError;
    }
    return step;
  }

  void Reset() override { inflateReset(&z_); }

 private:
  z_stream z_;
};

class ZstdDecoder final : public StreamDecoder {
 public:
  explicit ZstdDecoder(std::string_view dictionary) : dctx_(ZSTD_createDCtx()) {
    if (dctx_ == nullptr) throw std::bad_alloc();
    // Bound the window a frame may demand (128 MiB, zstd's own default limit).
    ZSTD_DCtx_setParameter(dctx_, ZSTD_d_windowLogMax, 27);
    if (!dictionary.empty()) ZSTD_DCtx_loadDictionary(dctx_, dictionary.data(), dictionary.size());
  }
  ~ZstdDecoder() override { ZSTD_freeDCtx(dctx_); }

  Step Decode(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_len) override {
    ZSTD_inBuffer input{in, in_len, 0};
    ZSTD_outBuffer output{out, out_len, 0};
    size_t rc = ZSTD_decompressStream(dctx_, &output, &input);
    Step step;
    step.consumed = input.pos;
    step.produced = output.pos;
    if (ZSTD_isError(rc)) {
      step.event = Event::kError;
    } else if (rc == 0) {
      step.event = Event::kMemberEnd;  // frame fully decoded and flushed
    }
    return step;
  }

  // session_only keeps the loaded dictionary.
  void Reset() override { ZSTD_DCtx_reset(dctx_, ZSTD_reset_session_only); }

 private:
  ZSTD_DCtx* dctx_;
};

class Bzip2Decoder final : public StreamDecoder {
 public:
  Bzip2Decoder() { Init(); }
  ~Bzip2Decoder() override { BZ2_bzDecompressEnd(&bz_); }

  Step Decode(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_len) override {
    bz_.next_in = const_cast<char*>(reinterpret_cast<const char*>(in));
    bz_.avail_in = static_cast<unsigned>(std::min(in_len, kMaxStep));
    bz_.next_out = reinterpret_cast<char*>(out);
    bz_.avail_out = static_cast<unsigned>(std::min(out_len, kMaxStep));
    unsigned in_before = bz_.avail_in;
    unsigned out_before = bz_.avail_out;
    int rc = BZ2_bzDecompress(&bz_);
    Step step;
    step.consumed = in_before - bz_.avail_in;
    step.produced = out_before - bz_.avail_out;
    if (rc == BZ_STREAM_END) {
      step.event = Event::kMemberEnd;
      Reset();
    } else if (rc != BZ_OK) {
      step.event = Event::kError;
    }
    return step;
  }

  void Reset() override {
    BZ2_bzDecompressEnd(&bz_);
    Init();
  }

 private:
  void Init() {
    std::memset(&bz_, 0, sizeof(bz_));
    if (BZ2_bzDecompressInit(&bz_, 0, 0) != BZ_OK) throw std::bad_alloc();
  }
  bz_stream bz_;
};

class Lz4Decoder final : public StreamDecoder {
 public:
  Lz4Decoder() {
    if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx_, LZ4F_VERSION))) throw std::bad_alloc();
  }
  ~Lz4Decoder() override { LZ4F_freeDecompressionContext(dctx_); }

  Step Decode(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_len) override {
    size_t src = in_len;
    size_t dst = out_len;
    size_t rc = LZ4F_decompress(dctx_, out, &dst, in, &src, nullptr);
    Step step;
    step.consumed = src;
    step.produced = dst;
    if (LZ4F_isError(rc)) {
      step.event = Event::kError;
    } else if (rc == 0) {
      step.event = Event::kMemberEnd;
    }
    return step;
  }

  void Reset() override { LZ4F_resetDecompressionContext(dctx_); }

 private:
  LZ4F_dctx* dctx_ = nullptr;
};

}  // namespace

std::unique_ptr<StreamDecoder> MakeStreamDecoder(Compression c, GzipEngine engine,
                                                 std::string_view dictionary) {
  switch (c) {
    case Compression::kGzip:
      if (engine == GzipEngine::kZlib) return std::make_unique<ZlibGzipDecoder>();
      return std::make_unique<IsalGzipDecoder>();
    case Compression::kZstd: return std::make_unique<ZstdDecoder>(dictionary);
    case Compression::kBzip2: return std::make_unique<Bzip2Decoder>();
    case Compression::kLz4: return std::make_unique<Lz4Decoder>();
    case Compression::kNone: break;
  }
  return nullptr;
}

InflateOutcome InflateBounded(std::string_view in, InflateWrapper wrapper, size_t max_out,
                              std::string* out) {
  z_stream z;
  std::memset(&z, 0, sizeof(z));
  int bits = wrapper == InflateWrapper::kGzip ? 15 + 16 : wrapper == InflateWrapper::kZlib ? 15 : -15;
  if (inflateInit2(&z, bits) != Z_OK) return InflateOutcome::kCorrupt;
  const size_t start = out->size();
  z.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(in.data()));
  z.avail_in = static_cast<uInt>(std::min(in.size(), kMaxStep));
  InflateOutcome outcome = InflateOutcome::kTruncatedInput;
  for (;;) {
    size_t produced = out->size() - start;
    if (produced >= max_out) {
      outcome = InflateOutcome::kOutputLimit;
      break;
    }
    size_t grow = std::min<size_t>(std::max<size_t>(in.size() * 4, 16384), max_out - produced);
    size_t old = out->size();
    out->resize(old + grow);
    z.next_out = reinterpret_cast<Bytef*>(out->data() + old);
    z.avail_out = static_cast<uInt>(grow);
    int rc = inflate(&z, Z_NO_FLUSH);
    out->resize(old + grow - z.avail_out);
    if (rc == Z_STREAM_END) {
      outcome = InflateOutcome::kComplete;
      break;
    }
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // input ended mid-stream
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      outcome = InflateOutcome::kCorrupt;
      break;
    }
    if (z.avail_in == 0 && z.avail_out != 0) break;
  }
  inflateEnd(&z);
  return outcome;
}

}  // namespace stocktake
