// Self-contained SVG charts for the report: horizontal bar charts (one or
// more series) and line charts with optional shaded bands (fan charts).
// Output is a complete <svg> element with a <title>, sized in pixels, with
// every label escaped. Pure functions; thread-safe.
#ifndef STOCKTAKE_STATS_SVG_CHART_H_
#define STOCKTAKE_STATS_SVG_CHART_H_

#include <string>
#include <string_view>
#include <vector>

namespace stocktake::stats {

// Text for HTML and SVG: & < > " ' escaped.
std::string EscapeXml(std::string_view text);
// 1234567 -> "1.23M", 5.1e14 -> "510T"; plain below 10,000.
std::string ShortNumber(double v);

struct BarSeries {
  std::string name;
  std::string color;           // CSS color
  std::vector<double> values;  // one per category
};
struct BarChart {
  std::string id;     // the svg element's id
  std::string title;
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  bool log_scale = false;
  std::string unit;  // appended to value labels ("%", " tokens")
};
std::string RenderBarChart(const BarChart& chart);

struct LineSeries {
  std::string name;
  std::string color;
  std::vector<double> x, y;
  // Optional band around the line (same length as x): drawn shaded.
  std::vector<double> low, high;
  bool dashed = false;
};
struct LineChart {
  std::string id;
  std::string title;
  std::string x_label, y_label;
  std::vector<LineSeries> series;
  bool log_x = false, log_y = false;
};
std::string RenderLineChart(const LineChart& chart);

}  // namespace stocktake::stats

#endif  // STOCKTAKE_STATS_SVG_CHART_H_
