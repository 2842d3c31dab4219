// Charset sniffing and conversion.
//
// UTF-8 is the common case on today's web, so it never touches ICU: a scalar
// validator with an 8-byte ASCII fast path checks it, and only invalid
// sequences trigger a copy with U+FFFD substitutions (maximal-subpart rule,
// as the WHATWG decoder does). Other charsets go through ucnv_convertEx with
// a counting substitution callback.
#include "crawler/charset.h"

#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <cstring>

#include "common/byte_scan.h"
#include "crawler/headers.h"

namespace stocktake::crawler {

std::string_view CharsetSourceName(CharsetSource source) {
  switch (source) {
    case CharsetSource::kBom: return "bom";
    case CharsetSource::kHttpHeader: return "http";
    case CharsetSource::kMeta: return "meta";
    case CharsetSource::kDetected: return "detected";
    case CharsetSource::kDefault: return "default";
  }
  return "default";
}

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

bool IsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == ':';
}

std::string_view LabelAfter(std::string_view s, size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '"' || s[pos] == '\'')) ++pos;
  size_t start = pos;
  while (pos < s.size() && IsLabelChar(s[pos])) ++pos;
  return s.substr(start, pos - start);
}

// Length of the valid sequence at p (left bytes available), or 0 if invalid;
// for invalid input *bad is the length of the maximal subpart to replace.
size_t Utf8SequenceLength(const uint8_t* p, size_t left, size_t* bad) {
  uint8_t c = p[0];
  size_t need;
  uint8_t lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    *bad = 1;
    return 0;
  }
  size_t i = 1;
  for (; i < need && i < left; ++i) {
    uint8_t b = p[i];
    if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) break;
  }
  if (i == need) return need;
  *bad = i;
  return 0;
}

struct CountingContext {
  uint64_t replaced = 0;
};

void CountingSubstitute(const void* context, UConverterToUnicodeArgs* args, const char* units,
                        int32_t length, UConverterCallbackReason reason, UErrorCode* err) {
  if (reason == UCNV_ILLEGAL || reason == UCNV_UNASSIGNED || reason == UCNV_IRREGULAR) {
    const_cast<CountingContext*>(static_cast<const CountingContext*>(context))->replaced++;
  }
  UCNV_TO_U_CALLBACK_SUBSTITUTE(nullptr, args, units, length, reason, err);
}

