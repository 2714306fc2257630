#include "report/roofline_report_charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "analytics/catalog_prediction.hpp"
#include "report/chart_fields.hpp"
#include "report/chart_sample.hpp"

namespace qtb {
namespace {

struct Roof {
  std::string label;  // "maxn FP16", or "FP32" on a single-mode platform
  double peak_ops = 0, bandwidth = 0;
};

std::vector<Roof> roofs_of(const Platform& platform) {
  std::vector<Roof> roofs;
  for (const OpMode& mode : platform.op_modes) {
    for (const auto& [type, peak] : mode.peak_ops) {
      const std::string name(to_string(type));
      roofs.push_back({platform.op_modes.size() == 1 ? name : mode.name + " " + name, peak,
                       platform.memory_bandwidth});
    }
  }
  return roofs;
}

// Whole decades around every point and every ridge, one decade of margin either side.
std::pair<double, double> oi_range(const std::vector<Roof>& roofs, const nlohmann::json& points) {
  double lo = INFINITY, hi = 0;
  for (const Roof& r : roofs) {
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

void add_roof_line(nlohmann::json& values, const Roof& r, double lo, double hi,
                   const std::string& platform) {
  const double ridge = r.peak_ops / r.bandwidth;
  std::vector<double> xs{lo};
  if (ridge > lo && ridge < hi) xs.push_back(ridge);
  xs.push_back(hi);
  for (const double oi : xs) {
    values.push_back({{"kind", "roof"},
                      {"platform", platform},
                      {"roof", r.label},
                      {"oi", oi},
                      {"gops", std::min(r.peak_ops, r.bandwidth * oi) / 1e9}});
  }
}

nlohmann::json roofline_spec(const std::string& title, nlohmann::json values) {
  nlohmann::json spec = vega_lite_base(title, std::move(values), 400, 280);
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
  nlohmann::json roofs{
      {"transform", {{{"filter", "datum.kind === 'roof'"}}}},
      {"mark", {{"type", "line"}, {"strokeWidth", 1.5}}},
      {"encoding",
       {{"color", {{"field", "roof"}, {"type", "nominal"}, {"title", "roof (op mode, type)"}}},
        {"order", {{"field", "oi"}, {"type", "quantitative"}}},
        {"tooltip", {tip("roof", "roof")}}}}};
  nlohmann::json points{
      {"transform", {{{"filter", "datum.kind === 'point'"}}}},
      {"mark", {{"type", "point"}, {"filled", true}, {"size", 45}, {"opacity", 0.75}}},
      {"encoding",
       {{"color",
         {{"field", "precision"},
          {"type", "nominal"},
          {"title", "precision"},
          {"scale", {{"scheme", "dark2"}}}}},
        {"shape", source_shape()},
        {"tooltip",
         {tip("variant", "variant"), tip("deployment", "deployment point"), tip("source", "source"),
          tip("gops", "measured GOP/s", true), tip("fps", "measured fps", true),
          tip("oi", "OI [ops/byte]", true), tip("runs_in", "runs in"), tip("storage", "storage"),
          tip("bound", "roofline bound"),
          tip("predicted_fps", "predicted fps (L0, this batch)", true)}}}}};
  spec["layer"] = {roofs, points};
  spec["resolve"] = {{"scale", {{"color", "independent"}}}};
  return spec;
}

}  // namespace

std::vector<ReportChart> roofline_report_charts(std::span<const ResultRow> rows,
                                                std::span<const Platform> catalog) {
  analytics::CatalogPredictor predictor(catalog);
  struct Placed {
    // The row and its prediction (owned by the predictor), in row order.
    std::vector<std::pair<const ResultRow*, const analytics::CatalogPrediction*>> points;
    std::map<std::string, int> unplaced;  // reason -> rows
  };
  std::map<std::string, Placed> by_platform;
  for (const ResultRow& row : rows) {
    if (!analytics::is_measurement(row)) continue;
    Placed& placed = by_platform[row.platform];
    if (!analytics::fps_of(row)) {
      ++placed.unplaced["no fps"];
      continue;
    }
    const analytics::CatalogPrediction& p = predictor.predict_row(row, row.batch);
    if (!p.fps) {
      ++placed.unplaced[p.reason];
      continue;
    }
    placed.points.emplace_back(&row, &p);
  }
  std::vector<ReportChart> charts;
  for (auto& [name, placed] : by_platform) {
    const Platform* platform = predictor.find_platform(name);
    if (!platform || placed.points.empty()) continue;  // nothing to draw against a roof
    const std::size_t stride = sample_stride(placed.points.size(), kMaxChartPoints);
    nlohmann::json points = nlohmann::json::array();
    for (std::size_t i = 0; i < placed.points.size(); i += stride) {
      const auto& [row, p] = placed.points[i];
      const double fps = *analytics::fps_of(*row);
      nlohmann::json d = point_identity(*row);
      d["kind"] = "point";
      d["oi"] = p->prediction.oi;
      d["gops"] = fps * static_cast<double>(p->ops) / 1e9;
      d["fps"] = fps;
      d["runs_in"] = std::string(to_string(*p->prediction.carrier));
      d["storage"] = p->prediction.storage;
      d["bound"] = std::string(to_string(p->prediction.bound));
      d["predicted_fps"] = *p->fps;
      points.push_back(std::move(d));
    }
    const std::vector<Roof> roofs = roofs_of(*platform);
    const auto [lo, hi] = oi_range(roofs, points);
    nlohmann::json values = nlohmann::json::array();
    for (const Roof& r : roofs) add_roof_line(values, r, lo, hi, platform->name);
    for (auto& p : points) values.push_back(std::move(p));
    ReportChart chart;
    chart.id = slug("roofline " + platform->name);
    chart.section = "roofline";
    chart.title = fmt::format("{}: roofline and measured points", platform->name);
    chart.note = fmt::format(
        "Roofs from the catalog ({}, {:.3g} GB/s). {} measured points at the cost model's OI "
        "(weights off chip, read once per batch) and measured fps x ops per input.",
        platform->source, platform->memory_bandwidth / 1e9, placed.points.size());
    chart.note += sample_note(placed.points.size(), stride, "measured points");
    for (const auto& [reason, n] : placed.unplaced)
      chart.note += fmt::format(" {} rows not placed: {}.", n, reason);
    chart.spec = roofline_spec(chart.title, std::move(values));
    charts.push_back(std::move(chart));
  }
  return charts;
}

}  // namespace qtb
