// Header-line parsing shared by the WARC and HTTP readers. Everything is a
// view: the hot path (millions of records) allocates nothing once the field
// vector has grown to its working size.
#include "crawler/headers.h"

#include <cstdint>
#include <cstring>

namespace stocktake::crawler {

namespace {
inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
}  // namespace

std::string_view TrimWhitespace(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

size_t FindIgnoreCase(std::string_view text, std::string_view needle) {
  if (needle.empty()) return 0;
  if (text.size() < needle.size()) return std::string_view::npos;
  const char first_lower = Lower(needle[0]);
  for (size_t i = 0; i + needle.size() <= text.size(); ++i) {
    if (Lower(text[i]) == first_lower && EqualsIgnoreCase(text.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

size_t FindHeaderEnd(std::string_view data) {
  size_t pos = 0;
  while (pos < data.size()) {
    const void* nl = std::memchr(data.data() + pos, '\n', data.size() - pos);
    if (nl == nullptr) return std::string_view::npos;
    size_t line_end = static_cast<const char*>(nl) - data.data() + 1;
    // Is the line starting at line_end empty (only CRs, then LF)?
    size_t k = line_end;
    while (k < data.size() && data[k] == '\r') ++k;
    if (k < data.size() && data[k] == '\n') return k + 1;
    if (k >= data.size()) return std::string_view::npos;
    pos = line_end;
  }
  return std::string_view::npos;
}

size_t ParseHeaderFields(std::string_view block, std::vector<HeaderField>* fields) {
  size_t bad_lines = 0;
  size_t pos = 0;
  bool have_previous = false;
  while (pos < block.size()) {
    size_t nl = block.find('\n', pos);
    size_t end = nl == std::string_view::npos ? block.size() : nl;
    std::string_view line = block.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if ((line[0] == ' ' || line[0] == '\t') && have_previous) {
      // Continuation: widen the previous value to cover this line too.
      HeaderField& prev = fields->back();
      const char* begin = prev.value.empty() ? line.data() : prev.value.data();
      prev.value = TrimWhitespace(std::string_view(begin, line.data() + line.size() - begin));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      ++bad_lines;
      have_previous = false;
      continue;
    }
    fields->push_back(HeaderField{TrimWhitespace(line.substr(0, colon)), TrimWhitespace(line.substr(colon + 1))});
    have_previous = true;
  }
  return bad_lines;
}

std::string_view FindHeader(const std::vector<HeaderField>& fields, std::string_view name) {
  for (const HeaderField& f : fields) {
    if (EqualsIgnoreCase(f.name, name)) return f.value;
  }
  return {};
}

bool ParseDecimal(std::string_view s, uint64_t* value) {
  s = TrimWhitespace(s);
  if (s.empty() || s.size() > 18) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *value = v;
  return true;
}

}  // namespace stocktake::crawler