bool IsAscii(std::string_view bytes) {
  for (char c : bytes) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

size_t ValidUtf8Prefix(std::string_view bytes) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
#if defined(__SSE2__)
    // ASCII 32 bytes at a time (HTML is mostly ASCII).
    while (i + 32 <= n && Mask16(_mm_or_si128(Load16(p + i), Load16(p + i + 16))) == 0) i += 32;
    if (i == n) break;
#endif
    if (i + 8 <= n) {
      uint64_t block;
      std::memcpy(&block, p + i, 8);
      if ((block & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    size_t bad = 0;
    size_t len = Utf8SequenceLength(p + i, n - i, &bad);
    if (len == 0) return i;
    i += len;
  }
  return n;
}

std::string_view CharsetFromContentType(std::string_view content_type) {
  size_t pos = FindIgnoreCase(content_type, "charset");
  if (pos == std::string_view::npos) return {};
  pos += 7;
  while (pos < content_type.size() && (content_type[pos] == ' ' || content_type[pos] == '\t')) ++pos;
  if (pos >= content_type.size() || content_type[pos] != '=') return {};
  return LabelAfter(content_type, pos + 1);
}

std::string_view CharsetFromMeta(std::string_view html, size_t scan_bytes) {
  std::string_view head = html.substr(0, scan_bytes);
  size_t from = 0;
  for (;;) {
    size_t rel = FindIgnoreCase(head.substr(from), "<meta");
    if (rel == std::string_view::npos) return {};
    size_t tag_start = from + rel;
    size_t tag_end = head.find('>', tag_start);
    std::string_view tag = head.substr(tag_start, tag_end == std::string_view::npos ? std::string_view::npos
                                                                                  : tag_end - tag_start);
    size_t cs = FindIgnoreCase(tag, "charset");
    if (cs != std::string_view::npos) {
      size_t p = cs + 7;
      while (p < tag.size() && (tag[p] == ' ' || tag[p] == '\t')) ++p;
      if (p < tag.size() && tag[p] == '=') {
        std::string_view label = LabelAfter(tag, p + 1);
        if (!label.empty()) return label;
      }
    }
    if (tag_end == std::string_view::npos) return {};
    from = tag_end + 1;
  }
}

std::string CanonicalCharset(std::string_view label) {
  std::string l;
  for (char c : TrimWhitespace(label)) l.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
  if (l.empty()) return {};
  struct Alias {
    const char* label;
    const char* canonical;
  };
  // The WHATWG Encoding Standard's label table, for the labels seen on the web.
  static constexpr Alias kAliases[] = {
      {"utf-8", "UTF-8"}, {"utf8", "UTF-8"}, {"unicode-1-1-utf-8", "UTF-8"}, {"x-unicode20utf8", "UTF-8"},
      {"us-ascii", "windows-1252"}, {"ascii", "windows-1252"}, {"iso-8859-1", "windows-1252"},
      {"iso8859-1", "windows-1252"}, {"iso_8859-1", "windows-1252"}, {"latin1", "windows-1252"},
      {"l1", "windows-1252"}, {"cp1252", "windows-1252"}, {"windows-1252", "windows-1252"},
      {"x-cp1252", "windows-1252"}, {"cp819", "windows-1252"}, {"ibm819", "windows-1252"},
      {"iso-ir-100", "windows-1252"}, {"csisolatin1", "windows-1252"}, {"ansi_x3.4-1968", "windows-1252"},
      {"iso-8859-9", "windows-1254"}, {"latin5", "windows-1254"}, {"windows-1254", "windows-1254"},
      {"iso-8859-11", "windows-874"}, {"tis-620", "windows-874"}, {"windows-874", "windows-874"},
      {"gb2312", "GBK"}, {"gbk", "GBK"}, {"x-gbk", "GBK"}, {"chinese", "GBK"}, {"csgb2312", "GBK"},
      {"gb_2312-80", "GBK"}, {"gb_2312", "GBK"}, {"iso-ir-58", "GBK"}, {"cp936", "GBK"}, {"windows-936", "GBK"},
      {"gb18030", "GB18030"}, {"big5", "Big5"}, {"big5-hkscs", "Big5-HKSCS"}, {"cn-big5", "Big5"},
      {"x-x-big5", "Big5"}, {"shift_jis", "windows-31j"}, {"shift-jis", "windows-31j"}, {"sjis", "windows-31j"},
      {"x-sjis", "windows-31j"}, {"ms_kanji", "windows-31j"}, {"windows-31j", "windows-31j"},
      {"csshiftjis", "windows-31j"}, {"euc-jp", "EUC-JP"}, {"x-euc-jp", "EUC-JP"}, {"iso-2022-jp", "ISO-2022-JP"},
      {"euc-kr", "windows-949"}, {"ks_c_5601-1987", "windows-949"}, {"korean", "windows-949"},
      {"windows-949", "windows-949"}, {"cp949", "windows-949"}, {"windows-1250", "windows-1250"},
      {"windows-1251", "windows-1251"}, {"cp1251", "windows-1251"}, {"x-cp1251", "windows-1251"},
      {"windows-1253", "windows-1253"}, {"windows-1255", "windows-1255"}, {"windows-1256", "windows-1256"},
      {"windows-1257", "windows-1257"}, {"windows-1258", "windows-1258"}, {"koi8-r", "KOI8-R"},
      {"koi8", "KOI8-R"}, {"koi8-u", "KOI8-U"}, {"utf-16", "UTF-16LE"}, {"utf-16le", "UTF-16LE"},
      {"utf-16be", "UTF-16BE"}, {"x-user-defined", "windows-1252"},
  };
  for (const Alias& a : kAliases) {
    if (l == a.label) return a.canonical;
  }
  // Other ISO-8859 parts and anything ICU knows under its own alias.
  UErrorCode status = U_ZERO_ERROR;
  const char* name = ucnv_getCanonicalName(l.c_str(), "", &status);
  if (U_SUCCESS(status) && name != nullptr && *name != '\0') return l;
  status = U_ZERO_ERROR;
  UConverter* probe = ucnv_open(l.c_str(), &status);
  if (U_FAILURE(status) || probe == nullptr) return {};
  ucnv_close(probe);
  return l;
}

struct CharsetConverter::Impl {
  std::map<std::string, UConverter*, std::less<>> converters;
  UConverter* utf8 = nullptr;
  UCharsetDetector* detector = nullptr;
  std::string out;
  std::vector<UChar> pivot = std::vector<UChar>(8192);
  CountingContext counter;

  ~Impl() {
    for (auto& [name, cnv] : converters) ucnv_close(cnv);
    if (utf8 != nullptr) ucnv_close(utf8);
    if (detector != nullptr) ucsdet_close(detector);
  }

  UConverter* Get(const std::string& name) {
    auto it = converters.find(name);
    if (it != converters.end()) return it->second;
    UErrorCode status = U_ZERO_ERROR;
    UConverter* cnv = ucnv_open(name.c_str(), &status);
    if (U_FAILURE(status)) cnv = nullptr;
    if (cnv != nullptr) {
      status = U_ZERO_ERROR;
      ucnv_setToUCallBack(cnv, CountingSubstitute, &counter, nullptr, nullptr, &status);
    }
    converters.emplace(name, cnv);
    return cnv;
  }

  std::string_view RepairUtf8(std::string_view bytes, uint64_t* replaced) {
    size_t valid = ValidUtf8Prefix(bytes);
    if (valid == bytes.size()) return bytes;
    out.clear();
    out.reserve(bytes.size() + 16);
    const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
    size_t n = bytes.size();
    size_t i = 0;
    while (i < n) {
      size_t run = ValidUtf8Prefix(bytes.substr(i));
      out.append(bytes.substr(i, run));
      i += run;
      if (i >= n) break;
      size_t bad = 1;
      Utf8SequenceLength(p + i, n - i, &bad);
      out.append(kReplacement);
      ++*replaced;
      i += std::max<size_t>(bad, 1);
    }
    return out;
  }

  std::string Detect(std::string_view bytes) {
    UErrorCode status = U_ZERO_ERROR;
    if (detector == nullptr) {
      detector = ucsdet_open(&status);
      if (U_FAILURE(status)) {
        detector = nullptr;
        return "windows-1252";
      }
      ucsdet_enableInputFilter(detector, true);  // ignore markup when guessing
    }
    std::string_view sample = bytes.substr(0, 64 * 1024);
    status = U_ZERO_ERROR;
    ucsdet_setText(detector, sample.data(), static_cast<int32_t>(sample.size()), &status);
    const UCharsetMatch* match = ucsdet_detect(detector, &status);
    if (U_FAILURE(status) || match == nullptr) return "windows-1252";
    const char* name = ucsdet_getName(match, &status);
    int32_t confidence = ucsdet_getConfidence(match, &status);
    if (U_FAILURE(status) || name == nullptr || confidence < 10) return "windows-1252";
    std::string canonical = CanonicalCharset(name);
    return canonical.empty() ? "windows-1252" : canonical;
  }
};

CharsetConverter::CharsetConverter() : impl_(std::make_unique<Impl>()) {}
CharsetConverter::~CharsetConverter() = default;

std::string_view CharsetConverter::Convert(std::string_view bytes, const std::string& charset,
                                           uint64_t* replaced) {
  if (charset == "UTF-8") return impl_->RepairUtf8(bytes, replaced);
  UConverter* source = impl_->Get(charset);
  if (source == nullptr) return impl_->RepairUtf8(bytes, replaced);
  UErrorCode status = U_ZERO_ERROR;
  if (impl_->utf8 == nullptr) impl_->utf8 = ucnv_open("UTF-8", &status);
  ucnv_reset(source);
  ucnv_reset(impl_->utf8);
  impl_->counter.replaced = 0;
  std::string& out = impl_->out;
  out.clear();
  out.resize(bytes.size() * 3 + 16);
  char* target = out.data();
  const char* src = bytes.data();
  UChar* pivot_source = impl_->pivot.data();
  UChar* pivot_target = impl_->pivot.data();
  for (;;) {
    status = U_ZERO_ERROR;
    ucnv_convertEx(impl_->utf8, source, &target, out.data() + out.size(), &src, bytes.data() + bytes.size(),
                   impl_->pivot.data(), &pivot_source, &pivot_target,
                   impl_->pivot.data() + impl_->pivot.size(), /*reset=*/false, /*flush=*/true, &status);
    if (status != U_BUFFER_OVERFLOW_ERROR) break;
    size_t used = static_cast<size_t>(target - out.data());
    out.resize(out.size() * 2);
    target = out.data() + used;
  }
  out.resize(static_cast<size_t>(target - out.data()));
  *replaced += impl_->counter.replaced;
  if (U_FAILURE(status)) ++*replaced;
  return out;
}

Utf8Text CharsetConverter::ToUtf8(std::string_view bytes, std::string_view content_type, bool html) {
  Utf8Text result;
  // 1. Byte order mark.
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    result.charset = "UTF-8";
    result.source = CharsetSource::kBom;
    bytes.remove_prefix(3);
  } else if (bytes.size() >= 2 && bytes.substr(0, 2) == "\xFF\xFE") {
    result.charset = "UTF-16LE";
    result.source = CharsetSource::kBom;
    bytes.remove_prefix(2);
  } else if (bytes.size() >= 2 && bytes.substr(0, 2) == "\xFE\xFF") {
    result.charset = "UTF-16BE";
    result.source = CharsetSource::kBom;
    bytes.remove_prefix(2);
  }
  // 2. HTTP header, 3. <meta>.
  if (result.charset.empty()) {
    std::string_view label = CharsetFromContentType(content_type);
    if (!label.empty()) {
      result.charset = CanonicalCharset(label);
      result.source = CharsetSource::kHttpHeader;
      if (result.charset.empty()) result.unknown_label = true;
    }
  }
  if (result.charset.empty() && html) {
    std::string_view label = CharsetFromMeta(bytes);
    if (!label.empty()) {
      result.charset = CanonicalCharset(label);
      // A page cannot declare UTF-16 in ASCII-compatible bytes; WHATWG says UTF-8.
      if (result.charset.rfind("UTF-16", 0) == 0) result.charset = "UTF-8";
      result.source = CharsetSource::kMeta;
      if (result.charset.empty()) result.unknown_label = true;
    }
  }
  // A declaration that contradicts the bytes: text that is entirely valid
  // UTF-8 and not plain ASCII is UTF-8 (a legacy-encoded text of any length is
  // almost never valid UTF-8 by accident; stale <meta> tags are common).
  if (!result.charset.empty() && result.charset != "UTF-8" && result.source != CharsetSource::kBom &&
      result.charset.rfind("UTF-16", 0) != 0 && ValidUtf8Prefix(bytes) == bytes.size() && !IsAscii(bytes)) {
    result.declared_charset = result.charset;
    result.charset = "UTF-8";
    result.source = CharsetSource::kDetected;
  }
  // 4. Detection.
  if (result.charset.empty()) {
    result.source = CharsetSource::kDetected;
    result.charset = ValidUtf8Prefix(bytes) == bytes.size() ? "UTF-8" : impl_->Detect(bytes);
  }
  result.text = Convert(bytes, result.charset, &result.replaced);
  return result;
}

}  // namespace stocktake::crawler
