// Character references. The Latin-1 names map to U+00A0..U+00FF in order, so
// that block is a name list; the rest is a table. Lookup is a binary search
// over names sorted at first use.
#include "crawler/html_entities.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace stocktake::crawler::html {

namespace {

// U+00A0 .. U+00FF, in code point order.
constexpr const char* kLatin1[96] = {
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf", "laquo",
    "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
    "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",
    "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute",
    "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash",
    "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute", "acirc", "atilde",
    "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc",
    "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave",
    "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml"};

// Greek letters U+0391..U+03A9 (no U+03A2) and U+03B1..U+03C9.
constexpr const char* kGreekUpper[] = {"Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta",
                                       "Theta", "Iota", "Kappa", "Lambda", "Mu", "Nu", "Xi", "Omicron",
                                       "Pi", "Rho", nullptr, "Sigma", "Tau", "Upsilon", "Phi", "Chi",
                                       "Psi", "Omega"};
constexpr const char* kGreekLower[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta",
                                       "theta", "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron",
                                       "pi", "rho", "sigmaf", "sigma", "tau", "upsilon", "phi", "chi",
                                       "psi", "omega"};

struct Named {
  const char* name;
  uint32_t cp;
};

constexpr Named kOther[] = {
    {"quot", 34}, {"amp", 38}, {"apos", 39}, {"lt", 60}, {"gt", 62}, {"OElig", 338}, {"oelig", 339},
    {"Scaron", 352}, {"scaron", 353}, {"Yuml", 376}, {"fnof", 402}, {"circ", 710}, {"tilde", 732},
    {"thetasym", 977}, {"upsih", 978}, {"piv", 982}, {"ensp", 8194}, {"emsp", 8195}, {"thinsp", 8201},
    {"zwnj", 8204}, {"zwj", 8205}, {"lrm", 8206}, {"rlm", 8207}, {"ndash", 8211}, {"mdash", 8212},
    {"lsquo", 8216}, {"rsquo", 8217}, {"sbquo", 8218}, {"ldquo", 8220}, {"rdquo", 8221}, {"bdquo", 8222},
    {"dagger", 8224}, {"Dagger", 8225}, {"bull", 8226}, {"hellip", 8230}, {"permil", 8240}, {"prime", 8242},
    {"Prime", 8243}, {"lsaquo", 8249}, {"rsaquo", 8250}, {"oline", 8254}, {"frasl", 8260}, {"euro", 8364},
    {"image", 8465}, {"weierp", 8472}, {"real", 8476}, {"trade", 8482}, {"alefsym", 8501}, {"larr", 8592},
    {"uarr", 8593}, {"rarr", 8594}, {"darr", 8595}, {"harr", 8596}, {"crarr", 8629}, {"lArr", 8656},
    {"uArr", 8657}, {"rArr", 8658}, {"dArr", 8659}, {"hArr", 8660}, {"forall", 8704}, {"part", 8706},
    {"exist", 8707}, {"empty", 8709}, {"nabla", 8711}, {"isin", 8712}, {"notin", 8713}, {"ni", 8715},
    {"prod", 8719}, {"sum", 8721}, {"minus", 8722}, {"lowast", 8727}, {"radic", 8730}, {"prop", 8733},
    {"infin", 8734}, {"ang", 8736}, {"and", 8743}, {"or", 8744}, {"cap", 8745}, {"cup", 8746}, {"int", 8747},
    {"there4", 8756}, {"sim", 8764}, {"cong", 8773}, {"asymp", 8776}, {"ne", 8800}, {"equiv", 8801},
    {"le", 8804}, {"ge", 8805}, {"sub", 8834}, {"sup", 8835}, {"nsub", 8836}, {"sube", 8838}, {"supe", 8839},
    {"oplus", 8853}, {"otimes", 8855}, {"perp", 8869}, {"sdot", 8901}, {"lceil", 8968}, {"rceil", 8969},
    {"lfloor", 8970}, {"rfloor", 8971}, {"lang", 9001}, {"rang", 9002}, {"loz", 9674}, {"spades", 9824},
    {"clubs", 9827}, {"hearts", 9829}, {"diams", 9830},
    // HTML5 names seen often on real pages.
    {"nbsp", 160}, {"hyphen", 8208}, {"dash", 8208}, {"half", 189}, {"check", 10003}, {"star", 9734},
    {"starf", 9733}, {"laquo", 171}, {"raquo", 187}, {"middot", 183}, {"centerdot", 183}, {"Tab", 9},
    {"NewLine", 10}, {"nbsp", 160}, {"period", 46}, {"comma", 44}, {"colon", 58}, {"semi", 59},
    {"excl", 33}, {"quest", 63}, {"num", 35}, {"dollar", 36}, {"percnt", 37}, {"lpar", 40}, {"rpar", 41},
    {"ast", 42}, {"plus", 43}, {"sol", 47}, {"equals", 61}, {"commat", 64}, {"lsqb", 91}, {"bsol", 92},
    {"rsqb", 93}, {"lowbar", 95}, {"grave", 96}, {"lcub", 123}, {"verbar", 124}, {"vert", 124},
    {"rcub", 125}, {"rsquor", 8217}, {"ldquor", 8222}, {"rdquor", 8221}, {"bullet", 8226},
    {"mldr", 8230}, {"nldr", 8229}, {"copysr", 8471}, {"Tilde", 8764}, {"times", 215}};

// Numeric references 0x80-0x9F mean windows-1252 characters (HTML5).
constexpr uint16_t kC1Remap[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                   0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                   0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

struct Entry {
  std::string_view name;
  uint32_t cp;
  bool operator<(const Entry& o) const { return name < o.name; }
};

const std::vector<Entry>& Table() {
  static const std::vector<Entry> table = [] {
    std::vector<Entry> t;
    for (int i = 0; i < 96; ++i) t.push_back({kLatin1[i], static_cast<uint32_t>(0xA0 + i)});
    for (size_t i = 0; i < std::size(kGreekUpper); ++i) {
      if (kGreekUpper[i] != nullptr) t.push_back({kGreekUpper[i], static_cast<uint32_t>(0x391 + i)});
    }
    for (size_t i = 0; i < std::size(kGreekLower); ++i) t.push_back({kGreekLower[i], static_cast<uint32_t>(0x3B1 + i)});
    for (const Named& n : kOther) t.push_back({n.name, n.cp});
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end(), [](const Entry& a, const Entry& b) { return a.name == b.name; }),
            t.end());
    return t;
  }();
  return table;
}

