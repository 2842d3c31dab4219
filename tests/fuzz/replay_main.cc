// Replays fuzz inputs without libFuzzer: every file under the given paths is
// passed to LLVMFuzzerTestOneInput once, whole and cut at a few points
// (truncation is the most common real damage). Used by CTest so the fuzz
// targets run on the corpus in every build, sanitized or not.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path p(argv[i]);
    if (!std::filesystem::exists(p)) continue;  // e.g. no regressions kept for this target
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  size_t runs = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string data = ss.str();
    for (size_t cut : {data.size(), data.size() / 2, data.size() / 3 + 7, size_t{100}, size_t{0}}) {
      if (cut > data.size()) continue;
      std::vector<uint8_t> copy(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(cut));
      LLVMFuzzerTestOneInput(copy.data(), copy.size());
      ++runs;
    }
  }
  std::printf("replayed %zu inputs from %zu files\n", runs, files.size());
  return files.empty() ? 1 : 0;
}
