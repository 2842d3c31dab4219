// Exact keys. Distinct counting sorts instead of hashing into a set: the keys
// are already uniformly distributed, sorting 16-byte values is cache-friendly,
// and the result does not depend on insertion order.
#include "dedup/exact_key.h"

#include <algorithm>

namespace stocktake::dedup {

namespace {
constexpr uint64_t kTextKeySeed = 0x74657874;     // "text"
constexpr uint64_t kDedupKeySeed = 0x6465647570;  // "dedup"
constexpr uint64_t kUrlKeySeed = 0x75726c;        // "url"
constexpr uint64_t kDigestKeySeed = 0x646967;     // "dig"

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}
}  // namespace

ExactKey TextKey(std::string_view canonical_text) { return Hash128Of(canonical_text, kTextKeySeed); }

ExactKey DedupTextKey(std::string_view dedup_form) { return Hash128Of(dedup_form, kDedupKeySeed); }

std::string NormalizeUrl(std::string_view url) {
  url = Trim(url);
  if (size_t hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  std::string out;
  out.reserve(url.size() + 1);
  for (char c : url.substr(0, scheme_end)) out.push_back(Lower(c));
  const std::string scheme = out;
  out += "://";
  std::string_view rest = url.substr(scheme_end + 3);
  size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  // user:password@ is kept as written; host and port follow it.
  size_t at = authority.rfind('@');
  std::string_view userinfo = at == std::string_view::npos ? std::string_view() : authority.substr(0, at + 1);
  std::string_view hostport = at == std::string_view::npos ? authority : authority.substr(at + 1);
  std::string host;
  for (char c : hostport) host.push_back(Lower(c));
  size_t colon = host.rfind(':');
  if (colon != std::string::npos && host.find(']', colon) == std::string::npos) {
    std::string_view port = std::string_view(host).substr(colon + 1);
    if (port.empty() || (scheme == "http" && port == "80") || (scheme == "https" && port == "443")) {
      host.resize(colon);
    }
  }
  out += userinfo;
  out += host;
  if (tail.empty() || tail.front() != '/') out.push_back('/');
  out += tail;
  return out;
}

ExactKey UrlKey(std::string_view url) { return Hash128Of(NormalizeUrl(url), kUrlKeySeed); }

bool PayloadDigestKey(std::string_view digest, ExactKey* key) {
  digest = Trim(digest);
  if (digest.empty()) return false;
  std::string canonical;
  size_t colon = digest.find(':');
  for (size_t i = 0; i < digest.size(); ++i) {
    canonical.push_back(colon != std::string_view::npos && i < colon ? Lower(digest[i]) : Upper(digest[i]));
  }
  *key = Hash128Of(canonical, kDigestKeySeed);
  return true;
}

size_t CountDistinct(std::vector<ExactKey>* keys) {
  std::sort(keys->begin(), keys->end());
  return static_cast<size_t>(std::unique(keys->begin(), keys->end()) - keys->begin());
}

}  // namespace stocktake::dedup
