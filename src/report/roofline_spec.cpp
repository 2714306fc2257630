#include "report/roofline_spec.hpp"

#include <algorithm>
#include <cmath>

#include "report/chart_fields.hpp"

namespace qtb {
namespace {

// Whole decades around every point and every ridge, one decade of margin either side.
std::pair<double, double> oi_range(const std::vector<RooflineRoof>& roofs,
                                   const nlohmann::json& points) {
  double lo = INFINITY, hi = 0;
  for (const RooflineRoof& r : roofs) {
    const double ridge = r.peak_ops / r.bandwidth;
    lo = std::min(lo, ridge);
    hi = std::max(hi, ridge);
  }
  for (const auto& p : points) {
    lo = std::min(lo, p["oi"].get<double>());
    hi = std::max(hi, p["oi"].get<double>());
  }
  return {std::pow(10.0, std::floor(std::log10(lo)) - 1),
          std::pow(10.0, std::ceil(std::log10(hi)) + 1)};
}

void add_roof_line(nlohmann::json& values, const RooflineRoof& r, double lo, double hi) {
  const double ridge = r.peak_ops / r.bandwidth;
  std::vector<double> xs{lo};
  if (ridge > lo && ridge < hi) xs.push_back(ridge);
  xs.push_back(hi);
  for (const double oi : xs) {
    values.push_back({{"kind", "roof"},
                      {"platform", r.platform},
                      {"roof", r.label},
                      {"oi", oi},
                      {"gops", std::min(r.peak_ops, r.bandwidth * oi) / 1e9}});
  }
}

nlohmann::json only(const char* kind) {
  return {{{"filter", std::string("datum.kind === '") + kind + "'"}}};
}

}  // namespace

nlohmann::json roofline_spec(const std::string& title, const std::vector<RooflineRoof>& roofs,
                             nlohmann::json points, const RooflinePointMarks& marks,
                             RooflineSize size) {
  const auto [lo, hi] = oi_range(roofs, points);
  nlohmann::json values = nlohmann::json::array();
  for (const RooflineRoof& r : roofs) add_roof_line(values, r, lo, hi);
  for (auto& p : points) {
    p["kind"] = "point";
    values.push_back(std::move(p));
  }
  nlohmann::json spec = vega_lite_base(title, std::move(values), size.width, size.height);
  spec["encoding"] = {{"x",
                       {{"field", "oi"},
                        {"type", "quantitative"},
                        {"scale", {{"type", "log"}}},
                        {"title", "operational intensity [ops/byte] (cost model)"}}},
                      {"y",
                       {{"field", "gops"},
                        {"type", "quantitative"},
                        {"scale", {{"type", "log"}}},
                        {"title", "performance [GOP/s]"}}}};
  nlohmann::json roof_lines{{"transform", only("roof")},
                            {"mark", {{"type", "line"}, {"strokeWidth", 1.5}}},
                            {"encoding",
                             {{"color",
                               {{"field", "roof"},
                                {"type", "nominal"},
                                {"title", "roof (op mode, type)"},
                                {"scale", {{"scheme", "tableau20"}}}}},
                              {"order", {{"field", "oi"}, {"type", "quantitative"}}},
                              {"tooltip", {tip("roof", "roof")}}}}};
  nlohmann::json symbols{
      {"transform", only("point")},
      {"mark", {{"type", "point"}, {"filled", true}, {"size", 45}, {"opacity", 0.75}}},
      {"encoding", {{"color", marks.color}, {"shape", marks.shape}, {"tooltip", marks.tooltip}}}};
  spec["layer"] = {roof_lines, symbols};
  if (marks.text_labels) {
    spec["layer"].push_back(
        {{"transform", only("point")},
         {"mark",
          {{"type", "text"}, {"align", "left"}, {"dx", 6}, {"fontSize", 9}, {"color", "#333"}}},
         {"encoding", {{"text", {{"field", "label"}}}}}});
  }
  spec["resolve"] = {{"scale", {{"color", "independent"}}}};
  return spec;
}

}  // namespace qtb
