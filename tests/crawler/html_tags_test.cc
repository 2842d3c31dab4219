#include "crawler/html_tags.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace stocktake::crawler::html {
namespace {

TEST(HtmlTagsTest, LookupIsCaseInsensitiveAndTotal) {
  EXPECT_EQ(LookupTag("div"), Tag::kDiv);
  EXPECT_EQ(LookupTag("DIV"), Tag::kDiv);
  EXPECT_EQ(LookupTag("BlockQuote"), Tag::kBlockquote);
  EXPECT_EQ(LookupTag("figcaption"), Tag::kFigcaption);
  EXPECT_EQ(LookupTag("my-widget"), Tag::kUnknown);
  EXPECT_EQ(LookupTag(""), Tag::kUnknown);
  EXPECT_EQ(LookupTag("averyveryverylongname"), Tag::kUnknown);
  for (int t = static_cast<int>(Tag::kDocument) + 1; t < static_cast<int>(Tag::kCount); ++t) {
    Tag tag = static_cast<Tag>(t);
    EXPECT_EQ(LookupTag(TagName(tag)), tag) << TagName(tag);
  }
}

// Against a scan of every name, on names in random case and on near misses:
// one byte changed to a byte next to a letter (@ [ ` {), a digit, a
// control byte that OR 0x20 would make a digit, a high-bit byte or NUL, a
// byte added or dropped.
TEST(HtmlTagsTest, LookupAgreesWithAScanOnNamesAndNearMisses) {
  auto scan = [](std::string_view name) {
    for (int t = static_cast<int>(Tag::kDocument) + 1; t < static_cast<int>(Tag::kCount); ++t) {
      const std::string_view candidate = TagName(static_cast<Tag>(t));
      if (candidate.size() != name.size()) continue;
      bool equal = true;
      for (size_t k = 0; k < name.size(); ++k) {
        const char c = name[k] >= 'A' && name[k] <= 'Z' ? static_cast<char>(name[k] + 32) : name[k];
        equal = equal && c == candidate[k];
      }
      if (equal) return static_cast<Tag>(t);
    }
    return Tag::kUnknown;
  };
  std::mt19937_64 random(5);
  const std::string odd = std::string("@[`{0\x11\x80\xC1\xFF", 9) + std::string(1, '\0');
  size_t checked = 0;
  for (int round = 0; round < 40; ++round) {
    for (int t = static_cast<int>(Tag::kDocument) + 1; t < static_cast<int>(Tag::kCount); ++t) {
      std::string name(TagName(static_cast<Tag>(t)));
      for (char& c : name) {
        if (c >= 'a' && c <= 'z' && random() % 2 == 0) c = static_cast<char>(c - 32);
      }
      std::vector<std::string> tries = {name};
      std::string changed = name;
      changed[random() % changed.size()] = odd[random() % odd.size()];
      tries.push_back(changed);
      tries.push_back(name + static_cast<char>('a' + random() % 26));
      tries.push_back(name.substr(0, name.size() - 1));
      for (const std::string& n : tries) {
        EXPECT_EQ(LookupTag(n), scan(n)) << n;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 10000u);
}

TEST(HtmlTagsTest, Flags) {
  EXPECT_TRUE(HasFlag(Tag::kBr, kVoid));
  EXPECT_TRUE(HasFlag(Tag::kScript, kRawText));
  EXPECT_TRUE(HasFlag(Tag::kSvg, kInvisible));
  EXPECT_TRUE(HasFlag(Tag::kP, kParagraph));
  EXPECT_TRUE(HasFlag(Tag::kLi, kBlock));
  EXPECT_FALSE(HasFlag(Tag::kSpan, kBlock));
  EXPECT_TRUE(HasFlag(Tag::kUl, kClosesP));
  EXPECT_TRUE(HasFlag(Tag::kH3, kHeading));
  EXPECT_TRUE(HasFlag(Tag::kTd, kTableCell));
}

}  // namespace
}  // namespace stocktake::crawler::html
