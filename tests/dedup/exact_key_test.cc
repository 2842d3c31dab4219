#include "dedup/exact_key.h"

#include <gtest/gtest.h>

namespace stocktake::dedup {
namespace {

TEST(ExactKeyTest, EqualTextsEqualKeys) {
  EXPECT_EQ(TextKey("same text"), TextKey(std::string("same text")));
  EXPECT_NE(TextKey("same text"), TextKey("same text."));
  // Seeded: a text key differs from a plain hash of the same bytes.
  EXPECT_NE(TextKey("x"), Hash128Of("x"));
}

TEST(ExactKeyTest, KindsNeverCollide) {
  EXPECT_NE(TextKey("http://a/"), DedupTextKey("http://a/"));
  EXPECT_NE(TextKey("http://a/"), UrlKey("http://a/"));
  ExactKey digest;
  ASSERT_TRUE(PayloadDigestKey("http://a/", &digest));
  EXPECT_NE(digest, UrlKey("http://a/"));
}

TEST(ExactKeyTest, UrlNormalization) {
  EXPECT_EQ(NormalizeUrl("HTTP://Example.COM"), "http://example.com/");
  EXPECT_EQ(NormalizeUrl("http://example.com:80/a/B?x=Y#frag"), "http://example.com/a/B?x=Y");
  EXPECT_EQ(NormalizeUrl("https://example.com:443"), "https://example.com/");
  EXPECT_EQ(NormalizeUrl("https://example.com:8443/"), "https://example.com:8443/");
  EXPECT_EQ(NormalizeUrl("http://example.com:443/"), "http://example.com:443/");
  EXPECT_EQ(NormalizeUrl("http://example.com?q=1"), "http://example.com/?q=1");
  EXPECT_EQ(NormalizeUrl("http://User:Pw@Host.org:80/p"), "http://User:Pw@host.org/p");
  EXPECT_EQ(NormalizeUrl("http://[2001:DB8::1]:80/"), "http://[2001:db8::1]/");
  EXPECT_EQ(NormalizeUrl("http://[2001:DB8::1]/"), "http://[2001:db8::1]/");
  EXPECT_EQ(NormalizeUrl("  dns:example.com "), "dns:example.com");
  EXPECT_EQ(NormalizeUrl(""), "");
  EXPECT_EQ(UrlKey("http://EXAMPLE.com/#top"), UrlKey("http://example.com:80/"));
  EXPECT_NE(UrlKey("http://example.com/A"), UrlKey("http://example.com/a"));
}

TEST(ExactKeyTest, PayloadDigests) {
  ExactKey a, b, c;
  ASSERT_TRUE(PayloadDigestKey("sha1:ABCDEF234567", &a));
  ASSERT_TRUE(PayloadDigestKey(" SHA1:abcdef234567\r\n", &b));
  ASSERT_TRUE(PayloadDigestKey("sha1:ABCDEF234568", &c));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_FALSE(PayloadDigestKey("  ", &a));
}

TEST(ExactKeyTest, CountDistinct) {
  std::vector<ExactKey> keys = {TextKey("b"), TextKey("a"), TextKey("b"), TextKey("c"), TextKey("a")};
  EXPECT_EQ(CountDistinct(&keys), 3u);
  std::vector<ExactKey> none;
  EXPECT_EQ(CountDistinct(&none), 0u);
}

}  // namespace
}  // namespace stocktake::dedup
