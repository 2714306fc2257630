#pragma once
// The one roofline chart of the code base, shared by the report's rooflines with measured points
// and `qutibench roofline`'s L0 predictions: log-log axes (OI in ops/byte, performance in GOP/s),
// each roof a line min(peak, bandwidth x OI) coloured by its label, each point a symbol whose
// colour, shape and tooltip the caller chooses, optionally labelled with a text mark.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace qtb {

struct RooflineRoof {
  std::string label;       // legend text: "maxn FP16" in a one-platform chart, "TX2 maxn FP16"
  std::string platform;    // for the page's platform filter
  double peak_ops = 0.0;   // ops/s, the flat part
  double bandwidth = 0.0;  // bytes/s, the slope
};

// How the points are drawn: Vega-Lite channel definitions over the points' own fields.
struct RooflinePointMarks {
  nlohmann::json color, shape;
  nlohmann::json tooltip = nlohmann::json::array();
  bool text_labels = false;  // draw each point's "label" field beside it
};

struct RooflineSize {
  int width = 400, height = 280;
};

// `points`: objects with at least "oi" (ops/byte) and "gops" (GOP/s); they are marked
// kind = "point" and the roofs' datums kind = "roof" (oi, gops, roof, platform), drawn over whole
// decades reaching one decade beyond every point and every ridge (peak / bandwidth).
nlohmann::json roofline_spec(const std::string& title, const std::vector<RooflineRoof>& roofs,
                             nlohmann::json points, const RooflinePointMarks& marks,
                             RooflineSize size = {});

}  // namespace qtb
