#include "report/roofline_svg.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace qtb {
namespace {

// Minimal well-formedness check that needs no tools: every start tag has its matching end tag.
bool tags_balanced(const std::string& svg, std::string* error) {
  std::vector<std::string> stack;
  std::size_t pos = 0;
  while ((pos = svg.find('<', pos)) != std::string::npos) {
    const std::size_t end = svg.find('>', pos);
    if (end == std::string::npos) {
      *error = "unterminated tag";
      return false;
    }
    const std::string tag = svg.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    if (tag.empty()) {
      *error = "empty tag";
      return false;
    }
    if (tag.front() == '?' || tag.front() == '!') continue;
    if (tag.back() == '/') continue;
    std::size_t name_end = 0;
    while (name_end < tag.size() && !std::isspace(static_cast<unsigned char>(tag[name_end])))
      ++name_end;
    const std::string name = tag.substr(0, name_end);
    if (name.front() == '/') {
      if (stack.empty() || stack.back() != name.substr(1)) {
        *error = "unexpected </" + name.substr(1) + ">";
        return false;
      }
      stack.pop_back();
    } else {
      stack.push_back(name);
    }
  }
  if (!stack.empty()) *error = "unclosed <" + stack.back() + ">";
  return stack.empty();
}

bool have_xmllint() {
  return std::system("command -v xmllint >/dev/null 2>&1") == 0;
}

// Returns xmllint's exit status for the document (0 = well-formed).
int xmllint_status(const std::string& svg) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("qtb_roofline_" + std::to_string(::getpid()) + ".svg");
  {
    std::ofstream file(path);
    file << svg;
  }
  const int status = std::system(("xmllint --noout '" + path.string() + "'").c_str());
  std::filesystem::remove(path);
  return status;
}

struct Vertex {
  double x, y;
};

