#include "common/counts.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

TEST(CountsTest, AddsAndMergesInKeyOrder) {
  Counts a;
  a.Add("response", 2);
  a.Add("request");
  a.Add("response");
  Counts b;
  b.Add("warcinfo");
  b.Add("request", 4);
  a.Merge(b);
  EXPECT_EQ(a.Get("response"), 3u);
  EXPECT_EQ(a.Get("request"), 5u);
  EXPECT_EQ(a.Get("missing"), 0u);
  EXPECT_EQ(a.Total(), 9u);
  std::string order;
  for (const auto& [k, n] : a.map()) order += k + ",";
  EXPECT_EQ(order, "request,response,warcinfo,");
}

TEST(CountsTest, EqualityIgnoresInsertionOrder) {
  Counts a, b;
  a.Add("x");
  a.Add("y");
  b.Add("y");
  b.Add("x");
  EXPECT_EQ(a, b);
  b.Add("x");
  EXPECT_FALSE(a == b);
}

}  // namespace
}  // namespace stocktake
