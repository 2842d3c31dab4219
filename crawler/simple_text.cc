// Visible text by a single scan over the markup.
//
// Text runs are appended through a small writer that collapses whitespace and
// turns block boundaries into single newlines, so the output needs no second
// pass. Raw-text elements (script, style, ...) are skipped by searching for
// their end tag, as an HTML tokenizer would.
#include "crawler/simple_text.h"

#include <cstdint>
#include <cstring>

#include "crawler/headers.h"

namespace stocktake::crawler {

namespace {

inline bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAlnum(char c) { return IsAlpha(c) || (c >= '0' && c <= '9'); }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

struct Entity {
  const char* name;
  uint32_t cp;
};
// The named references common on real pages; the full HTML5 table arrives
// with the real extractor.
constexpr Entity kEntities[] = {
    {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"nbsp", 0xA0},
    {"copy", 0xA9}, {"reg", 0xAE}, {"trade", 0x2122}, {"mdash", 0x2014}, {"ndash", 0x2013},
    {"hellip", 0x2026}, {"laquo", 0xAB}, {"raquo", 0xBB}, {"lsquo", 0x2018}, {"rsquo", 0x2019},
    {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"sbquo", 0x201A}, {"bdquo", 0x201E}, {"bull", 0x2022},
    {"middot", 0xB7}, {"times", 0xD7}, {"divide", 0xF7}, {"euro", 0x20AC}, {"pound", 0xA3},
    {"yen", 0xA5}, {"cent", 0xA2}, {"sect", 0xA7}, {"para", 0xB6}, {"deg", 0xB0}, {"plusmn", 0xB1},
    {"frac12", 0xBD}, {"shy", 0xAD}, {"iexcl", 0xA1}, {"iquest", 0xBF}, {"agrave", 0xE0},
    {"aacute", 0xE1}, {"acirc", 0xE2}, {"atilde", 0xE3}, {"auml", 0xE4}, {"aring", 0xE5},
    {"ccedil", 0xE7}, {"egrave", 0xE8}, {"eacute", 0xE9}, {"ecirc", 0xEA}, {"euml", 0xEB},
    {"igrave", 0xEC}, {"iacute", 0xED}, {"icirc", 0xEE}, {"iuml", 0xEF}, {"ntilde", 0xF1},
    {"ograve", 0xF2}, {"oacute", 0xF3}, {"ocirc", 0xF4}, {"otilde", 0xF5}, {"ouml", 0xF6},
    {"oslash", 0xF8}, {"ugrave", 0xF9}, {"uacute", 0xFA}, {"ucirc", 0xFB}, {"uuml", 0xFC},
    {"szlig", 0xDF}, {"Agrave", 0xC0}, {"Aacute", 0xC1}, {"Auml", 0xC4}, {"Eacute", 0xC9},
    {"Ouml", 0xD6}, {"Uuml", 0xDC}, {"Ntilde", 0xD1}, {"Ccedil", 0xC7}, {"ensp", 0x2002},
    {"emsp", 0x2003}, {"thinsp", 0x2009}, {"zwnj", 0x200C}, {"zwj", 0x200D}, {"larr", 0x2190},
    {"rarr", 0x2192}, {"uarr", 0x2191}, {"darr", 0x2193}, {"hearts", 0x2665}, {"dagger", 0x2020},
};
// Numeric references 0x80-0x9F mean windows-1252 characters (HTML spec).
constexpr uint16_t kC1Remap[32] = {
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178};

// Decodes the reference starting at in[0] == '&'. Returns bytes consumed, 0
// if it is not a reference (the '&' is then literal).
size_t DecodeReference(std::string_view in, std::string* out) {
  if (in.size() < 3) return 0;
  if (in[1] == '#') {
    size_t i = 2;
    bool hex = i < in.size() && (in[i] == 'x' || in[i] == 'X');
    if (hex) ++i;
    uint32_t cp = 0;
    size_t digits = 0;
    for (; i < in.size() && digits < 8; ++i, ++digits) {
      char c = in[i];
      int v;
      if (c >= '0' && c <= '9') v = c - '0';
      else if (hex && c >= 'a' && c <= 'f') v = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F') v = c - 'A' + 10;
      else break;
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
    }
    if (digits == 0) return 0;
    if (i < in.size() && in[i] == ';') ++i;
    if (cp >= 0x80 && cp <= 0x9F) cp = kC1Remap[cp - 0x80];
    AppendUtf8(cp, out);
    return i;
  }
  size_t i = 1;
  while (i < in.size() && i < 12 && IsAlnum(in[i])) ++i;
  std::string_view name = in.substr(1, i - 1);
  if (name.empty()) return 0;
  bool semicolon = i < in.size() && in[i] == ';';
  for (const Entity& e : kEntities) {
    if (name == e.name) {
      AppendUtf8(e.cp, out);
      return i + (semicolon ? 1 : 0);
    }
  }
  return 0;
}

bool NameIn(std::string_view name, std::initializer_list<std::string_view> set) {
  for (std::string_view s : set) {
    if (name == s) return true;
  }
  return false;
}

bool IsBlockElement(std::string_view name) {
  if (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6') return true;
  return NameIn(name, {"p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "section",
                       "article", "aside", "header", "footer", "nav", "main", "blockquote", "pre", "hr",
                       "form", "fieldset", "figure", "figcaption", "address", "details", "summary",
                       "caption", "thead", "tbody", "tfoot", "body", "html", "center", "option", "legend",
                       "dialog", "menu", "hgroup", "noframes"});
}

bool IsDroppedElement(std::string_view name) {
  return NameIn(name, {"script", "style", "noscript", "template", "svg", "math", "iframe", "object",
                       "textarea", "select"});
}

// Appends text with whitespace collapsed and block breaks as single newlines.
class TextWriter {
 public:
  explicit TextWriter(std::string* out) : out_(out) {}
  void Break() { pending_break_ = true; }
  void Space() { pending_space_ = true; }
  void Append(std::string_view s) {
    for (char c : s) {
      if (IsHtmlSpace(c)) {
        pending_space_ = true;
        continue;
      }
      if (!out_->empty()) {
        if (pending_break_) {
          out_->push_back('\n');
        } else if (pending_space_) {
          out_->push_back(' ');
        }
      }
      pending_break_ = pending_space_ = false;
      out_->push_back(c);
    }
  }
  // Text with character references; decoded NBSPs count as spaces.
  void AppendHtmlText(std::string_view s) {
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '&') continue;
      Append(s.substr(start, i - start));
      scratch_.clear();
      size_t used = DecodeReference(s.substr(i), &scratch_);
      if (used == 0) {
        Append("&");
        start = i + 1;
        continue;
      }
      if (scratch_ == "\xC2\xA0") {
        pending_space_ = true;
      } else {
        Append(scratch_);
      }
      i += used - 1;
      start = i + 1;
    }
    Append(s.substr(start));
  }

