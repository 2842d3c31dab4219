// Embeds data/tokenizers/*.tiktoken with the assembler's .incbin, so the
// binary needs no data directory at run time (Slurm nodes, installed copies).
// The digests are those of data/tokenizers/SHA256SUMS; the loader checks
// them, which also catches a rank file edited in the source tree.
#include "stats/tiktoken_data.h"

#ifndef STOCKTAKE_TOKENIZER_DIR
#error "STOCKTAKE_TOKENIZER_DIR must name data/tokenizers"
#endif

#define STOCKTAKE_EMBED(symbol, file)                                       \
  __asm__(".section .rodata\n"                                              \
          ".balign 16\n"                                                    \
          ".global " #symbol "_begin\n" #symbol "_begin:\n"                 \
          ".incbin \"" STOCKTAKE_TOKENIZER_DIR "/" file "\"\n"              \
          ".global " #symbol "_end\n" #symbol "_end:\n"                     \
          ".byte 0\n"                                                       \
          ".previous\n");                                                   \
  extern "C" const char symbol##_begin[];                                   \
  extern "C" const char symbol##_end[];

STOCKTAKE_EMBED(stocktake_cl100k_base, "cl100k_base.tiktoken")
STOCKTAKE_EMBED(stocktake_o200k_base, "o200k_base.tiktoken")
STOCKTAKE_EMBED(stocktake_r50k_base, "r50k_base.tiktoken")

namespace stocktake::stats {
namespace {

std::string_view Span(const char* begin, const char* end) {
  return std::string_view(begin, static_cast<size_t>(end - begin));
}

}  // namespace

const BuiltinRankFile* FindBuiltinRankFile(std::string_view name) {
  static const BuiltinRankFile kFiles[] = {
      {"cl100k_base", SplitPattern::kCl100k, Span(stocktake_cl100k_base_begin, stocktake_cl100k_base_end),
       "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"},
      {"o200k_base", SplitPattern::kO200k, Span(stocktake_o200k_base_begin, stocktake_o200k_base_end),
       "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"},
      {"r50k_base", SplitPattern::kR50k, Span(stocktake_r50k_base_begin, stocktake_r50k_base_end),
       "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930"},
  };
  if (name == "gpt2") name = "r50k_base";
  for (const BuiltinRankFile& file : kFiles) {
    if (file.name == name) return &file;
  }
  return nullptr;
}

}  // namespace stocktake::stats
