// Rank table, merge loops and the counting driver. See tokenizer.h.
#include "stats/tokenizer.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <map>
#include <mutex>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "common/byte_source.h"
#include "common/hash.h"
#include "stats/tiktoken_data.h"

namespace stocktake::stats {
namespace {

constexpr uint32_t kNone = Encoding::kNoRank;

// The first eight bytes of a byte string (fewer, zero-padded, for shorter
// ones) as one little-endian word, read without going past its end: two
// loads that overlap in the middle, OR-ed (the overlap holds the same bytes).
inline uint64_t HeadOf(const unsigned char* bytes, size_t length) {
  if constexpr (std::endian::native != std::endian::little) {
    uint64_t head = 0;
    for (size_t i = 0; i < length && i < 8; ++i) head |= uint64_t{bytes[i]} << (8 * i);
    return head;
  }
  if (length >= 8) {
    uint64_t head;
    std::memcpy(&head, bytes, 8);
    return head;
  }
  if (length >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, bytes, 4);
    std::memcpy(&hi, bytes + length - 4, 4);
    return lo | (uint64_t{hi} << (8 * (length - 4)));
  }
  if (length >= 2) {
    uint16_t lo, hi;
    std::memcpy(&lo, bytes, 2);
    std::memcpy(&hi, bytes + length - 2, 2);
    return lo | (uint64_t{hi} << (8 * (length - 2)));
  }
  return length == 1 ? bytes[0] : 0;
}

// The key hash of the rank table and the piece cache. Strings of up to eight
// bytes, most of the merge loop's lookups, mix their head word and length
// (a multiply-xorshift finalizer, no call); longer ones take XXH3, inlined.
// Same function for building and probing.
inline uint64_t HashBytes(const void* data, size_t length) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  if (length > 8) return XXH3_64bits(bytes, length);
  uint64_t x = HeadOf(bytes, length) ^ (uint64_t{length} << 59);
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  return x;
}

// Equality of two byte strings of the same length; loads that overlap in the
// middle instead of a library call for the short strings that dominate.
inline bool SameBytes(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  if (n > 16) return std::memcmp(x, y, n) == 0;
  if (n >= 8) {
    uint64_t p, q, r, s;
    std::memcpy(&p, x, 8);
    std::memcpy(&q, y, 8);
    std::memcpy(&r, x + n - 8, 8);
    std::memcpy(&s, y + n - 8, 8);
    return p == q && r == s;
  }
  if (n >= 4) {
    uint32_t p, q, r, s;
    std::memcpy(&p, x, 4);
    std::memcpy(&q, y, 4);
    std::memcpy(&r, x + n - 4, 4);
    std::memcpy(&s, y + n - 4, 4);
    return p == q && r == s;
  }
  return n == 0 || (x[0] == y[0] && x[n / 2] == y[n / 2] && x[n - 1] == y[n - 1]);
}

// Standard base64 with padding, as in .tiktoken files.
bool DecodeBase64(std::string_view in, std::string* out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  out->clear();
  if (in.empty() || in.size() % 4 != 0) return false;
  for (size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      if (last && k >= 2 && in[i + k] == '=') {
        v[k] = 0;
        ++pad;
      } else {
        if (pad > 0) return false;
        v[k] = value(in[i + k]);
        if (v[k] < 0) return false;
      }
    }
    uint32_t bits = (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | uint32_t(v[3]);
    out->push_back(static_cast<char>(bits >> 16));
    if (pad < 2) out->push_back(static_cast<char>((bits >> 8) & 0xFF));
    if (pad < 1) out->push_back(static_cast<char>(bits & 0xFF));
  }
  return true;
}

// Scratch above this many entries is released after use.
constexpr size_t kKeepScratch = size_t{1} << 22;

}  // namespace

Result<std::shared_ptr<const Encoding>> Encoding::Builtin(std::string_view name) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Encoding>, std::less<>> loaded;
  const BuiltinRankFile* file = FindBuiltinRankFile(name);
  std::lock_guard<std::mutex> lock(mutex);
  if (file != nullptr) {
    auto it = loaded.find(file->name);
    if (it != loaded.end()) return it->second;
  }
  if (file == nullptr) {
    return InvalidArgument(fmt::format("unknown encoding '{}' (built in: cl100k_base, o200k_base, r50k_base)", name));
  }
  std::string digest = Sha256Hex(file->bytes);
  if (digest != file->sha256) {
    return Status(StatusCode::kDataError, fmt::format("built-in rank file {} has SHA-256 {}, expected {}",
                                                      file->name, digest, file->sha256));
  }
  auto encoding = FromBytes(std::string(file->name), file->bytes, file->pattern, std::move(digest));
  if (encoding.ok()) loaded.emplace(std::string(file->name), *encoding);
  return encoding;
}

