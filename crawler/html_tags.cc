// Tag lookup through small open-addressing hash tables built at compile
// time, so the tokenizer maps a tag name to its enum without allocating:
// names of up to 8 bytes (nearly all) as one lower-cased word, found by one
// compare; names of 9 and 10 bytes hashed case-insensitively byte by byte.
#include "crawler/html_tags.h"

#include <array>
#include <bit>
#include <cstring>

namespace stocktake::crawler::html {

namespace {

constexpr std::string_view kNames[] = {
    "", "#text", "#document",
#define STOCKTAKE_HTML_TAG_NAME(name, str) str,
    STOCKTAKE_HTML_TAGS(STOCKTAKE_HTML_TAG_NAME)
#undef STOCKTAKE_HTML_TAG_NAME
};
static_assert(std::size(kNames) == static_cast<size_t>(Tag::kCount));

constexpr size_t kSlots = 512;

constexpr char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

constexpr uint32_t HashLower(std::string_view s) {
  uint32_t h = 2166136261u;
  for (char c : s) h = (h ^ static_cast<uint8_t>(Lower(c))) * 16777619u;
  return h;
}

// Names of up to eight bytes as one little-endian word, zero-padded (byte k
// of the name in bits 8k..8k+7), and that word's slot.
constexpr uint64_t PackName(std::string_view s) {
  uint64_t w = 0;
  for (size_t k = 0; k < s.size() && k < 8; ++k) w |= uint64_t{static_cast<uint8_t>(s[k])} << (8 * k);
  return w;
}
constexpr size_t WordSlot(uint64_t word, size_t length) {
  return static_cast<size_t>(((word ^ length) * 0x9E3779B97F4A7C15ull) >> 55);  // 9 bits: kSlots
}
static_assert(kSlots == 512);

struct Table {
  std::array<uint8_t, kSlots> slot{};  // Tag value, 0 = empty
  // Names of up to eight bytes, by WordSlot: the packed name and its tag.
  std::array<uint64_t, kSlots> word_key{};
  std::array<uint8_t, kSlots> word_tag{};
  std::array<uint32_t, static_cast<size_t>(Tag::kCount)> flags{};

