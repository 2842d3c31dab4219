// Atomic file output: write under a temporary name, fsync, rename into place.
//
// A reader of the final path sees either the previous complete file or the new
// complete file, never a partial one, even if the process is killed or the
// disk fills up mid-write (the temporary is removed on failure).
// Functions are thread-safe for distinct paths.
#ifndef STOCKTAKE_COMMON_ATOMIC_FILE_H_
#define STOCKTAKE_COMMON_ATOMIC_FILE_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace stocktake {

// Writes `contents` to `path` atomically. The temporary lives next to `path`
// (same filesystem) as "<path>.tmp.<pid>".
Status WriteFileAtomic(const std::string& path, std::string_view contents);

// Creates `dir` and missing parents (like mkdir -p). OK if it already exists.
Status MakeDirectories(const std::string& dir);

}  // namespace stocktake

#endif  // STOCKTAKE_COMMON_ATOMIC_FILE_H_