std::string_view Encoding::BuiltinSha256(std::string_view name) {
  const BuiltinRankFile* file = FindBuiltinRankFile(name);
  return file == nullptr ? std::string_view() : file->sha256;
}

Result<std::shared_ptr<const Encoding>> Encoding::FromFile(const std::string& path, SplitPattern pattern,
                                                           std::string_view expected_sha256, std::string name) {
  Result<std::string> bytes = ReadFileToString(path);
  if (!bytes.ok()) return bytes.status();
  std::string digest = Sha256Hex(*bytes);
  if (!expected_sha256.empty() && digest != expected_sha256) {
    return Status(StatusCode::kDataError,
                  fmt::format("rank file '{}' has SHA-256 {}, expected {}", path, digest, expected_sha256));
  }
  if (name.empty()) name = path;
  Result<std::shared_ptr<const Encoding>> encoding = FromBytes(std::move(name), *bytes, pattern, std::move(digest));
  if (!encoding.ok()) {
    return Status(encoding.status().code(), fmt::format("rank file '{}': {}", path, encoding.status().message()));
  }
  return encoding;
}

Result<std::shared_ptr<const Encoding>> Encoding::FromBytes(std::string name, std::string_view bytes,
                                                            SplitPattern pattern, std::string sha256) {
  std::shared_ptr<Encoding> encoding(new Encoding());
  encoding->name_ = std::move(name);
  encoding->pattern_ = pattern;
  encoding->sha256_ = sha256.empty() ? Sha256Hex(bytes) : std::move(sha256);
  STOCKTAKE_RETURN_IF_ERROR(encoding->Parse(bytes));
  return std::shared_ptr<const Encoding>(std::move(encoding));
}

std::vector<std::string_view> Encoding::BuiltinNames() { return {"cl100k_base", "o200k_base", "r50k_base"}; }

Status Encoding::Parse(std::string_view bytes) {
  // First pass: decode every line into tokens_, remembering (offset, length, rank).
  struct Entry {
    uint32_t offset, length, rank;
  };
  std::vector<Entry> entries;
  entries.reserve(bytes.size() / 12);
  std::string token;
  size_t line_number = 0;
  for (size_t pos = 0; pos < bytes.size();) {
    size_t eol = bytes.find('\n', pos);
    if (eol == std::string_view::npos) eol = bytes.size();
    std::string_view line = bytes.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    size_t space = line.find(' ');
    uint32_t rank = 0;
    std::string_view rank_text = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    auto [end, ec] = std::from_chars(rank_text.data(), rank_text.data() + rank_text.size(), rank);
    if (space == std::string_view::npos || ec != std::errc() || end != rank_text.data() + rank_text.size() ||
        rank == kNone || !DecodeBase64(line.substr(0, space), &token)) {
      return Status(StatusCode::kDataError,
                    fmt::format("line {} is not '<base64 token> <rank>'", line_number));
    }
    if (tokens_.size() + token.size() > UINT32_MAX) return Status(StatusCode::kDataError, "rank file too large");
    entries.push_back({static_cast<uint32_t>(tokens_.size()), static_cast<uint32_t>(token.size()), rank});
    tokens_ += token;
  }
  if (entries.empty()) return Status(StatusCode::kDataError, "no tokens");

  size_t capacity = 1024;
  while (capacity < entries.size() * 2) capacity *= 2;
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  two_byte_.assign(1u << 16, kNone);
  filter_.assign((size_t{1} << kFilterBits) / 64, 0);
  uint32_t single[256];
  std::fill(std::begin(single), std::end(single), kNone);
  uint32_t highest = 0;
  for (const Entry& e : entries) highest = std::max(highest, e.rank);
  if (highest >= (1u << 26)) return Status(StatusCode::kDataError, fmt::format("rank {} is too large", highest));
  by_rank_.assign(size_t{highest} + 1, Token{});
  for (const Entry& e : entries) {
    const char* bytes_of = tokens_.data() + e.offset;
    const auto* u = reinterpret_cast<const unsigned char*>(bytes_of);
    // Tokens are never empty (the base64 of nothing is rejected above).
    if (by_rank_[e.rank].length != 0) {
      return Status(StatusCode::kDataError, fmt::format("rank {} is given to two tokens", e.rank));
    }
    if (const uint32_t same = RankOf(u, e.length); same != kNone) {
      return Status(StatusCode::kDataError, fmt::format("token of rank {} repeats the token of rank {}", e.rank, same));
    }
    by_rank_[e.rank] = Token{e.offset, e.length};
    const uint64_t hash = HashBytes(u, e.length);
    const uint64_t bit = hash >> (64 - kFilterBits);
    filter_[bit >> 6] |= uint64_t{1} << (bit & 63);
    for (uint64_t i = hash & mask_;; i = (i + 1) & mask_) {
      Slot& slot = slots_[i];
      if (slot.length == 0) {
        slot = Slot{HeadOf(u, e.length), e.rank, e.length};
        break;
      }
    }
    if (e.length == 1) single[u[0]] = e.rank;
    if (e.length == 2) two_byte_[(u[0] << 8) | u[1]] = e.rank;
    longest_ = std::max<size_t>(longest_, e.length);
  }
  for (int b = 0; b < 256; ++b) {
    if (single[b] == kNone) {
      return Status(StatusCode::kDataError, fmt::format("byte 0x{:02x} has no token (byte-level BPE needs all 256)", b));
    }
  }
  entries_ = entries.size();
  return Status::Ok();
}

