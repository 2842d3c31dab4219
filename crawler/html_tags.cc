// Tag lookup through a small open-addressing hash table built at static
// initialization: names are at most 10 bytes, hashed case-insensitively in
// one pass, so the tokenizer maps a tag name to its enum without allocating.
#include "crawler/html_tags.h"

#include <array>
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

struct Table {
  std::array<uint8_t, kSlots> slot{};  // Tag value, 0 = empty
  std::array<uint32_t, static_cast<size_t>(Tag::kCount)> flags{};

  constexpr Table() {
    for (size_t t = static_cast<size_t>(Tag::kDocument) + 1; t < static_cast<size_t>(Tag::kCount); ++t) {
      size_t i = HashLower(kNames[t]) & (kSlots - 1);
      while (slot[i] != 0) i = (i + 1) & (kSlots - 1);
      slot[i] = static_cast<uint8_t>(t);
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

Tag LookupTag(std::string_view name) {
  if (name.empty() || name.size() > 10) return Tag::kUnknown;
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
