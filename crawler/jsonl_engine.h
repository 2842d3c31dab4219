// Internal to crawler/jsonl.cc: the JSONL line parser, built once per
// simdjson kernel. simdjson's On-Demand front end is compiled for the one
// kernel a translation unit targets (without -march flags: the portable
// fallback), so jsonl_engine_fallback.cc and jsonl_engine_haswell.cc (built
// with AVX2 flags) each compile jsonl_engine.inc, and JsonlParser picks one
// at run time by simdjson's CPU detection.
#ifndef STOCKTAKE_CRAWLER_JSONL_ENGINE_H_
#define STOCKTAKE_CRAWLER_JSONL_ENGINE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "crawler/jsonl.h"

namespace stocktake::crawler::jsonl_internal {

// The configured field paths, split: "a.b" -> ("a", "b"); "a" -> ("a", "").
struct FieldPaths {
  std::string text_outer, text_inner, id_outer, id_inner, url_outer, url_inner;
};

class Engine {
 public:
  virtual ~Engine() = default;
  // `padded` holds `size` bytes of the line and is readable to `capacity`
  // (at least size + SIMDJSON_PADDING). Returns "" or the reason.
  virtual std::string_view Parse(const char* padded, size_t size, size_t capacity, JsonlDocument* out) = 0;
};

// `paths` must outlive the engine.
std::unique_ptr<Engine> MakeFallbackEngine(const FieldPaths& paths);
// nullptr when this build has no AVX2 kernel.
std::unique_ptr<Engine> MakeHaswellEngine(const FieldPaths& paths);

}  // namespace stocktake::crawler::jsonl_internal

#endif  // STOCKTAKE_CRAWLER_JSONL_ENGINE_H_
