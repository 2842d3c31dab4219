// SVG charts; see svg_chart.h. Layout is fixed-width (720 px) with margins
// for labels; scales are linear or log10, with five ticks.
#include "stats/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace stocktake::stats {
namespace {

constexpr double kWidth = 720;

struct Scale {
  double lo = 0, hi = 1;
  bool log = false;
  double a = 0, b = 1;  // pixel range
  double operator()(double v) const {
    double t;
    if (log) {
      const double lv = std::log10(std::max(v, lo));
      t = (lv - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    } else {
      t = (v - lo) / (hi - lo);
    }
    if (!std::isfinite(t)) t = 0;
    return a + (b - a) * std::clamp(t, 0.0, 1.0);
  }
  std::vector<double> Ticks() const {
    std::vector<double> out;
    if (log) {
      for (double e = std::floor(std::log10(lo)); e <= std::ceil(std::log10(hi)); ++e) {
        const double v = std::pow(10.0, e);
        if (v >= lo * 0.999 && v <= hi * 1.001) out.push_back(v);
      }
      if (out.size() > 8) {
        std::vector<double> thinned;
        for (size_t i = 0; i < out.size(); i += (out.size() + 5) / 6) thinned.push_back(out[i]);
        out = thinned;
      }
      return out;
    }
    for (int i = 0; i <= 4; ++i) out.push_back(lo + (hi - lo) * i / 4);
    return out;
  }
};

Scale MakeScale(double lo, double hi, bool log, double a, double b) {
  Scale s;
  s.log = log;
  s.a = a;
  s.b = b;
  if (log) {
    lo = std::max(lo, std::numeric_limits<double>::min());
    s.lo = std::pow(10.0, std::floor(std::log10(lo)));
    s.hi = std::pow(10.0, std::ceil(std::log10(std::max(hi, s.lo * 10))));
  } else {
    s.lo = std::min(lo, 0.0);
    s.hi = hi > s.lo ? hi : s.lo + 1;
  }
  return s;
}

}  // namespace

std::string EscapeXml(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string ShortNumber(double v) {
  const double a = std::abs(v);
  if (!std::isfinite(v)) return "-";
  if (a >= 1e15) return fmt::format("{:.3g}P", v / 1e15);
  if (a >= 1e12) return fmt::format("{:.3g}T", v / 1e12);
  if (a >= 1e9) return fmt::format("{:.3g}B", v / 1e9);
  if (a >= 1e6) return fmt::format("{:.3g}M", v / 1e6);
  if (a >= 1e4) return fmt::format("{:.3g}k", v / 1e3);
  if (a == std::floor(a) || a >= 100) return fmt::format("{:.0f}", v);
  return fmt::format("{:.3g}", v);
}

std::string RenderBarChart(const BarChart& c) {
  const double label_w = 170, right = 90, bar_h = 14, gap = 8;
  const size_t per = std::max<size_t>(c.series.size(), 1);
  const double group_h = per * bar_h + gap;
  const double top = 34, legend_h = c.series.size() > 1 ? 22 : 0;
  const double height = top + legend_h + c.categories.size() * group_h + 30;
  double lo = std::numeric_limits<double>::max(), hi = 0;
  for (const BarSeries& s : c.series) {
    for (double v : s.values) {
      if (v > 0) lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (hi <= 0) hi = 1;
  if (lo > hi) lo = hi;
  const Scale x = MakeScale(c.log_scale ? lo : 0, hi, c.log_scale, label_w, kWidth - right);
  std::string out = fmt::format(
      "<svg id=\"{}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" "
      "viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\"><title>{}</title>\n",
      EscapeXml(c.id), kWidth, height, kWidth, height, EscapeXml(c.title));
  out += fmt::format("<text x=\"0\" y=\"18\" class=\"chart-title\">{}</text>\n", EscapeXml(c.title));
  double y = top;
  if (legend_h > 0) {
    double lx = label_w;
    for (const BarSeries& s : c.series) {
      out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\"/>"
                         "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"legend\">{}</text>\n",
                         lx, y, EscapeXml(s.color), lx + 16, y + 10, EscapeXml(s.name));
      lx += 24 + 7.0 * static_cast<double>(s.name.size());
    }
    y += legend_h;
  }
  const double plot_top = y;
  for (size_t i = 0; i < c.categories.size(); ++i) {
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" class=\"label\">{}</text>\n", label_w - 6,
                       y + per * bar_h / 2 + 4, EscapeXml(c.categories[i]));
    for (size_t k = 0; k < c.series.size(); ++k) {
      const double v = i < c.series[k].values.size() ? c.series[k].values[i] : 0;
      const double x1 = x(v > 0 ? v : x.lo);
      out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>"
                         "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"value\">{}{}</text>\n",
                         label_w, y + k * bar_h, std::max(0.0, x1 - label_w), bar_h - 2, EscapeXml(c.series[k].color),
                         x1 + 4, y + k * bar_h + bar_h - 4, ShortNumber(v), EscapeXml(c.unit));
    }
    y += group_h;
  }
  for (double t : x.Ticks()) {
    out += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" class=\"grid\"/>"
                       "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\" class=\"tick\">{4}</text>\n",
                       x(t), plot_top, y, y + 14, ShortNumber(t));
  }
  out += "</svg>\n";
  return out;
}