std::vector<std::vector<Vertex>> roof_polylines(const std::string& svg) {
  std::vector<std::vector<Vertex>> lines;
  const std::regex polyline(R"re(<polyline class="roof" points="([^"]*)")re");
  const std::regex pair(R"re((-?[0-9.]+),(-?[0-9.]+))re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), polyline);
       it != std::sregex_iterator(); ++it) {
    const std::string points = (*it)[1];
    std::vector<Vertex> line;
    for (auto p = std::sregex_iterator(points.begin(), points.end(), pair);
         p != std::sregex_iterator(); ++p) {
      line.push_back({std::stod((*p)[1]), std::stod((*p)[2])});
    }
    lines.push_back(line);
  }
  return lines;
}

// Centre of the point marker whose tooltip starts with `label`.
bool point_position(const std::string& svg, const std::string& label, Vertex* out) {
  const std::regex point(
      R"re(<g class="point" transform="translate\((-?[0-9.]+),(-?[0-9.]+)\)"><title>([^<]*)</title>)re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), point); it != std::sregex_iterator();
       ++it) {
    if (std::string((*it)[3]).rfind(label, 0) == 0) {
      *out = {std::stod((*it)[1]), std::stod((*it)[2])};
      return true;
    }
  }
  return false;
}

std::string legend_section(const std::string& svg) {
  const auto begin = svg.find("<g class=\"legend\">");
  if (begin == std::string::npos) return {};
  return svg.substr(begin, svg.find("</g>\n</svg>", begin) - begin);
}

bool is_decade(double value) {
  const double e = std::log10(value);
  return std::abs(e - std::round(e)) < 1e-12;
}

RooflineChart single_roof_chart() {
  RooflineChart chart;
  chart.title = "single roof";
  chart.roofs.push_back({"roof A", "platform", "INT8", 1e12, 1e10});  // ridge at OI 100
  chart.points.push_back({"p10", "platform", "cnv", 10.0, 1e11});     // on the slope
  return chart;
}

RooflineChart realistic_chart() {
  RooflineChart chart;
  chart.title = "Roofline <sample> & \"quotes\"";
  const std::vector<std::string> groups = {"ZCU104-FINN", "U96-FINN", "TX2-TensorRT", "NCS2",
                                           "A53-Tensorflow"};
  const std::vector<std::string> styles = {"INT2", "INT8", "FP16"};
  for (std::size_t i = 0; i < 12; ++i) {
    const auto& group = groups[i % groups.size()];
    const auto& style = styles[i % styles.size()];
    const double peak = 2e10 * std::pow(3.0, static_cast<double>(i));
    const double bandwidth = 2e9 * std::pow(1.6, static_cast<double>(i % 5));
    chart.roofs.push_back({group + " " + style, group, style, peak, bandwidth});
  }
  const std::vector<std::string> series = {"cnv", "mlp", "resnet50", "mobilenet"};
  for (std::size_t i = 0; i < 40; ++i) {
    const auto& roof = chart.roofs[i % chart.roofs.size()];
    const double oi = 0.5 * std::pow(2.0, static_cast<double>(i % 11));
    const double attainable = std::min(roof.peak_ops, roof.bandwidth * oi);
    chart.points.push_back({series[i % series.size()] + " s=0.5 W2A2 #" + std::to_string(i),
                            roof.group, series[i % series.size()], oi,
                            attainable * (0.3 + 0.05 * static_cast<double>(i % 10))});
  }
  return chart;
}

TEST(RooflineSvg, IsWellFormedXml) {
  for (const RooflineChart& chart : {single_roof_chart(), realistic_chart(), RooflineChart{}}) {
    const std::string svg = render_roofline_svg(chart);
    std::string error;
    EXPECT_TRUE(tags_balanced(svg, &error)) << error;
    EXPECT_EQ(svg.rfind("<?xml", 0), 0U);
    EXPECT_NE(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  }
}

TEST(RooflineSvg, XmllintAcceptsOutput) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint not installed";
  RooflineChart chart = realistic_chart();
  chart.show_point_labels = true;
  chart.roofs.push_back({"a<b & c 'x' \"y\" \x01", "g<>", "s&", 1e12, 1e10});
  for (const RooflineChart& c : {chart, single_roof_chart(), RooflineChart{}}) {
    EXPECT_EQ(xmllint_status(render_roofline_svg(c)), 0);
  }
}

TEST(RooflineSvg, RidgeVertexAndPointMatchAxisMapping) {
  const RooflineChart chart = single_roof_chart();
  const RooflineLayout layout = layout_roofline(chart);
  const std::string svg = render_roofline_svg(chart);

  // Independent log mapping from the layout's plot rectangle and decade range.
  const auto x_pixel = [&](double v) {
    return layout.plot_left + (std::log10(v) - std::log10(layout.x.lo)) /
                                  (std::log10(layout.x.hi) - std::log10(layout.x.lo)) *
                                  (layout.plot_right - layout.plot_left);
  };
  const auto y_pixel = [&](double v) {
    return layout.plot_bottom - (std::log10(v) - std::log10(layout.y.lo)) /
                                    (std::log10(layout.y.hi) - std::log10(layout.y.lo)) *
                                    (layout.plot_bottom - layout.plot_top);
  };
  EXPECT_NEAR(layout.x.to_pixel(100.0), x_pixel(100.0), 1e-9);
  EXPECT_NEAR(layout.y.to_pixel(1e12), y_pixel(1e12), 1e-9);

  const auto lines = roof_polylines(svg);
  ASSERT_EQ(lines.size(), 1U);
  const auto& line = lines[0];
  ASSERT_EQ(line.size(), 3U);  // left edge, ridge, right edge
  EXPECT_NEAR(line[1].x, x_pixel(100.0), 0.006);
  EXPECT_NEAR(line[1].y, y_pixel(1e12), 0.006);
  // Flat part ends at the right edge at peak height.
  EXPECT_NEAR(line[2].x, layout.plot_right, 0.006);
  EXPECT_NEAR(line[2].y, y_pixel(1e12), 0.006);
  // The slope starts on the plot boundary: left edge or bottom edge.
  const bool on_left = std::abs(line[0].x - layout.plot_left) < 0.006;
  const bool on_bottom = std::abs(line[0].y - layout.plot_bottom) < 0.006;
  EXPECT_TRUE(on_left || on_bottom);
  if (on_left) {
    EXPECT_NEAR(line[0].y, y_pixel(1e10 * layout.x.lo), 0.006);
  }

  Vertex point{};
  ASSERT_TRUE(point_position(svg, "p10", &point));
  EXPECT_NEAR(point.x, x_pixel(10.0), 0.006);
  EXPECT_NEAR(point.y, y_pixel(1e11), 0.006);
  // The point also lies on the drawn slope (straight in log-log space).
  const double t = (point.x - line[0].x) / (line[1].x - line[0].x);
  EXPECT_NEAR(point.y, line[0].y + t * (line[1].y - line[0].y), 0.02);
}

TEST(RooflineSvg, RangesSnapToDecadesAndCoverData) {
  RooflineChart chart;
  chart.roofs.push_back({"r1", "g1", "s1", 3e11, 7e9});       // ridge ~42.9
  chart.roofs.push_back({"r2", "g2", "s1", 4.5e13, 1.9e10});  // ridge ~2368
  chart.roofs.push_back({"r3", "g3", "s2", 8e9, 2.5e10});     // ridge 0.32
  chart.points.push_back({"p1", "g1", "a", 0.07, 2e8});
  chart.points.push_back({"p2", "g2", "b", 5000.0, 4.4e13});
  const RooflineLayout layout = layout_roofline(chart);
  EXPECT_TRUE(layout.has_data);
  EXPECT_TRUE(is_decade(layout.x.lo));
  EXPECT_TRUE(is_decade(layout.x.hi));
  EXPECT_TRUE(is_decade(layout.y.lo));
  EXPECT_TRUE(is_decade(layout.y.hi));
  for (const auto& roof : chart.roofs) {
    const double ridge = roof.peak_ops / roof.bandwidth;
    EXPECT_LT(layout.x.lo, ridge);
    EXPECT_GT(layout.x.hi, ridge);
    EXPECT_LT(layout.y.lo, roof.peak_ops);
    EXPECT_GT(layout.y.hi, roof.peak_ops);
  }
  for (const auto& point : chart.points) {
    EXPECT_LT(layout.x.lo, point.oi);
    EXPECT_GT(layout.x.hi, point.oi);
    EXPECT_LT(layout.y.lo, point.ops_per_s);
    EXPECT_GT(layout.y.hi, point.ops_per_s);
  }
  // Snapping outward keeps the range tight: no more than a decade plus margin beyond the data.
  EXPECT_GE(layout.x.lo, 0.001);
  EXPECT_LE(layout.x.hi, 1e5);
  EXPECT_GE(layout.y.lo, 1e7);
  EXPECT_LE(layout.y.hi, 1e15);

  const std::string svg = render_roofline_svg(chart);
  // Decade tick labels: plain numbers on x, SI prefixes on y.
  for (const char* label : {">0.1<", ">1<", ">10<", ">100<", ">1000<", ">1 G<", ">10 T<"}) {
    EXPECT_NE(svg.find(label), std::string::npos) << label;
  }
}

TEST(RooflineSvg, LegendListsRoofsAndSeriesAndEscapes) {
  RooflineChart chart = realistic_chart();
  chart.roofs.push_back({"a<b & c", "weird", "INT4", 1e12, 1e10});
  chart.points.push_back({"it's \"quoted\"", "weird", "x>y", 10.0, 1e11});
  const std::string svg = render_roofline_svg(chart);
  const std::string legend = legend_section(svg);
  ASSERT_FALSE(legend.empty());
  for (const auto& roof : chart.roofs) {
    EXPECT_NE(legend.find(">" + xml_escape(roof.label) + "<"), std::string::npos) << roof.label;
  }
  for (const char* series : {"cnv", "mlp", "resnet50", "mobilenet", "x&gt;y"}) {
    EXPECT_NE(legend.find(std::string(">") + series + "<"), std::string::npos) << series;
  }
  EXPECT_NE(legend.find(">a&lt;b &amp; c<"), std::string::npos);
  EXPECT_EQ(svg.find("a<b & c"), std::string::npos);
  EXPECT_NE(svg.find("<title>it&apos;s &quot;quoted&quot; ("), std::string::npos);
  EXPECT_NE(svg.find("Roofline &lt;sample&gt; &amp; &quot;quotes&quot;"), std::string::npos);
  EXPECT_EQ(xml_escape("<&>\"'"), "&lt;&amp;&gt;&quot;&apos;");
}

TEST(RooflineSvg, LegendStaysRightOfPlotAndGrowsWidth) {
  RooflineChart chart = realistic_chart();
  chart.roofs.clear();
  EXPECT_EQ(layout_roofline(chart).width, chart.width);  // a short legend fits as requested
  for (int i = 0; i < 40; ++i) {
    chart.roofs.push_back({"Platform-with-a-rather-long-name-" + std::to_string(i) + " INT8 W2A2",
                           "p" + std::to_string(i % 8), "s" + std::to_string(i % 3), 1e11 * (i + 1),
                           1e10});
  }
  const RooflineLayout layout = layout_roofline(chart);
  EXPECT_GT(layout.width, chart.width);  // 40 long labels need two wide columns
  const std::string svg = render_roofline_svg(chart);
  EXPECT_NE(svg.find("width=\"" + std::to_string(layout.width) + "\""), std::string::npos);
  const std::string legend = legend_section(svg);
  const std::regex x_attr(R"re(<(?:text|line) x1?="([0-9.]+)")re");
  int checked = 0;
  for (auto it = std::sregex_iterator(legend.begin(), legend.end(), x_attr);
       it != std::sregex_iterator(); ++it, ++checked) {
    const double x = std::stod((*it)[1]);
    EXPECT_GT(x, layout.plot_right);
    EXPECT_LT(x, layout.width);
  }
  EXPECT_GE(checked, 40);
  const std::regex y_attr(R"re( y1?="([0-9.]+)")re");
  for (auto it = std::sregex_iterator(legend.begin(), legend.end(), y_attr);
       it != std::sregex_iterator(); ++it) {
    EXPECT_LE(std::stod((*it)[1]), layout.plot_bottom + 4.0);
  }
}

TEST(RooflineSvg, SkipsInvalidValues) {
  const double nan = std::nan("");
  const double inf = HUGE_VAL;
  RooflineChart chart;
  chart.roofs.push_back({"good roof", "g", "s", 1e12, 1e10});
  chart.roofs.push_back({"bad nan", "g", "s", nan, 1e10});
  chart.roofs.push_back({"bad inf", "g", "s", 1e12, inf});
  chart.roofs.push_back({"bad zero", "g", "s", 0.0, 1e10});
  chart.roofs.push_back({"bad neg", "g", "s", 1e12, -1.0});
  chart.roofs.push_back({"bad ridge", "g", "s", 1e300, 1e-300});  // peak/bandwidth overflows
  chart.points.push_back({"good point", "g", "a", 10.0, 1e11});
  chart.points.push_back({"bad p1", "g", "a", nan, 1e11});
  chart.points.push_back({"bad p2", "g", "a", 10.0, -inf});
  chart.points.push_back({"bad p3", "g", "a", 0.0, 1e11});
  const std::string svg = render_roofline_svg(chart);
  std::string lower = svg;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  EXPECT_EQ(lower.find("nan"), std::string::npos);
  EXPECT_EQ(lower.find("inf"), std::string::npos);
  EXPECT_EQ(svg.find("bad"), std::string::npos);
  EXPECT_NE(svg.find("good roof"), std::string::npos);
  EXPECT_NE(svg.find("good point"), std::string::npos);
  EXPECT_EQ(roof_polylines(svg).size(), 1U);
  // Extreme but valid values must not overflow the range computation.
  RooflineChart extreme;
  extreme.points.push_back({"huge", "g", "a", 1e305, 1e307});
  extreme.points.push_back({"tiny", "g", "a", 1e-305, 1e-307});
  const std::string extreme_svg = render_roofline_svg(extreme);
  EXPECT_EQ(extreme_svg.find("nan"), std::string::npos);
  EXPECT_EQ(extreme_svg.find("inf"), std::string::npos);
}

TEST(RooflineSvg, EmptyChartRendersAxesAndNote) {
  RooflineChart chart;
  chart.roofs.push_back({"only invalid", "g", "s", -1.0, 1.0});
  for (const RooflineChart& c : {RooflineChart{}, chart}) {
    const std::string svg = render_roofline_svg(c);
    EXPECT_FALSE(layout_roofline(c).has_data);
    EXPECT_NE(svg.find(">no data<"), std::string::npos);
    EXPECT_NE(svg.find("class=\"frame\""), std::string::npos);
    EXPECT_NE(svg.find(">operational intensity [ops/byte]<"), std::string::npos);
    EXPECT_NE(svg.find(">attainable performance [ops/s]<"), std::string::npos);
    std::string error;
    EXPECT_TRUE(tags_balanced(svg, &error)) << error;
  }
}

TEST(RooflineSvg, NumbersHaveLimitedPrecision) {
  const std::string svg = render_roofline_svg(realistic_chart());
  EXPECT_FALSE(std::regex_search(svg, std::regex(R"([0-9]\.[0-9]{3,})")));
}

TEST(RooflineSvg, MarkersDifferBySeriesAndColoursByGroup) {
  RooflineChart chart;
  chart.roofs.push_back({"r1", "g1", "s", 1e12, 1e10});
  chart.roofs.push_back({"r2", "g2", "s", 1e13, 1e10});
  chart.points.push_back({"p1", "g1", "circle-ish", 10.0, 1e11});
  chart.points.push_back({"p2", "g2", "square-ish", 10.0, 1e11});
  const std::string svg = render_roofline_svg(chart);
  const std::regex point(
      R"re(<g class="point"[^>]*><title>[^<]*</title><(\w+)[^>]*fill="(#[0-9a-f]{6})")re");
  std::vector<std::string> shapes, fills;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), point); it != std::sregex_iterator();
       ++it) {
    shapes.push_back((*it)[1]);
    fills.push_back((*it)[2]);
  }
  ASSERT_EQ(shapes.size(), 2U);
  EXPECT_NE(shapes[0], shapes[1]);
  EXPECT_NE(fills[0], fills[1]);
  // A point shares its roof's colour.
  const std::regex roof_stroke(
      R"re(<polyline class="roof" points="[^"]*" stroke="(#[0-9a-f]{6})")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, roof_stroke));
  EXPECT_EQ(m[1], fills[0]);
}

}  // namespace
}  // namespace qtb