uint32_t Encoding::RankOf(const unsigned char* bytes, size_t length) const {
  if (length == 2) return two_byte_[(bytes[0] << 8) | bytes[1]];
  if (length > longest_) return kNone;
  return RankOfHashed(bytes, length, HashBytes(bytes, length));
}

uint32_t Encoding::RankOfHashed(const unsigned char* bytes, size_t length, uint64_t hash) const {
  // A token of up to eight bytes is its slot's head word and length; a longer
  // one compares the rest of its bytes too (by rank, a second load).
  const uint64_t bit = hash >> (64 - kFilterBits);
  if ((filter_[bit >> 6] >> (bit & 63) & 1) == 0) return kNone;
  const uint64_t head = HeadOf(bytes, length);
  for (uint64_t i = hash & mask_;; i = (i + 1) & mask_) {
    const Slot& slot = slots_[i];
    if (slot.length == 0) return kNone;
    if (slot.head == head && slot.length == length &&
        (length <= 8 || SameBytes(tokens_.data() + by_rank_[slot.rank].offset + 8, bytes + 8, length - 8))) {
      return slot.rank;
    }
  }
}

std::string Encoding::Decode(const std::vector<uint32_t>& ids) const {
  std::string out;
  for (uint32_t id : ids) {
    if (id < by_rank_.size()) out.append(tokens_, by_rank_[id].offset, by_rank_[id].length);
  }
  return out;
}