inline bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

}  // namespace

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

size_t DecodeReference(std::string_view in, std::string* out) {
  if (in.size() < 3 || in[0] != '&') return 0;
  if (in[1] == '#') {
    size_t i = 2;
    bool hex = in[i] == 'x' || in[i] == 'X';
    if (hex) ++i;
    uint32_t cp = 0;
    size_t digits = 0;
    for (; i < in.size(); ++i) {
      char c = in[i];
      uint32_t v;
      if (c >= '0' && c <= '9') v = static_cast<uint32_t>(c - '0');
      else if (hex && c >= 'a' && c <= 'f') v = static_cast<uint32_t>(c - 'a' + 10);
      else if (hex && c >= 'A' && c <= 'F') v = static_cast<uint32_t>(c - 'A' + 10);
      else break;
      if (cp <= 0x10FFFF) cp = cp * (hex ? 16 : 10) + v;  // saturates above the Unicode range
      ++digits;
    }
    if (digits == 0) return 0;
    if (i < in.size() && in[i] == ';') ++i;
    if (cp >= 0x80 && cp <= 0x9F) cp = kC1Remap[cp - 0x80];
    AppendUtf8(cp, out);
    return i;
  }
  size_t i = 1;
  while (i < in.size() && i < 34 && IsAlnum(in[i])) ++i;
  std::string_view name = in.substr(1, i - 1);
  if (name.empty()) return 0;
  const auto& table = Table();
  auto it = std::lower_bound(table.begin(), table.end(), Entry{name, 0});
  if (it == table.end() || it->name != name) return 0;
  AppendUtf8(it->cp, out);
  return i + (i < in.size() && in[i] == ';' ? 1 : 0);
}

void AppendDecoded(std::string_view in, std::string* out) {
  size_t start = 0;
  while (start < in.size()) {  // (memchr must not see the null data() of an empty view)
    const void* amp = std::memchr(in.data() + start, '&', in.size() - start);
    if (amp == nullptr) break;
    size_t i = static_cast<const char*>(amp) - in.data();
    out->append(in.data() + start, i - start);
    size_t used = DecodeReference(in.substr(i), out);
    if (used == 0) {
      out->push_back('&');
      used = 1;
    }
    start = i + used;
  }
  out->append(in.data() + start, in.size() - start);
}

}  // namespace stocktake::crawler::html
