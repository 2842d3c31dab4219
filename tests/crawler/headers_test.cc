#include "crawler/headers.h"

#include <gtest/gtest.h>

namespace stocktake::crawler {
namespace {

TEST(HeadersTest, FindHeaderEndToleratesLineEndings) {
  EXPECT_EQ(FindHeaderEnd("A: 1\r\nB: 2\r\n\r\nbody"), 14u);
  EXPECT_EQ(FindHeaderEnd("A: 1\nB: 2\n\nbody"), 11u);
  EXPECT_EQ(FindHeaderEnd("A: 1\r\r\n\r\r\nbody"), 10u);
  EXPECT_EQ(FindHeaderEnd("A: 1\r\nB: 2\r\n"), std::string_view::npos);
  EXPECT_EQ(FindHeaderEnd(""), std::string_view::npos);
}

TEST(HeadersTest, ParsesFieldsContinuationsAndBadLines) {
  std::vector<HeaderField> fields;
  size_t bad = ParseHeaderFields("Content-Type: text/html\r\nX-Long: part one\r\n  part two\r\nnonsense\r\n"
                                 "Empty:\r\nWARC-Target-URI:: weird\r\n",
                                 &fields);
  EXPECT_EQ(bad, 1u);
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(FindHeader(fields, "content-type"), "text/html");
  EXPECT_EQ(FindHeader(fields, "X-LONG"), "part one\r\n  part two");
  EXPECT_EQ(FindHeader(fields, "Empty"), "");
  EXPECT_EQ(FindHeader(fields, "WARC-Target-URI"), ": weird");
  EXPECT_EQ(FindHeader(fields, "absent"), "");
}

TEST(HeadersTest, RepeatedFieldsReturnTheFirst) {
  std::vector<HeaderField> fields;
  ParseHeaderFields("Set: a\nSet: b\n", &fields);
  EXPECT_EQ(FindHeader(fields, "set"), "a");
  EXPECT_EQ(fields.size(), 2u);
}

TEST(HeadersTest, Helpers) {
  EXPECT_TRUE(EqualsIgnoreCase("Content-Length", "content-length"));
  EXPECT_FALSE(EqualsIgnoreCase("abc", "abcd"));
  EXPECT_TRUE(StartsWithIgnoreCase("HTTP/1.1 200", "http/"));
  EXPECT_EQ(FindIgnoreCase("xx<META charset", "<meta"), 2u);
  EXPECT_EQ(FindIgnoreCase("abc", "abcd"), std::string_view::npos);
  EXPECT_EQ(TrimWhitespace(" \t x y \r\n"), "x y");
  uint64_t v = 0;
  EXPECT_TRUE(ParseDecimal(" 1234 ", &v));
  EXPECT_EQ(v, 1234u);
  EXPECT_FALSE(ParseDecimal("-1", &v));
  EXPECT_FALSE(ParseDecimal("12a", &v));
  EXPECT_FALSE(ParseDecimal("", &v));
  EXPECT_FALSE(ParseDecimal("9999999999999999999999", &v));
}

}  // namespace
}  // namespace stocktake::crawler