std::string RenderLineChart(const LineChart& c) {
  const double left = 70, right = 150, top = 34, height = 320, bottom = 44;
  double xlo = std::numeric_limits<double>::max(), xhi = std::numeric_limits<double>::lowest();
  double ylo = std::numeric_limits<double>::max(), yhi = std::numeric_limits<double>::lowest();
  for (const LineSeries& s : c.series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      xlo = std::min(xlo, s.x[i]);
      xhi = std::max(xhi, s.x[i]);
      for (double v : {s.y[i], i < s.low.size() ? s.low[i] : s.y[i], i < s.high.size() ? s.high[i] : s.y[i]}) {
        if (c.log_y && v <= 0) continue;
        ylo = std::min(ylo, v);
        yhi = std::max(yhi, v);
      }
    }
  }
  if (xlo > xhi) xlo = 0, xhi = 1;
  if (ylo > yhi) ylo = 0, yhi = 1;
  Scale x = MakeScale(xlo, xhi, c.log_x, left, kWidth - right);
  if (!c.log_x) x.lo = xlo, x.hi = xhi > xlo ? xhi : xlo + 1;
  Scale y = MakeScale(c.log_y ? ylo : std::min(ylo, 0.0), yhi, c.log_y, height - bottom, top);
  std::string out = fmt::format(
      "<svg id=\"{}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" "
      "viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\"><title>{}</title>\n",
      EscapeXml(c.id), kWidth, height, kWidth, height, EscapeXml(c.title));
  out += fmt::format("<text x=\"0\" y=\"18\" class=\"chart-title\">{}</text>\n", EscapeXml(c.title));
  for (double t : y.Ticks()) {
    out += fmt::format("<line x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" class=\"grid\"/>"
                       "<text x=\"{3:.1f}\" y=\"{4:.1f}\" text-anchor=\"end\" class=\"tick\">{5}</text>\n",
                       left, kWidth - right, y(t), left - 6, y(t) + 4, ShortNumber(t));
  }
  for (double t : x.Ticks()) {
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" class=\"tick\">{}</text>\n", x(t),
                       height - bottom + 16, ShortNumber(t));
  }
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" class=\"axis\">{}</text>\n",
                     (left + kWidth - right) / 2, height - 8, EscapeXml(c.x_label));
  out += fmt::format("<text x=\"12\" y=\"{:.1f}\" class=\"axis\" transform=\"rotate(-90 12 {:.1f})\" "
                     "text-anchor=\"middle\">{}</text>\n",
                     (top + height - bottom) / 2, (top + height - bottom) / 2, EscapeXml(c.y_label));
  double legend_y = top + 6;
  for (const LineSeries& s : c.series) {
    if (s.x.empty()) continue;
    if (s.low.size() == s.x.size() && s.high.size() == s.x.size()) {
      std::string points;
      for (size_t i = 0; i < s.x.size(); ++i) points += fmt::format("{:.1f},{:.1f} ", x(s.x[i]), y(s.high[i]));
      for (size_t i = s.x.size(); i-- > 0;) points += fmt::format("{:.1f},{:.1f} ", x(s.x[i]), y(s.low[i]));
      out += fmt::format("<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.18\" stroke=\"none\"/>\n", points,
                         EscapeXml(s.color));
    }
    std::string path;
    for (size_t i = 0; i < s.x.size(); ++i) {
      path += fmt::format("{}{:.1f},{:.1f} ", i == 0 ? "M" : "L", x(s.x[i]), y(s.y[i]));
    }
    out += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>\n", path, EscapeXml(s.color),
                       s.dashed ? " stroke-dasharray=\"6 4\"" : "");
    for (size_t i = 0; i < s.x.size(); ++i) {
      out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\" fill=\"{}\"/>\n", x(s.x[i]), y(s.y[i]),
                         EscapeXml(s.color));
    }
    out += fmt::format("<line x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" "
                       "stroke-width=\"3\"/><text x=\"{4:.1f}\" y=\"{5:.1f}\" class=\"legend\">{6}</text>\n",
                       kWidth - right + 10, kWidth - right + 28, legend_y, EscapeXml(s.color), kWidth - right + 32,
                       legend_y + 4, EscapeXml(s.name));
    legend_y += 18;
  }
  out += "</svg>\n";
  return out;
}

}  // namespace stocktake::stats
