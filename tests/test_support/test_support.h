// Helpers shared by the test binaries: paths to the shared corpus and the
// built program, reading files, and running commands.
#ifndef STOCKTAKE_TESTS_TEST_SUPPORT_H_
#define STOCKTAKE_TESTS_TEST_SUPPORT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace stocktake::testing {

// True in AddressSanitizer and ThreadSanitizer builds, which run several
// times slower and use more memory: tests that bound time or memory (to
// catch runaway work, not to time speed) scale their bounds by it.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizerBuild = true;
#else
constexpr bool kSanitizerBuild = false;
#endif

// ../shared (set by CMake), e.g. SharedPath("corpus/warc/INVENTORY.md").
std::string SharedPath(const std::string& relative);
// The corpus file at corpus/warc/<relative>.
std::string CorpusFile(const std::string& relative);
// The built stocktake binary.
std::string StocktakeBinary();
std::string SourcePath(const std::string& relative);
// `text` with every occurrence of SharedPath("") removed: run outputs that
// name inputs under ../shared, independent of where the folder is.
std::string WithoutSharedPrefix(std::string text);

std::string ReadFile(const std::string& path);
// A file's bytes after decompression (gzip, zstd, ... detected as inputs
// are; empty and a test failure if it cannot be opened).
std::string ReadDecodedFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& contents);

// A fresh empty directory under the test temp dir, removed by the caller's
// TempDir destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
  double seconds = 0;           // wall time
  uint64_t peak_rss_bytes = 0;  // the child's maximum resident set
};
// Runs argv (no shell) and captures its output.
CommandResult RunCommand(const std::vector<std::string>& argv);

}  // namespace stocktake::testing

#endif  // STOCKTAKE_TESTS_TEST_SUPPORT_H_
