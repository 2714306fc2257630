#include "report/roofline_svg.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>

#include <fmt/format.h>

namespace qtb {
namespace {

// Tableau 10: distinct on white and reasonably colour-blind friendly.
constexpr std::array<const char*, 10> kPalette = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                                  "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                                  "#bcbd22", "#17becf"};
// Empty = solid; the rest stay distinguishable at stroke width 2.
constexpr std::array<const char*, 6> kDashes = {"", "9 5", "2 4", "10 4 2 4", "18 5", "4 2 4 8"};
constexpr std::size_t kMarkerShapes = 8;

constexpr double kFontSize = 12.0;
constexpr double kTickFontSize = 11.0;
constexpr double kRowHeight = 18.0;
constexpr double kSampleWidth = 32.0;  // legend line / marker sample
constexpr double kSampleGap = 6.0;
constexpr double kColumnGap = 18.0;
constexpr double kLegendGap = 24.0;  // between plot and legend
constexpr double kRightPad = 16.0;
constexpr double kBottomMargin = 62.0;
constexpr double kMarkerRadius = 5.0;
// Half a decade of head-room around the data, before snapping outward to whole decades.
constexpr double kMarginDecades = 0.477;  // log10(3)
// Keeps 10^e finite and far from denormals.
constexpr int kMaxDecade = 300;

bool positive_finite(double value) {
  return std::isfinite(value) && value > 0.0;
}

bool valid_roof(const RooflineRoof& roof) {
  return positive_finite(roof.peak_ops) && positive_finite(roof.bandwidth) &&
         positive_finite(roof.peak_ops / roof.bandwidth);
}

bool valid_point(const RooflinePoint& point) {
  return positive_finite(point.oi) && positive_finite(point.ops_per_s);
}

// Position of `name` in first-appearance order; appended when new.
std::size_t index_of(std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
  names.push_back(name);
  return names.size() - 1;
}

// SVG offers no text metrics; ~0.6 em per code point is a safe estimate for sans-serif.
double text_width(const std::string& text, double font_size) {
  std::size_t code_points = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++code_points;
  }
  return static_cast<double>(code_points) * 0.6 * font_size;
}

// Two decimals with trailing zeros dropped: sub-pixel precision, small files.
std::string num(double value) {
  std::string text = fmt::format("{:.2f}", value);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

double decade(int exponent) {
  return std::pow(10.0, static_cast<double>(exponent));
}

std::string x_tick_label(int exponent) {
  if (exponent >= -4 && exponent <= 6) {
    return fmt::format("{:.{}f}", decade(exponent), std::max(0, -exponent));
  }
  return fmt::format("1e{}", exponent);
}

int floor_div3(int value) {
  return value >= 0 ? value / 3 : -((-value + 2) / 3);
}

constexpr std::array<const char*, 13> kSiPrefixes = {"a", "f", "p", "n", "µ", "m", "",
                                                     "k", "M", "G", "T", "P", "E"};

std::string y_tick_label(int exponent) {
  const int group = floor_div3(exponent);
  if (group < -6 || group > 6) return fmt::format("1e{}", exponent);
  const int mantissa = exponent - 3 * group;  // 0, 1 or 2 -> "1", "10", "100"
  const char* prefix = kSiPrefixes[static_cast<std::size_t>(group + 6)];
  if (group == 0) return fmt::format("{:.0f}", decade(mantissa));
  return fmt::format("{:.0f} {}", decade(mantissa), prefix);
}

// Three significant digits with an SI prefix, for tooltips ("1.23 T").
std::string si(double value) {
  const int group = std::clamp(floor_div3(static_cast<int>(std::floor(std::log10(value)))), -6, 6);
  const double scaled = value / decade(3 * group);
  const char* prefix = kSiPrefixes[static_cast<std::size_t>(group + 6)];
  return fmt::format("{:.3g} {}", scaled, prefix);
}

struct Categories {
  std::vector<std::string> groups, styles, series;
};

Categories collect_categories(const RooflineChart& chart) {
  Categories cats;
  for (const auto& roof : chart.roofs) {
    if (!valid_roof(roof)) continue;
    index_of(cats.groups, roof.group);
    index_of(cats.styles, roof.style);
  }
  for (const auto& point : chart.points) {
    if (!valid_point(point)) continue;
    index_of(cats.groups, point.group);
    index_of(cats.series, point.series);
  }
  return cats;
}

struct DecadeRange {
  int x_lo = -1, x_hi = 3, y_lo = 9, y_hi = 15;  // defaults used for an empty chart
  bool has_data = false;
};

DecadeRange decade_range(const RooflineChart& chart) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double x_min = kInf, x_max = -kInf, y_min = kInf, y_max = -kInf;
  const auto include = [&](double x, double y) {
    x_min = std::min(x_min, x);
    x_max = std::max(x_max, x);
    y_min = std::min(y_min, y);
    y_max = std::max(y_max, y);
  };
  for (const auto& roof : chart.roofs) {
    if (valid_roof(roof)) include(roof.peak_ops / roof.bandwidth, roof.peak_ops);
  }
  for (const auto& point : chart.points) {
    if (valid_point(point)) include(point.oi, point.ops_per_s);
  }
  DecadeRange range;
  if (x_min > x_max) return range;
  range.has_data = true;
  // Work in log space so the margin cannot overflow near DBL_MAX.
  const auto lower = [](double value) {
    return std::clamp(static_cast<int>(std::floor(std::log10(value) - kMarginDecades)), -kMaxDecade,
                      kMaxDecade - 1);
  };
  const auto upper = [](double value) {
    return std::clamp(static_cast<int>(std::ceil(std::log10(value) + kMarginDecades)),
                      -kMaxDecade + 1, kMaxDecade);
  };
  range.x_lo = lower(x_min);
  range.x_hi = std::max(upper(x_max), range.x_lo + 1);
  range.y_lo = lower(y_min);
  range.y_hi = std::max(upper(y_max), range.y_lo + 1);
  return range;
}

struct LegendEntry {
  enum class Kind { kHeader, kRoof, kSeries };
  Kind kind = Kind::kHeader;
  std::size_t index = 0;  // into chart.roofs or Categories::series
  std::string text;
  double x = 0.0;  // relative to the legend's left edge
  double y = 0.0;  // row centre, absolute
};

struct Legend {
  std::vector<LegendEntry> entries;
  double width = 0.0;
};

// Fills columns top to bottom and adds columns (growing width) when the plot height runs out.
Legend layout_legend(const RooflineChart& chart, const Categories& cats, double top,
                     double available_height) {
  std::vector<LegendEntry> items;
  bool any_roof = false;
  for (std::size_t i = 0; i < chart.roofs.size(); ++i) {
    if (!valid_roof(chart.roofs[i])) continue;
    if (!any_roof) items.push_back({LegendEntry::Kind::kHeader, 0, "Roofs", 0.0, 0.0});
    any_roof = true;
    items.push_back({LegendEntry::Kind::kRoof, i, chart.roofs[i].label, 0.0, 0.0});
  }
  if (!cats.series.empty()) {
    items.push_back({LegendEntry::Kind::kHeader, 0, "Series", 0.0, 0.0});
    for (std::size_t i = 0; i < cats.series.size(); ++i) {
      items.push_back({LegendEntry::Kind::kSeries, i, cats.series[i], 0.0, 0.0});
    }
  }
  Legend legend;
  if (items.empty()) return legend;

  const int rows_per_column =
      std::max(2, static_cast<int>(std::floor(available_height / kRowHeight)));
  double column_x = 0.0, column_width = 0.0;
  int row = 0;
  for (auto& item : items) {
    const bool header = item.kind == LegendEntry::Kind::kHeader;
    // A header that would be last in its column goes to the next one, with its entries.
    const bool wrap = row >= rows_per_column || (header && row >= rows_per_column - 1);
    if (wrap && row > 0) {
      column_x += column_width + kColumnGap;
      column_width = 0.0;
      row = 0;
    }
    if (header && row > 0) ++row;  // blank line before a new section
    item.x = column_x;
    item.y = top + (static_cast<double>(row) + 0.5) * kRowHeight;
    const double w = header ? text_width(item.text, kFontSize)
                            : kSampleWidth + kSampleGap + text_width(item.text, kFontSize);
    column_width = std::max(column_width, w);
    ++row;
    legend.entries.push_back(std::move(item));
  }
  legend.width = column_x + column_width;
  return legend;
}

struct FullLayout {
  RooflineLayout geometry;
  Categories cats;
  Legend legend;
  DecadeRange range;
};

FullLayout compute_layout(const RooflineChart& chart) {
  FullLayout full;
  full.cats = collect_categories(chart);
  full.range = decade_range(chart);
  RooflineLayout& geo = full.geometry;
  geo.has_data = full.range.has_data;

  const double requested_width = std::max(chart.width, 320);
  geo.height = std::max(chart.height, 240);
  geo.plot_top = chart.title.empty() ? 24.0 : 50.0;
  geo.plot_bottom = static_cast<double>(geo.height) - kBottomMargin;

  double y_label_width = 0.0;
  for (int e = full.range.y_lo; e <= full.range.y_hi; ++e) {
    y_label_width = std::max(y_label_width, text_width(y_tick_label(e), kTickFontSize));
  }
  geo.plot_left = 30.0 + 10.0 + y_label_width;  // rotated axis label, gap, tick labels

  full.legend = layout_legend(chart, full.cats, geo.plot_top, geo.plot_bottom - geo.plot_top);
  const double legend_space = full.legend.width > 0.0 ? kLegendGap + full.legend.width : 0.0;
  const double min_plot_width = std::max(360.0, 0.5 * requested_width);
  const double plot_width =
      std::max(min_plot_width, requested_width - geo.plot_left - legend_space - kRightPad);
  geo.plot_right = geo.plot_left + plot_width;
  geo.width = static_cast<int>(std::ceil(geo.plot_right + legend_space + kRightPad));

  geo.x = LogAxis{decade(full.range.x_lo), decade(full.range.x_hi), geo.plot_left, geo.plot_right};
  geo.y = LogAxis{decade(full.range.y_lo), decade(full.range.y_hi), geo.plot_bottom, geo.plot_top};
  return full;
}

// Marker centred on (0,0): the caller positions it with a translate.
std::string marker_svg(std::size_t shape, const char* colour) {
  const auto filled = [&](const std::string& element) {
    return fmt::format(
        "<{} fill=\"{}\" fill-opacity=\"0.9\" stroke=\"#333\" "
        "stroke-width=\"0.7\"/>",
        element, colour);
  };
  const auto stroked = [&](const char* path) {
    return fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.2\"/>", path,
                       colour);
  };
  const double r = kMarkerRadius;
  switch (shape % kMarkerShapes) {
    case 0:
      return filled(fmt::format("circle r=\"{}\"", num(r)));
    case 1:
      return filled(fmt::format("rect x=\"{0}\" y=\"{0}\" width=\"{1}\" height=\"{1}\"",
                                num(-0.9 * r), num(1.8 * r)));
    case 2:
      return filled("path d=\"M0,-6L5.2,3L-5.2,3Z\"");
    case 3:
      return filled("path d=\"M0,-6.2L6.2,0L0,6.2L-6.2,0Z\"");
    case 4:
      return stroked("M-4.5,-4.5L4.5,4.5M-4.5,4.5L4.5,-4.5");
    case 5:
      return stroked("M-5.5,0H5.5M0,-5.5V5.5");
    case 6:
      return filled("path d=\"M0,6L5.2,-3L-5.2,-3Z\"");
    default:
      return filled("path d=\"M0,-6L5.7,-1.9L3.5,4.9L-3.5,4.9L-5.7,-1.9Z\"");
  }
}

