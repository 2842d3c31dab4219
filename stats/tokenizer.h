// Byte-level BPE token counting, compatible with OpenAI's tiktoken.
//
// An Encoding is a rank file (one base64 token and its rank per line, the
// `.tiktoken` format) plus a split pattern (pretokenize.h). Counting follows
// tiktoken's encode_ordinary: the text is cut into pieces by the pattern; a
// piece that is itself a token counts 1; otherwise its bytes are merged
// pairwise, always the adjacent pair whose concatenation has the lowest rank
// (the leftmost one on ties), until no adjacent pair is a token. Special
// tokens such as <|endoftext|> are ordinary text.
//
// tiktoken's merge loop rescans the piece after every merge (quadratic in
// the piece). Here pieces up to kShortPiece bytes use that loop, on the
// stack; longer ones keep the pair ranks in a min-segment tree, O(n log n)
// time and about 16 bytes of scratch per byte of the piece, so a 10 MB word
// without spaces takes about a second instead of hours.
//
// The built-in encodings (cl100k_base, o200k_base, r50k_base) are compiled
// into the binary and their SHA-256 is checked on every load. An Encoding is
// immutable after loading and shared by all threads; each thread passes its
// own TokenScratch.
#ifndef STOCKTAKE_STATS_TOKENIZER_H_
#define STOCKTAKE_STATS_TOKENIZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "stats/pretokenize.h"

namespace stocktake::stats {

// Per-thread working memory: direct-mapped caches of recent pieces and their
// counts, one (512 KiB) for pieces of up to 16 bytes and one (256 KiB) for
// pieces of 17 to 48 bytes (web text is Zipfian, and the caches stay in L2
// where the rank table does not; the longer pieces are mostly identifiers
// and words of languages without spaces, and most of them repeat), and the
// arrays for long pieces, released after a piece that needed more than a
// few megabytes. The caches belong to one encoding at a time; switching
// encodings clears them.
struct TokenScratch {
  template <size_t kBytes>
  struct Cached {
    uint64_t hash = 0;
    uint32_t count = 0;
    uint32_t length = 0;  // 0: empty
    char bytes[kBytes];
  };
  using CachedPiece = Cached<16>;
  using CachedLongPiece = Cached<48>;
  static constexpr size_t kCacheSize = 16384;
  static constexpr size_t kCachedLength = sizeof(CachedPiece::bytes);
  static constexpr size_t kLongCacheSize = 4096;
  static constexpr size_t kLongCachedLength = sizeof(CachedLongPiece::bytes);
  const void* cache_owner = nullptr;
  std::vector<CachedPiece> cache;
  std::vector<CachedLongPiece> long_cache;
  std::vector<uint32_t> tree;
  std::vector<uint32_t> next;
  std::vector<uint32_t> prev;
};

class Encoding {
 public:
  static constexpr size_t kShortPiece = 48;

  // A built-in encoding by name ("cl100k_base", "o200k_base", "r50k_base";
  // "gpt2" is r50k_base). Fails on an unknown name or a digest mismatch.
  // Loaded once per process and shared.
  static Result<std::shared_ptr<const Encoding>> Builtin(std::string_view name);

  // Any `.tiktoken` file, split with one of the known patterns. When
  // `expected_sha256` is not empty the file's digest must equal it.
  static Result<std::shared_ptr<const Encoding>> FromFile(const std::string& path, SplitPattern pattern,
                                                          std::string_view expected_sha256 = {},
                                                          std::string name = {});

  // Parses rank-file bytes; `sha256` is recorded as the encoding's digest
  // (computed from the bytes when empty).
  static Result<std::shared_ptr<const Encoding>> FromBytes(std::string name, std::string_view bytes,
                                                           SplitPattern pattern, std::string sha256 = {});

  static std::vector<std::string_view> BuiltinNames();
  // The published SHA-256 of a built-in rank file ("" for unknown names).
  static std::string_view BuiltinSha256(std::string_view name);

  const std::string& name() const { return name_; }
  const std::string& sha256() const { return sha256_; }
  SplitPattern pattern() const { return pattern_; }
  size_t vocabulary_size() const { return entries_; }

  // Number of tokens tiktoken's encode_ordinary would return.
  uint64_t Count(std::string_view text, TokenScratch* scratch) const;

  // The token ids themselves (tests, debugging).
  std::vector<uint32_t> Encode(std::string_view text) const;

  // The bytes of `ids` joined (unknown ids are skipped).
  std::string Decode(const std::vector<uint32_t>& ids) const;

  // Rank of a byte string, or kNoRank.
  static constexpr uint32_t kNoRank = 0xFFFFFFFFu;
  uint32_t Rank(std::string_view bytes) const;

 private:
  // A rank-table slot: the token's first eight bytes (zero-padded), its rank
  // and length; the rest of a longer token's bytes are found by rank.
  struct Slot {
    uint64_t head = 0;
    uint32_t rank = 0;
    uint32_t length = 0;  // 0: empty slot
  };
  struct Token {
    uint32_t offset = 0;  // into tokens_
    uint32_t length = 0;
  };

  Encoding() = default;
  Status Parse(std::string_view bytes);
  uint32_t RankOf(const unsigned char* bytes, size_t length) const;
  uint32_t RankOfHashed(const unsigned char* bytes, size_t length, uint64_t hash) const;
  // Merges the piece; leaves part starts in `starts` (short pieces) and
  // returns the number of tokens. `starts` may be null.
  uint32_t MergeShort(const unsigned char* piece, size_t length, uint32_t* starts) const;
  uint64_t MergeLong(const unsigned char* piece, size_t length, TokenScratch* scratch,
                     std::vector<uint32_t>* starts) const;
  uint64_t CountPiece(const unsigned char* piece, size_t length, TokenScratch* scratch) const;
  // A piece that fits `cache`'s slots, through the cache.
  template <typename Entry>
  uint32_t CountCached(const unsigned char* piece, size_t length, std::vector<Entry>* cache) const;

  std::string name_;
  std::string sha256_;
  SplitPattern pattern_ = SplitPattern::kCl100k;
  std::string tokens_;         // all decoded token bytes, back to back
  size_t longest_ = 0;         // longest token, in bytes
  std::vector<Slot> slots_;    // open addressing, power-of-two size
  uint64_t mask_ = 0;
  size_t entries_ = 0;
  std::vector<uint32_t> two_byte_;  // rank of every two-byte string (64 Ki)
  std::vector<Token> by_rank_;      // rank -> its token's bytes
  // One bit per value of the key hash's top kFilterBits bits, set for every
  // token: most strings the merge loops look up are not tokens, and this
  // 256 KiB filter (it stays in L2 where the table does not) turns most of
  // them away before the table is read.
  static constexpr int kFilterBits = 21;
  std::vector<uint64_t> filter_;
};

}  // namespace stocktake::stats

#endif  // STOCKTAKE_STATS_TOKENIZER_H_