  constexpr Table() {
    for (size_t t = static_cast<size_t>(Tag::kDocument) + 1; t < static_cast<size_t>(Tag::kCount); ++t) {
      size_t i = HashLower(kNames[t]) & (kSlots - 1);
      while (slot[i] != 0) i = (i + 1) & (kSlots - 1);
      slot[i] = static_cast<uint8_t>(t);
      if (kNames[t].size() <= 8) {
        size_t j = WordSlot(PackName(kNames[t]), kNames[t].size());
        while (word_tag[j] != 0) j = (j + 1) & (kSlots - 1);
        word_key[j] = PackName(kNames[t]);
        word_tag[j] = static_cast<uint8_t>(t);
      }
    }
    auto set = [&](std::initializer_list<Tag> tags, uint32_t f) {
      for (Tag t : tags) flags[static_cast<size_t>(t)] |= f;
    };
    set({Tag::kArea, Tag::kBase, Tag::kBasefont, Tag::kBgsound, Tag::kBr, Tag::kCol, Tag::kEmbed, Tag::kFrame,
         Tag::kHr, Tag::kImg, Tag::kInput, Tag::kKeygen, Tag::kLink, Tag::kMeta, Tag::kParam, Tag::kSource,
         Tag::kTrack, Tag::kWbr},
        kVoid);
    set({Tag::kScript, Tag::kStyle, Tag::kXmp, Tag::kIframe, Tag::kNoembed, Tag::kNoframes, Tag::kNoscript,
         Tag::kPlaintext, Tag::kTitle, Tag::kTextarea},
        kRawText);
    set({Tag::kTitle, Tag::kTextarea}, kEscapableRaw);
    set({Tag::kScript, Tag::kStyle, Tag::kTemplate, Tag::kNoscript, Tag::kSvg, Tag::kMath, Tag::kIframe,
         Tag::kObject, Tag::kEmbed, Tag::kApplet, Tag::kHead, Tag::kTitle, Tag::kCanvas, Tag::kNoembed,
         Tag::kNoframes, Tag::kSelect, Tag::kDatalist, Tag::kTextarea, Tag::kMap, Tag::kAudio, Tag::kVideo,
         Tag::kXmp, Tag::kPlaintext, Tag::kMeta, Tag::kLink, Tag::kBase, Tag::kFrameset, Tag::kFrame, Tag::kParam,
         Tag::kSource, Tag::kTrack},
        kInvisible);
    set({Tag::kAddress, Tag::kArticle, Tag::kAside, Tag::kBlockquote, Tag::kBody, Tag::kBr, Tag::kCaption,
         Tag::kCenter, Tag::kDd, Tag::kDetails, Tag::kDialog, Tag::kDir, Tag::kDiv, Tag::kDl, Tag::kDt,
         Tag::kFieldset, Tag::kFigcaption, Tag::kFigure, Tag::kFooter, Tag::kForm, Tag::kH1, Tag::kH2, Tag::kH3,
         Tag::kH4, Tag::kH5, Tag::kH6, Tag::kHeader, Tag::kHgroup, Tag::kHr, Tag::kHtml, Tag::kLegend, Tag::kLi,
         Tag::kListing, Tag::kMain, Tag::kMenu, Tag::kNav, Tag::kOl, Tag::kOptgroup, Tag::kOption, Tag::kP,
         Tag::kPre, Tag::kSearch, Tag::kSection, Tag::kSummary, Tag::kTable, Tag::kTbody, Tag::kTfoot,
         Tag::kThead, Tag::kTr, Tag::kUl, Tag::kMarquee},
        kBlock);
    set({Tag::kP, Tag::kH1, Tag::kH2, Tag::kH3, Tag::kH4, Tag::kH5, Tag::kH6, Tag::kPre, Tag::kBlockquote,
         Tag::kUl, Tag::kOl, Tag::kDl, Tag::kTable, Tag::kFigure, Tag::kHr, Tag::kListing, Tag::kAddress,
         Tag::kDetails},
        kParagraph);
    set({Tag::kAddress, Tag::kArticle, Tag::kAside, Tag::kBlockquote, Tag::kCenter, Tag::kDetails, Tag::kDialog,
         Tag::kDir, Tag::kDiv, Tag::kDl, Tag::kFieldset, Tag::kFigcaption, Tag::kFigure, Tag::kFooter, Tag::kForm,
         Tag::kH1, Tag::kH2, Tag::kH3, Tag::kH4, Tag::kH5, Tag::kH6, Tag::kHeader, Tag::kHgroup, Tag::kHr,
         Tag::kMain, Tag::kMenu, Tag::kNav, Tag::kOl, Tag::kP, Tag::kPre, Tag::kSearch, Tag::kSection,
         Tag::kSummary, Tag::kTable, Tag::kUl, Tag::kLi, Tag::kDd, Tag::kDt, Tag::kListing, Tag::kPlaintext,
         Tag::kXmp},
        kClosesP);
    set({Tag::kAbbr, Tag::kAudio, Tag::kB, Tag::kBdi, Tag::kBdo, Tag::kBr, Tag::kButton, Tag::kCite, Tag::kCode,
         Tag::kData, Tag::kDatalist, Tag::kDfn, Tag::kEm, Tag::kEmbed, Tag::kI, Tag::kImg, Tag::kInput, Tag::kKbd,
         Tag::kLabel, Tag::kMark, Tag::kMath, Tag::kMeter, Tag::kNoscript, Tag::kObject, Tag::kOutput,
         Tag::kProgress, Tag::kQ, Tag::kRuby, Tag::kSamp, Tag::kScript, Tag::kSelect, Tag::kSmall, Tag::kSpan,
         Tag::kStrong, Tag::kSub, Tag::kSup, Tag::kTextarea, Tag::kTime, Tag::kVar, Tag::kWbr, Tag::kFont,
         Tag::kTt, Tag::kU, Tag::kS, Tag::kStrike, Tag::kBig, Tag::kNobr, Tag::kUnknown, Tag::kText},
        kPhrasing);
    set({Tag::kH1, Tag::kH2, Tag::kH3, Tag::kH4, Tag::kH5, Tag::kH6}, kHeading);
    set({Tag::kLi, Tag::kDt, Tag::kDd}, kListItem);
    set({Tag::kTd, Tag::kTh}, kTableCell);
    set({Tag::kA, Tag::kB, Tag::kBig, Tag::kCode, Tag::kEm, Tag::kFont, Tag::kI, Tag::kNobr, Tag::kS,
         Tag::kSmall, Tag::kStrike, Tag::kStrong, Tag::kTt, Tag::kU, Tag::kSpan},
        kFormatting);
  }
};

// Built at compile time: no guard on every lookup, and TagFlags inline.
constexpr Table kTable;

}  // namespace

extern const std::array<uint32_t, static_cast<size_t>(Tag::kCount)> kTagFlagTable = kTable.flags;

namespace {

// The name's bytes (1 to 8 of them) as PackName packs them, read without
// going past its end: overlapping loads, OR-ed.
inline uint64_t LoadName(const char* p, size_t n) {
  uint64_t w = 0;
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    w = lo | (uint64_t{hi} << (8 * (n - 4)));
  } else {
    for (size_t k = 0; k < n; ++k) w |= uint64_t{static_cast<uint8_t>(p[k])} << (8 * k);
  }
  return w;
}

}  // namespace