const char* group_colour(std::vector<std::string>& groups, const std::string& group) {
  return kPalette[index_of(groups, group) % kPalette.size()];
}

const char* style_dash(std::vector<std::string>& styles, const std::string& style) {
  return kDashes[index_of(styles, style) % kDashes.size()];
}

std::string dash_attribute(const char* dash) {
  return dash[0] == '\0' ? std::string() : fmt::format(" stroke-dasharray=\"{}\"", dash);
}

// Vertices of min(peak, bandwidth * x) over the x range, cut where the slope enters from below
// the y range; empty when the roof is entirely outside the plot.
std::vector<std::pair<double, double>> roof_vertices(const RooflineRoof& roof, const LogAxis& x,
                                                     const LogAxis& y) {
  std::vector<std::pair<double, double>> vertices;
  if (roof.peak_ops < y.lo) return vertices;
  const double start = std::max(x.lo, y.lo / roof.bandwidth);
  if (!(start < x.hi)) return vertices;
  const double ridge = roof.peak_ops / roof.bandwidth;
  const auto attainable = [&](double oi) { return std::min(roof.peak_ops, roof.bandwidth * oi); };
  vertices.emplace_back(start, attainable(start));
  if (ridge > start && ridge < x.hi) vertices.emplace_back(ridge, roof.peak_ops);
  vertices.emplace_back(x.hi, attainable(x.hi));
  return vertices;
}

}  // namespace

