// Thin wrappers over the compressors' one-shot APIs.
#include "test_support/compress.h"

#include <bzlib.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <stdexcept>

namespace stocktake::testing {

std::string GzipMember(std::string_view data, int level) {
  z_stream z;
  std::memset(&z, 0, sizeof(z));
  if (deflateInit2(&z, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflate");
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string ZstdFrame(std::string_view data, std::string_view dictionary) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  size_t n = dictionary.empty()
                 ? ZSTD_compressCCtx(cctx, out.data(), out.size(), data.data(), data.size(), 3)
                 : ZSTD_compress_usingDict(cctx, out.data(), out.size(), data.data(), data.size(),
                                           dictionary.data(), dictionary.size(), 3);
  ZSTD_freeCCtx(cctx);
  if (ZSTD_isError(n)) throw std::runtime_error("zstd");
  out.resize(n);
  return out;
}

std::string ZstdDictionaryFrame(std::string_view dict) {
  std::string out;
  auto le32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  le32(0x184D2A5D);
  le32(static_cast<uint32_t>(dict.size()));
  out.append(dict);
  return out;
}

std::string Lz4Frame(std::string_view data) {
  std::string out(LZ4F_compressFrameBound(data.size(), nullptr), '\0');
  size_t n = LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), nullptr);
  if (LZ4F_isError(n)) throw std::runtime_error("lz4");
  out.resize(n);
  return out;
}

std::string Bzip2Stream(std::string_view data) {
  unsigned int size = static_cast<unsigned int>(data.size() + data.size() / 100 + 700);
  std::string out(size, '\0');
  int rc = BZ2_bzBuffToBuffCompress(out.data(), &size, const_cast<char*>(data.data()),
                                    static_cast<unsigned int>(data.size()), 9, 0, 0);
  if (rc != BZ_OK) throw std::runtime_error("bzip2");
  out.resize(size);
  return out;
}

}  // namespace stocktake::testing
