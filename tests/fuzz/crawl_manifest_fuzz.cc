// Fuzz target: crawl specs and crawl manifests (gzip or plain), and sampling
// whatever a manifest yields.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crawler/crawl_manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake::crawler;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto spec = ParseCrawlSpec(std::string("cc:") + std::string(bytes.substr(0, 256)));
  if (spec.ok() && spec->crawl.empty()) std::abort();
  auto paths = ParseManifest(bytes);
  if (paths.ok()) {
    for (const std::string& p : *paths) {
      if (p.empty() || p.front() == '/' || p.find("..") != std::string::npos) std::abort();
    }
    const uint64_t n = size % 7;
    auto sample = SampleStratified(*paths, n, size);
    if (n > 0 && sample.size() != std::min<size_t>(n, paths->size())) std::abort();
  }
  return 0;
}
