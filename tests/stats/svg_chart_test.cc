// SVG charts: escaped labels, one bar per value, bands for fan charts.
#include "stats/svg_chart.h"

#include <gtest/gtest.h>

namespace stocktake::stats {
namespace {

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(SvgChartTest, NumbersAndEscaping) {
  EXPECT_EQ(EscapeXml("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  EXPECT_EQ(ShortNumber(5.1e14), "510T");
  EXPECT_EQ(ShortNumber(1234567), "1.23M");
  EXPECT_EQ(ShortNumber(42), "42");
  EXPECT_EQ(ShortNumber(0.25), "0.25");
}

TEST(SvgChartTest, BarChartsDrawEveryValue) {
  BarChart c{"c1", "Tokens <per> tier", {"en", "de", "x&y"}, {{"total", "#123", {10, 20, 0}}, {"unique", "#456", {5, 15, 0}}},
             true, ""};
  const std::string svg = RenderBarChart(c);
  EXPECT_EQ(svg.rfind("<svg id=\"c1\"", 0), 0u);
  EXPECT_NE(svg.find("<title>Tokens &lt;per&gt; tier</title>"), std::string::npos);
  EXPECT_NE(svg.find(">x&amp;y<"), std::string::npos);
  EXPECT_EQ(Count(svg, "<rect"), 6u + 2u);  // six bars and two legend swatches
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(SvgChartTest, LineChartsDrawBandsAndLegends) {
  LineChart c{"f", "fan", "year", "tokens", {}, false, true};
  c.series.push_back({"stock", "#00f", {2024, 2026, 2028}, {3e14, 3.3e14, 3.6e14}, {1e14, 1.1e14, 1.2e14}, {1e15, 1.1e15, 1.2e15}, false});
  c.series.push_back({"demand", "#f00", {2024, 2026, 2028}, {1e13, 1e14, 1e15}, {}, {}, true});
  const std::string svg = RenderLineChart(c);
  EXPECT_EQ(Count(svg, "<polygon"), 1u);
  EXPECT_EQ(Count(svg, "<path"), 2u);
  EXPECT_EQ(Count(svg, "stroke-dasharray"), 1u);
  EXPECT_NE(svg.find(">demand<"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

}  // namespace
}  // namespace stocktake::stats