uint32_t Encoding::Rank(std::string_view bytes) const {
  if (bytes.empty()) return kNone;
  return RankOf(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// tiktoken's loop: part k is [start[k], start[k+1]); rank[k] is the rank of
// parts k and k+1 joined. Merge the leftmost lowest, update its two
// neighbours' pair ranks, repeat.
uint32_t Encoding::MergeShort(const unsigned char* piece, size_t length, uint32_t* starts) const {
  uint32_t start[kShortPiece + 1];
  uint32_t rank[kShortPiece + 1];
  uint32_t parts = static_cast<uint32_t>(length);
  for (uint32_t k = 0; k <= parts; ++k) start[k] = k;
  for (uint32_t k = 0; k + 1 < parts; ++k) rank[k] = two_byte_[(piece[k] << 8) | piece[k + 1]];
  rank[parts - 1] = kNone;
  for (;;) {
    uint32_t best = kNone, at = 0;
    for (uint32_t k = 0; k + 1 < parts; ++k) {
      if (rank[k] < best) {
        best = rank[k];
        at = k;
      }
    }
    if (best == kNone) break;
    std::memmove(start + at + 1, start + at + 2, (parts - at - 1) * sizeof(uint32_t));
    std::memmove(rank + at + 1, rank + at + 2, (parts - at - 2) * sizeof(uint32_t));
    --parts;
    rank[at] = at + 1 < parts ? RankOf(piece + start[at], start[at + 2] - start[at]) : kNone;
    if (at > 0) rank[at - 1] = RankOf(piece + start[at - 1], start[at + 1] - start[at - 1]);
  }
  if (starts != nullptr) std::copy(start, start + parts, starts);
  return parts;
}

// The same merges over a min-segment tree of pair ranks, keyed by each part's
// start byte: the root is the lowest rank, and descending towards the left
// child whenever it holds that rank finds the leftmost such pair.
uint64_t Encoding::MergeLong(const unsigned char* piece, size_t length, TokenScratch* scratch,
                             std::vector<uint32_t>* starts) const {
  const uint32_t n = static_cast<uint32_t>(length);
  uint32_t leaves = 1;
  while (leaves < n) leaves *= 2;
  std::vector<uint32_t>& tree = scratch->tree;
  std::vector<uint32_t>& next = scratch->next;
  std::vector<uint32_t>& prev = scratch->prev;
  tree.assign(2 * size_t{leaves}, kNone);
  next.resize(n);
  prev.resize(n);
  for (uint32_t p = 0; p < n; ++p) {
    next[p] = p + 1;
    prev[p] = p - 1;  // wraps for p = 0; never read there
    tree[leaves + p] = p + 1 < n ? two_byte_[(piece[p] << 8) | piece[p + 1]] : kNone;
  }
  for (uint32_t k = leaves - 1; k >= 1; --k) tree[k] = std::min(tree[2 * k], tree[2 * k + 1]);
  auto set = [&](uint32_t p, uint32_t value) {
    uint32_t k = leaves + p;
    tree[k] = value;
    for (k /= 2; k >= 1; k /= 2) tree[k] = std::min(tree[2 * k], tree[2 * k + 1]);
  };
  uint64_t parts = n;
  while (tree[1] != kNone) {
    const uint32_t best = tree[1];
    uint32_t k = 1;
    while (k < leaves) k = tree[2 * k] == best ? 2 * k : 2 * k + 1;
    const uint32_t p = k - leaves;
    const uint32_t q = next[p];
    const uint32_t after = next[q];
    next[p] = after;
    if (after < n) prev[after] = p;
    --parts;
    set(q, kNone);
    set(p, after < n ? RankOf(piece + p, next[after] - p) : kNone);
    if (p > 0) {
      uint32_t before = prev[p];
      set(before, RankOf(piece + before, after - before));
    }
  }
  if (starts != nullptr) {
    starts->clear();
    for (uint32_t p = 0; p < n; p = next[p]) starts->push_back(p);
  }
  if (tree.size() > kKeepScratch) {
    tree = {};
    next = {};
    prev = {};
  }
  return parts;
}

uint64_t Encoding::CountPiece(const unsigned char* piece, size_t length, TokenScratch* scratch) const {
  if (length == 1) return 1;
  // Two bytes are one token or two: no merge can happen inside them.
  if (length == 2) return two_byte_[(piece[0] << 8) | piece[1]] == kNone ? 2 : 1;
  if (length <= TokenScratch::kCachedLength) {
    return CountCached(piece, length, &scratch->cache);
  }
  static_assert(TokenScratch::kLongCachedLength <= kShortPiece);
  if (length <= TokenScratch::kLongCachedLength) {
    return CountCached(piece, length, &scratch->long_cache);
  }
  if (RankOf(piece, length) != kNone) return 1;
  if (length <= kShortPiece) return MergeShort(piece, length, nullptr);
  return MergeLong(piece, length, scratch, nullptr);
}

template <typename Entry>
uint32_t Encoding::CountCached(const unsigned char* piece, size_t length, std::vector<Entry>* cache) const {
  const uint64_t hash = HashBytes(piece, length);
  Entry& slot = (*cache)[hash & (cache->size() - 1)];  // a power-of-two size
  if (slot.hash == hash && slot.length == length && SameBytes(slot.bytes, piece, length)) return slot.count;
  uint32_t count = RankOfHashed(piece, length, hash) != kNone ? 1 : MergeShort(piece, length, nullptr);
  slot.hash = hash;
  slot.length = static_cast<uint32_t>(length);
  slot.count = count;
  std::memcpy(slot.bytes, piece, length);
  return count;
}

uint64_t Encoding::Count(std::string_view text, TokenScratch* scratch) const {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  if (scratch->cache_owner != this) {
    scratch->cache.assign(TokenScratch::kCacheSize, TokenScratch::CachedPiece{});
    scratch->long_cache.assign(TokenScratch::kLongCacheSize, TokenScratch::CachedLongPiece{});
    scratch->cache_owner = this;
  }
  uint64_t tokens = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = PieceEnd(pattern_, text, pos);
    tokens += CountPiece(bytes + pos, end - pos, scratch);
    pos = end;
  }
  return tokens;
}

std::vector<uint32_t> Encoding::Encode(std::string_view text) const {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  std::vector<uint32_t> ids;
  TokenScratch scratch;
  std::vector<uint32_t> starts;
  for (size_t pos = 0; pos < text.size();) {
    const size_t end = PieceEnd(pattern_, text, pos);
    const unsigned char* piece = bytes + pos;
    const size_t length = end - pos;
    const uint32_t whole = RankOf(piece, length);  // every single byte has a rank
    if (whole != kNone) {
      ids.push_back(whole);
    } else {
      if (length <= kShortPiece) {
        starts.resize(kShortPiece + 1);
        starts.resize(MergeShort(piece, length, starts.data()));
      } else {
        MergeLong(piece, length, &scratch, &starts);
      }
      for (size_t k = 0; k < starts.size(); ++k) {
        size_t part_end = k + 1 < starts.size() ? starts[k + 1] : length;
        ids.push_back(RankOf(piece + starts[k], part_end - starts[k]));
      }
    }
    pos = end;
  }
  return ids;
}

}  // namespace stocktake::stats
