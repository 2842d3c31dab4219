// Fuzz target: the config loader on arbitrary text. Invariants: no crash
// and no exception escapes (wrong types, out-of-range values, bad TOML are
// errors); a config that loads prints (ConfigToml) as TOML that loads back
// to the same effective values (ConfigJson).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pipeline/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stocktake::pipeline;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = ParseConfig(text, "fuzz.toml");
  if (!config.ok()) {
    if (config.status().message().empty()) std::abort();
    return 0;
  }
  auto again = ParseConfig(ConfigToml(*config), "fuzz.toml");
  if (!again.ok()) std::abort();
  if (ConfigJson(*again, 0) != ConfigJson(*config, 0)) std::abort();
  return 0;
}
