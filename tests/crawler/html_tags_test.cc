#include "crawler/html_tags.h"

#include <gtest/gtest.h>

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