Tag LookupTag(std::string_view name) {
  if (name.empty() || name.size() > 10) return Tag::kUnknown;
  if constexpr (std::endian::native == std::endian::little) {
    if (name.size() <= 8) {
      const uint64_t word = LoadName(name.data(), name.size());
      constexpr uint64_t kHigh = 0x8080808080808080ull;
      if ((word & kHigh) != 0) return Tag::kUnknown;  // no tag name has a byte above 0x7F
      // Lower-case A-Z only, eight bytes at once: with every byte below 0x80
      // the additions carry into no other byte.
      const uint64_t at_least_a = word + 0x3F3F3F3F3F3F3F3Full;  // 0x80 - 'A'
      const uint64_t above_z = word + 0x2525252525252525ull;     // 0x80 - 'Z' - 1
      const uint64_t lower = word | (((at_least_a & ~above_z) & kHigh) >> 2);
      for (size_t j = WordSlot(lower, name.size());; j = (j + 1) & (kSlots - 1)) {
        const uint8_t tag = kTable.word_tag[j];
        if (tag == 0) return Tag::kUnknown;
        if (kTable.word_key[j] == lower && kNames[tag].size() == name.size()) return static_cast<Tag>(tag);
      }
    }
  }
  const Table& t = kTable;
  size_t i = HashLower(name) & (kSlots - 1);
  while (t.slot[i] != 0) {
    std::string_view candidate = kNames[t.slot[i]];
    if (candidate.size() == name.size()) {
      bool equal = true;
      for (size_t k = 0; k < name.size(); ++k) {
        if (Lower(name[k]) != candidate[k]) {
          equal = false;
          break;
        }
      }
      if (equal) return static_cast<Tag>(t.slot[i]);
    }
    i = (i + 1) & (kSlots - 1);
  }
  return Tag::kUnknown;
}

std::string_view TagName(Tag tag) {
  if (tag <= Tag::kDocument || tag >= Tag::kCount) return {};
  return kNames[static_cast<size_t>(tag)];
}

}  // namespace stocktake::crawler::html