double LogAxis::to_pixel(double value) const {
  const double log_lo = std::log10(lo);
  const double fraction = (std::log10(value) - log_lo) / (std::log10(hi) - log_lo);
  return pixel_lo + fraction * (pixel_hi - pixel_lo);
}

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 forbids most C0 controls even when escaped; drop them.
        if (static_cast<unsigned char>(c) < 0x20U && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

RooflineLayout layout_roofline(const RooflineChart& chart) {
  return compute_layout(chart).geometry;
}

std::string render_roofline_svg(const RooflineChart& chart) {
  FullLayout full = compute_layout(chart);
  const RooflineLayout& geo = full.geometry;
  const DecadeRange& range = full.range;
  Categories& cats = full.cats;
  const double left = geo.plot_left, right = geo.plot_right;
  const double top = geo.plot_top, bottom = geo.plot_bottom;

  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
                 "viewBox=\"0 0 {0} {1}\" font-family=\"Helvetica, Arial, sans-serif\" "
                 "font-size=\"{2}\">\n",
                 geo.width, geo.height, num(kFontSize));
  fmt::format_to(it, "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
  fmt::format_to(it,
                 "<defs><clipPath id=\"qtb-plot-area\"><rect x=\"{}\" y=\"{}\" width=\"{}\" "
                 "height=\"{}\"/></clipPath></defs>\n",
                 num(left), num(top), num(right - left), num(bottom - top));
  if (!chart.title.empty()) {
    fmt::format_to(it,
                   "<text class=\"title\" x=\"{}\" y=\"30\" text-anchor=\"middle\" "
                   "font-size=\"16\" font-weight=\"bold\">{}</text>\n",
                   num(0.5 * (left + right)), xml_escape(chart.title));
  }

  // Grid: decades, plus faint minor lines when a decade is wide enough to hold them.
  out += "<g class=\"grid\" fill=\"none\">\n";
  const auto grid = [&](const LogAxis& axis, int lo, int hi, bool vertical) {
    const double decade_pixels =
        std::abs(axis.pixel_hi - axis.pixel_lo) / static_cast<double>(hi - lo);
    for (int e = lo; e <= hi; ++e) {
      for (int m = 1; m <= 9; ++m) {
        if (e == hi && m > 1) break;
        if (m > 1 && decade_pixels < 60.0) continue;
        const double p = axis.to_pixel(static_cast<double>(m) * decade(e));
        const char* stroke = m == 1 ? "stroke=\"#d0d0d0\"" : "stroke=\"#f0f0f0\"";
        if (vertical) {
          fmt::format_to(it, "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" {3}/>\n", num(p),
                         num(top), num(bottom), stroke);
        } else {
          fmt::format_to(it, "<line x1=\"{1}\" y1=\"{0}\" x2=\"{2}\" y2=\"{0}\" {3}/>\n", num(p),
                         num(left), num(right), stroke);
        }
      }
    }
  };
  grid(geo.x, range.x_lo, range.x_hi, true);
  grid(geo.y, range.y_lo, range.y_hi, false);
  out += "</g>\n";

  // Roofs, clipped to the plot so stroke ends and dashes never spill over the axes.
  out +=
      "<g class=\"roofs\" clip-path=\"url(#qtb-plot-area)\" fill=\"none\" "
      "stroke-width=\"2\" stroke-linejoin=\"round\">\n";
  for (const auto& roof : chart.roofs) {
    if (!valid_roof(roof)) continue;
    const auto vertices = roof_vertices(roof, geo.x, geo.y);
    if (vertices.size() < 2) continue;
    std::string points;
    for (const auto& [vx, vy] : vertices) {
      if (!points.empty()) points += ' ';
      points += num(geo.x.to_pixel(vx)) + ',' + num(geo.y.to_pixel(vy));
    }
    fmt::format_to(
        it,
        "<polyline class=\"roof\" points=\"{}\" stroke=\"{}\"{}><title>{}: peak {}ops/s, "
        "bandwidth {}B/s, ridge {} ops/byte</title></polyline>\n",
        points, group_colour(cats.groups, roof.group),
        dash_attribute(style_dash(cats.styles, roof.style)), xml_escape(roof.label),
        si(roof.peak_ops), si(roof.bandwidth), si(roof.peak_ops / roof.bandwidth));
  }
  out += "</g>\n";

  out += "<g class=\"points\">\n";
  for (const auto& point : chart.points) {
    if (!valid_point(point)) continue;
    const double px = geo.x.to_pixel(point.oi);
    const double py = geo.y.to_pixel(point.ops_per_s);
    fmt::format_to(
        it,
        "<g class=\"point\" transform=\"translate({},{})\"><title>{} ({} ops/byte, "
        "{}ops/s)</title>{}",
        num(px), num(py), xml_escape(point.label), si(point.oi), si(point.ops_per_s),
        marker_svg(index_of(cats.series, point.series), group_colour(cats.groups, point.group)));
    if (chart.show_point_labels) {
      // White halo keeps labels legible where they cross roofs and grid lines.
      fmt::format_to(it,
                     "<text x=\"7\" y=\"-6\" font-size=\"9\" fill=\"#333\" stroke=\"#fff\" "
                     "stroke-width=\"2.5\" paint-order=\"stroke\">{}</text>",
                     xml_escape(point.label));
    }
    out += "</g>\n";
  }
  out += "</g>\n";

  // Frame, ticks and labels on top of the data.
  fmt::format_to(it,
                 "<rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" "
                 "stroke=\"#333\"/>\n",
                 num(left), num(top), num(right - left), num(bottom - top));
  out += "<g class=\"ticks\" font-size=\"11\" fill=\"#333\">\n";
  // Thin labels out when decades get too close to print every one.
  const auto label_step = [](int decades, double pixels, double min_spacing) {
    return std::max(1, static_cast<int>(std::ceil(static_cast<double>(decades) * min_spacing /
                                                  std::max(pixels, 1.0))));
  };
  const int x_step = label_step(range.x_hi - range.x_lo, right - left, 48.0);
  for (int e = range.x_lo; e <= range.x_hi; ++e) {
    const double px = geo.x.to_pixel(decade(e));
    fmt::format_to(it, "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#333\"/>",
                   num(px), num(bottom), num(bottom + 5));
    if ((e - range.x_lo) % x_step == 0) {
      fmt::format_to(it, "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", num(px),
                     num(bottom + 18), x_tick_label(e));
    }
    out += '\n';
  }
  const int y_step = label_step(range.y_hi - range.y_lo, bottom - top, 20.0);
  for (int e = range.y_lo; e <= range.y_hi; ++e) {
    const double py = geo.y.to_pixel(decade(e));
    fmt::format_to(it, "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#333\"/>",
                   num(left - 5), num(py), num(left));
    if ((e - range.y_lo) % y_step == 0) {
      fmt::format_to(it, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", num(left - 8),
                     num(py + 4), xml_escape(y_tick_label(e)));
    }
    out += '\n';
  }
  out += "</g>\n";
  fmt::format_to(it,
                 "<text class=\"x-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" "
                 "font-size=\"13\">{}</text>\n",
                 num(0.5 * (left + right)), num(bottom + 44), xml_escape(chart.x_label));
  fmt::format_to(it,
                 "<text class=\"y-label\" transform=\"translate(20,{}) rotate(-90)\" "
                 "text-anchor=\"middle\" font-size=\"13\">{}</text>\n",
                 num(0.5 * (top + bottom)), xml_escape(chart.y_label));
  if (!geo.has_data) {
    fmt::format_to(it,
                   "<text class=\"no-data\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" "
                   "font-size=\"16\" fill=\"#888\">no data</text>\n",
                   num(0.5 * (left + right)), num(0.5 * (top + bottom)));
  }

  // Legend right of the plot; series samples are neutral grey since colour means group.
  const double legend_left = right + kLegendGap;
  out += "<g class=\"legend\">\n";
  for (const auto& entry : full.legend.entries) {
    const double x0 = legend_left + entry.x;
    const double baseline = entry.y + 4.0;
    const double text_x = x0 + kSampleWidth + kSampleGap;
    switch (entry.kind) {
      case LegendEntry::Kind::kHeader:
        fmt::format_to(it, "<text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>\n", num(x0),
                       num(baseline), xml_escape(entry.text));
        break;
      case LegendEntry::Kind::kRoof: {
        const auto& roof = chart.roofs[entry.index];
        fmt::format_to(it,
                       "<line x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"{3}\" "
                       "stroke-width=\"2\"{4}/><text x=\"{5}\" y=\"{6}\">{7}</text>\n",
                       num(x0), num(x0 + kSampleWidth), num(entry.y),
                       group_colour(cats.groups, roof.group),
                       dash_attribute(style_dash(cats.styles, roof.style)), num(text_x),
                       num(baseline), xml_escape(entry.text));
        break;
      }
      case LegendEntry::Kind::kSeries:
        fmt::format_to(
            it, "<g transform=\"translate({},{})\">{}</g><text x=\"{}\" y=\"{}\">{}</text>\n",
            num(x0 + 0.5 * kSampleWidth), num(entry.y), marker_svg(entry.index, "#888888"),
            num(text_x), num(baseline), xml_escape(entry.text));
        break;
    }
  }
  out += "</g>\n</svg>\n";
  return out;
}

}  // namespace qtb