 private:
  std::string* out_;
  std::string scratch_;
  bool pending_break_ = false;
  bool pending_space_ = false;
};

// Reads a tag name starting at html[pos], lower-cased into `name`.
size_t ReadTagName(std::string_view html, size_t pos, std::string* name) {
  name->clear();
  while (pos < html.size() && (IsAlnum(html[pos]) || html[pos] == '-' || html[pos] == ':')) {
    if (name->size() < 32) name->push_back(Lower(html[pos]));
    ++pos;
  }
  return pos;
}

// End of a tag that started at `pos` ('<'): the index after its '>', honoring
// quoted attribute values.
size_t TagEnd(std::string_view html, size_t pos) {
  char quote = 0;
  for (size_t i = pos + 1; i < html.size(); ++i) {
    char c = html[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      // Only a quote right after '=' (possibly spaced) opens a value.
      size_t k = i;
      while (k > pos && IsHtmlSpace(html[k - 1])) --k;
      if (k > pos && html[k - 1] == '=') quote = c;
    } else if (c == '>') {
      return i + 1;
    }
  }
  return html.size();
}

// Index of "</name" (case-insensitive) at or after `from`, or npos.
size_t FindEndTag(std::string_view html, size_t from, std::string_view name) {
  for (;;) {
    size_t lt = html.find("</", from);
    if (lt == std::string_view::npos) return lt;
    if (StartsWithIgnoreCase(html.substr(lt + 2), name)) {
      size_t after = lt + 2 + name.size();
      if (after >= html.size() || !IsAlnum(html[after])) return lt;
    }
    from = lt + 2;
  }
}

}  // namespace

void AppendDecodedEntities(std::string_view in, std::string* out) {
  size_t start = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '&') continue;
    out->append(in.substr(start, i - start));
    size_t used = DecodeReference(in.substr(i), out);
    if (used == 0) {
      out->push_back('&');
      used = 1;
    }
    i += used - 1;
    start = i + 1;
  }
  out->append(in.substr(start));
}

ExtractedText SimpleTextExtractor::Extract(std::string_view html) {
  text_.clear();
  title_.clear();
  TextWriter text(&text_);
  std::string name;
  size_t i = 0;
  const size_t n = html.size();
  while (i < n) {
    const void* lt_ptr = std::memchr(html.data() + i, '<', n - i);
    size_t lt = lt_ptr == nullptr ? n : static_cast<const char*>(lt_ptr) - html.data();
    text.AppendHtmlText(html.substr(i, lt - i));
    if (lt >= n) break;
    i = lt;
    std::string_view rest = html.substr(i);
    if (rest.substr(0, 4) == "<!--") {
      size_t close = html.find("-->", i + 4);
      i = close == std::string_view::npos ? n : close + 3;
      continue;
    }
    if (rest.size() >= 2 && (rest[1] == '!' || rest[1] == '?')) {
      size_t close = html.find('>', i);
      i = close == std::string_view::npos ? n : close + 1;
      continue;
    }
    bool closing = rest.size() >= 2 && rest[1] == '/';
    size_t name_start = i + (closing ? 2 : 1);
    if (name_start >= n || !IsAlpha(html[name_start])) {
      text.Append("<");  // a literal '<' in text
      i += 1;
      continue;
    }
    ReadTagName(html, name_start, &name);
    size_t after_tag = TagEnd(html, i);
    i = after_tag;
    if (closing) {
      if (IsBlockElement(name)) text.Break();
      else if (name == "td" || name == "th") text.Space();
      continue;
    }
    if (name == "title" && title_.empty()) {
      size_t close = FindEndTag(html, i, "title");
      size_t stop = close == std::string_view::npos ? n : close;
      TextWriter title(&title_);
      title.AppendHtmlText(html.substr(i, stop - i));
      i = close == std::string_view::npos ? n : TagEnd(html, close);
      continue;
    }
    if (IsDroppedElement(name)) {
      bool self_closing = after_tag >= 2 && html[after_tag - 2] == '/';
      if (self_closing) continue;
      size_t close = FindEndTag(html, i, name);
      i = close == std::string_view::npos ? n : TagEnd(html, close);
      continue;
    }
    if (IsBlockElement(name)) text.Break();
    else if (name == "td" || name == "th") text.Space();
  }
  return ExtractedText{title_, text_};
}

}  // namespace stocktake::crawler
