// The JSONL engine with simdjson's portable kernel (see jsonl_engine.h).
#define STOCKTAKE_JSONL_ENGINE Fallback
#include "crawler/jsonl_engine.inc"
