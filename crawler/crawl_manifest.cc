// Crawl specs and manifests; see crawl_manifest.h.
#include "crawler/crawl_manifest.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <map>

#include "common/byte_source.h"
#include "common/decoded_stream.h"

namespace stocktake::crawler {
namespace {

bool ParseUnsigned(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

std::string_view SegmentOf(std::string_view path) {
  const size_t at = path.find("/segments/");
  if (at == std::string_view::npos) return {};
  const std::string_view rest = path.substr(at + 10);
  return rest.substr(0, rest.find('/'));
}

}  // namespace

bool IsCrawlSpec(std::string_view s) { return s.substr(0, 3) == "cc:"; }

Result<CrawlSpec> ParseCrawlSpec(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument(fmt::format("crawl spec '{}': {} (e.g. cc:CC-MAIN-2024-18/wet?sample=100&seed=7)", text, why));
  };
  if (!IsCrawlSpec(text)) return bad("does not start with cc:");
  std::string_view rest = text.substr(3);
  std::string_view query;
  if (const size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  CrawlSpec spec;
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    spec.kind = std::string(rest.substr(slash + 1));
    rest = rest.substr(0, slash);
    if (spec.kind != "warc" && spec.kind != "wet" && spec.kind != "wat") return bad("the file kind must be warc, wet or wat");
  }
  if (rest.empty()) return bad("names no crawl");
  for (char c : rest) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return bad("the crawl name has a bad character");
  }
  spec.crawl = std::string(rest);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    uint64_t* target = key == "sample" ? &spec.sample : key == "seed" ? &spec.seed : nullptr;
    if (target == nullptr) return bad(fmt::format("unknown parameter '{}' (sample, seed)", key));
    if (!ParseUnsigned(value, target)) return bad(fmt::format("'{}' must be a non-negative integer", key));
  }
  return spec;
}

std::string ManifestPath(const CrawlSpec& spec) {
  return fmt::format("crawl-data/{}/{}.paths.gz", spec.crawl, spec.kind);
}

Result<std::vector<std::string>> ParseManifest(std::string_view bytes) {
  DecodedStream stream(std::make_unique<MemorySource>(bytes, "manifest"));
  std::string text;
  uint8_t chunk[1 << 16];
  for (;;) {
    DecodedStream::ReadResult got = stream.Read(chunk, sizeof(chunk));
    text.append(reinterpret_cast<const char*>(chunk), got.size);
    if (got.stream_end || got.size == 0) break;
  }
  if (!stream.errors().empty()) return Status(StatusCode::kDataError, "the manifest is damaged (bad compression)");
  std::vector<std::string> paths;
  size_t line_number = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == '/' || line.find("..") != std::string_view::npos || line.find("://") != std::string_view::npos ||
        line.find_first_of(" \t?#") != std::string_view::npos || line.find('\0') != std::string_view::npos) {
      return Status(StatusCode::kDataError, fmt::format("manifest line {} is not a relative path", line_number));
    }
    paths.emplace_back(line);
  }
  if (paths.empty()) return Status(StatusCode::kDataError, "the manifest lists no files");
  return paths;
}

std::vector<std::string> SampleStratified(const std::vector<std::string>& paths, uint64_t n, uint64_t seed) {
  std::vector<std::string> out;
  if (n == 0 || n >= paths.size()) {
    out = paths;
  } else {
    std::map<std::string_view, std::vector<const std::string*>> strata;
    for (const std::string& p : paths) strata[SegmentOf(p)].push_back(&p);
    // Largest remainder: floor quotas, then one more for the largest
    // fractional parts (ties: segment name order, as the map iterates).
    struct Share {
      std::vector<const std::string*>* members;
      uint64_t quota;
      uint64_t remainder;  // numerator of the fractional part
      size_t order;
    };
    std::vector<Share> shares;
    uint64_t given = 0;
    for (auto& [segment, members] : strata) {
      __extension__ typedef unsigned __int128 u128;  // GCC and Clang; -Wpedantic otherwise warns
      const u128 exact = static_cast<u128>(n) * members.size();
      const uint64_t quota = static_cast<uint64_t>(exact / paths.size());
      shares.push_back({&members, quota, static_cast<uint64_t>(exact % paths.size()), shares.size()});
      given += quota;
    }
    std::vector<Share*> by_remainder;
    for (Share& s : shares) by_remainder.push_back(&s);
    std::stable_sort(by_remainder.begin(), by_remainder.end(),
                     [](const Share* a, const Share* b) { return a->remainder > b->remainder; });
    for (size_t i = 0; given < n && i < by_remainder.size(); ++i, ++given) by_remainder[i]->quota++;
    for (Share& s : shares) {
      std::vector<std::pair<uint64_t, const std::string*>> ranked;
      for (const std::string* p : *s.members) ranked.emplace_back(XXH3_64bits_withSeed(p->data(), p->size(), seed), p);
      std::sort(ranked.begin(), ranked.end(),
                [](const auto& a, const auto& b) { return a.first != b.first ? a.first < b.first : *a.second < *b.second; });
      for (uint64_t k = 0; k < s.quota && k < ranked.size(); ++k) out.push_back(*ranked[k].second);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> MapS3Url(std::string_view s3_url, std::string_view base_url) {
  constexpr std::string_view kPrefix = "s3://commoncrawl/";
  if (s3_url.substr(0, kPrefix.size()) != kPrefix) {
    return InvalidArgument(fmt::format("'{}': only s3://commoncrawl/ paths can be read (through {})", s3_url, base_url));
  }
  const std::string_view key = s3_url.substr(kPrefix.size());
  if (key.empty() || key.find("..") != std::string_view::npos) return InvalidArgument(fmt::format("'{}': bad path", s3_url));
  return fmt::format("{}/{}", base_url, key);
}

}  // namespace stocktake::crawler
