// Fuzz target: the readers of per-shard and run files, which a resumed run
// reads back from disk (where they may be damaged). The first byte picks
// the reader, the rest is the file: result.bin (DecodeShardResult), DONE,
// a band run (bands.run/exact.run, checked end to end), run.json,
// signatures.sig, a dedup task's part file.
// Invariants: no crash, no unbounded allocation; damage is an error or, for
// DONE, "not done".
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include <xxhash.h>

#include "dedup/cluster.h"
#include "pipeline/dedup_stage.h"
#include "pipeline/run.h"
#include "pipeline/shard_store.h"

namespace {

const std::string& Dir() {
  static const std::string dir = [] {
    std::string d = (std::filesystem::temp_directory_path() / ("stocktake-fuzz-shard-" + std::to_string(getpid())))
                        .string();
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

void Put(const std::string& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake;
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Reads a little-endian u64 of the file at `at` (0 if short).
  auto u64_at = [&](size_t at) {
    uint64_t v = 0;
    if (bytes.size() >= at + 8) std::memcpy(&v, bytes.data() + at, 8);
    return v;
  };
  // `prefix` + the file with a valid trailing XXH3 checksum (of both), so
  // the parser behind the checksum sees the bytes.
  auto checksummed = [&](std::string_view prefix = {}) {
    std::string framed = std::string(prefix) + std::string(bytes);
    const uint64_t sum = XXH3_64bits(framed.data(), framed.size());
    framed.append(reinterpret_cast<const char*>(&sum), 8);
    return framed;
  };
  switch (data[0] % 6) {
    case 0: {
      // Twice: as given (almost always a checksum failure), and with the
      // header and checksum made right so the field decoder sees the bytes.
      pipeline::InputResult r;
      (void)pipeline::DecodeShardResult(bytes, &r);
      static const std::string magic = pipeline::EncodeShardResult({}).substr(0, 8);
      pipeline::InputResult framed;
      (void)pipeline::DecodeShardResult(checksummed(magic), &framed);
      break;
    }
    case 1:
      Put(Dir() + "/DONE", bytes);
      (void)pipeline::ReadShardDone(Dir());
      break;
    case 2: {
      // The partition count the file says it was written for (if sane), so
      // the checks go past the header.
      Put(Dir() + "/bands.run", bytes);
      const uint64_t stored = u64_at(8) & 0xFFFFFFFF;
      (void)dedup::CheckRunFile(Dir() + "/bands.run", stored >= 1 && stored <= 4096 ? uint32_t(stored) : 64);
      break;
    }
    case 3:
      Put(Dir() + "/run.json", bytes);
      (void)pipeline::ReadRunRecord(Dir());
      break;
    case 4: {
      // signatures.sig: documents and hashes as its header says.
      Put(Dir() + "/signatures.sig", checksummed());
      const uint64_t hashes = u64_at(16);
      (void)pipeline::CheckSignatureFile(Dir() + "/signatures.sig", u64_at(8),
                                         hashes >= 1 && hashes <= 1024 ? uint32_t(hashes) : 112);
      break;
    }
    case 5: {
      // A dedup task's part: fingerprint and partitions as it says.
      Put(Dir() + "/part.edges", checksummed());
      (void)pipeline::ReadDedupPart(Dir() + "/part.edges", uint32_t(u64_at(16)), u64_at(8));
      break;
    }
  }
  return 0;
}
