// One input's results on disk: RUN/shards/NNNNNN/.
//
// A shard folder holds what the shard pass produced for one input: its
// counters and per-document rows (result.bin), its dedup runs (bands.run,
// exact.run, signatures.sig) and, last, DONE. Every file is written under a
// temporary name and renamed, and DONE is written only after all others, so
// a folder with DONE is complete and a folder without it is redone. DONE
// names the input (absolute path, size, modification time), the config
// hash, program version and dedup partition count the shard was made with:
// a shard whose input or any of these changed since is not reused.
//
// result.bin is the InputResult in a compact binary form (LEB128 integers,
// length-prefixed strings) with a magic, a format version and an XXH3
// checksum; a damaged file is an error, and the shard is redone. A run
// computes its outputs from these files for fresh and reused shards alike, so
// a resumed run cannot differ from an uninterrupted one.
//
// Functions are thread-safe for distinct folders.
#ifndef STOCKTAKE_PIPELINE_SHARD_STORE_H_
#define STOCKTAKE_PIPELINE_SHARD_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "pipeline/document_pass.h"

namespace stocktake::pipeline {

// What a finished shard was made from.
struct ShardIdentity {
  std::string input;        // absolute, lexically normal path
  int64_t size = -1;        // -1: the input could not be stat'ed
  int64_t mtime_ns = 0;
  std::string config_hash;
  std::string program;      // the program version that made the shard
  uint32_t partitions = 0;  // of its dedup runs (0: dedup off)
  bool docs = false;        // has its documents file (--write-docs)
  bool operator==(const ShardIdentity&) const = default;
  // A shard made as `this` can serve a run that wants `wanted`: the same
  // except that a shard with documents also serves a run without.
  bool Serves(const ShardIdentity& wanted) const;
};

// The identity of `input` now, for `config_hash`, this program and runs
// with `partitions` (which the config hash leaves out: it never changes
// results, but run files must agree on it).
ShardIdentity IdentityOf(const std::string& input, const std::string& config_hash, uint32_t partitions,
                         bool docs = false);
// The absolute, lexically normal form of a path (inputs are matched by it).
std::string AbsolutePath(const std::string& path);

// "000042": a shard folder's name.
std::string ShardFolderName(uint32_t number);

// result.bin: encode and decode. Decode fails on any damage.
std::string EncodeShardResult(const InputResult& result);
Status DecodeShardResult(std::string_view bytes, InputResult* out);

// Writes `dir`/result.bin, then (if `done`) `dir`/DONE, both atomically. A
// shard without DONE still serves this run's outputs; the next run redoes it.
Status WriteShard(const std::string& dir, const InputResult& result, const ShardIdentity& identity, bool done = true);
// The identity in `dir`/DONE, or nothing if the shard is unfinished or its
// DONE is unreadable.
std::optional<ShardIdentity> ReadShardDone(const std::string& dir);
// Reads `dir`/result.bin; `path` becomes the result's path.
Result<InputResult> ReadShardResult(const std::string& dir, const std::string& path);

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_PIPELINE_SHARD_STORE_H_
