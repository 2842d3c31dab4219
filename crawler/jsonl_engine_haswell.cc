// The JSONL engine with simdjson's AVX2 kernel (see jsonl_engine.h). CMake
// compiles this file with -mavx2 -mbmi -mpclmul -mlzcnt; it runs only when
// simdjson detects a CPU with them.
#if defined(__AVX2__) && defined(__BMI__) && defined(__PCLMUL__) && defined(__LZCNT__)
#define STOCKTAKE_JSONL_ENGINE Haswell
#include "crawler/jsonl_engine.inc"
#else
#include "crawler/jsonl_engine.h"
namespace stocktake::crawler::jsonl_internal {
std::unique_ptr<Engine> MakeHaswellEngine(const FieldPaths&) { return nullptr; }
}  // namespace stocktake::crawler::jsonl_internal
#endif
