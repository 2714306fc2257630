#pragma once
// A dependency-free log-log roofline chart rendered as a standalone SVG document.
// Plain data in, text out, so it does not depend on the rest of the library.
#include <string>
#include <vector>

namespace qtb {

struct RooflineRoof {      // one roof = one (platform, op mode, data type)
  std::string label;       // legend text, e.g. "ZCU104-FINN INT2"
  std::string group;       // colour group (e.g. platform): roofs of a group share a colour
  std::string style;       // dash group (e.g. data type): roofs of a style share a dash pattern
  double peak_ops = 0.0;   // ops/s (flat part)
  double bandwidth = 0.0;  // bytes/s (slope part): attainable = min(peak, bandwidth * oi)
};

struct RooflinePoint {     // one predicted variant on one roof
  std::string label;       // hover tooltip (<title>); also drawn as text when show_point_labels
  std::string group;       // colour group (same palette as roofs)
  std::string series;      // marker shape group, e.g. the topology name
  double oi = 0.0;         // ops/byte (x)
  double ops_per_s = 0.0;  // y
};

struct RooflineChart {
  std::string title;
  std::string x_label = "operational intensity [ops/byte]";
  std::string y_label = "attainable performance [ops/s]";
  std::vector<RooflineRoof> roofs;
  std::vector<RooflinePoint> points;
  bool show_point_labels = false;
  int width = 1100, height = 700;
};

// Maps positive values to pixels on a log10 scale. pixel_lo is where `lo` lands; for a y axis
// pixel_lo > pixel_hi because SVG y grows downward.
struct LogAxis {
  double lo = 1.0, hi = 10.0;  // data range, whole decades
  double pixel_lo = 0.0, pixel_hi = 1.0;
  double to_pixel(double value) const;
};

// The geometry render_roofline_svg uses; exposed so callers and tests can locate things.
struct RooflineLayout {
  int width = 0, height = 0;  // final SVG size; width grows beyond chart.width for long legends
  double plot_left = 0.0, plot_top = 0.0, plot_right = 0.0, plot_bottom = 0.0;
  LogAxis x, y;
  bool has_data = false;  // false when no roof or point had usable values
};

RooflineLayout layout_roofline(const RooflineChart& chart);

// A complete standalone SVG document. Roofs/points with non-positive or non-finite values are
// skipped; an empty chart still renders axes and a "no data" note.
std::string render_roofline_svg(const RooflineChart& chart);

// Escapes &, <, >, ", ' for XML text and attributes; drops control characters XML 1.0 forbids.
std::string xml_escape(const std::string& text);

}  // namespace qtb
