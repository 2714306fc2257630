#include "report/roofline_report_charts.hpp"

#include <fmt/format.h>

#include <map>

#include "analytics/catalog_prediction.hpp"
#include "report/chart_fields.hpp"
#include "report/chart_sample.hpp"
#include "report/roofline_spec.hpp"

namespace qtb {
namespace {

// One roof per op mode and data type: "maxn FP16", or "FP32" on a single-mode platform.
std::vector<RooflineRoof> roofs_of(const Platform& platform) {
  std::vector<RooflineRoof> roofs;
  for (const OpMode& mode : platform.op_modes) {
    for (const auto& [type, peak] : mode.peak_ops) {
      const std::string name(to_string(type));
      roofs.push_back({platform.op_modes.size() == 1 ? name : mode.name + " " + name, platform.name,
                       peak, platform.memory_bandwidth});
    }
  }
  return roofs;
}

RooflinePointMarks measured_point_marks() {
  RooflinePointMarks marks;
  marks.color = {{"field", "precision"},
                 {"type", "nominal"},
                 {"title", "precision"},
                 {"scale", {{"scheme", "dark2"}}}};
  marks.shape = source_shape();
  marks.tooltip = {tip("variant", "variant"),
                   tip("deployment", "deployment point"),
                   tip("source", "source"),
                   tip("gops", "measured GOP/s", true),
                   tip("fps", "measured fps", true),
                   tip("oi", "OI [ops/byte]", true),
                   tip("runs_in", "runs in"),
                   tip("storage", "storage"),
                   tip("bound", "roofline bound"),
                   tip("predicted_fps", "predicted fps (L0, this batch)", true)};
  return marks;
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
      d["oi"] = p->prediction.oi;
      d["gops"] = fps * static_cast<double>(p->ops) / 1e9;
      d["fps"] = fps;
      d["runs_in"] = std::string(to_string(*p->prediction.carrier));
      d["storage"] = p->prediction.storage;
      d["bound"] = std::string(to_string(p->prediction.bound));
      d["predicted_fps"] = *p->fps;
      points.push_back(std::move(d));
    }
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
    chart.spec =
        roofline_spec(chart.title, roofs_of(*platform), std::move(points), measured_point_marks());
    charts.push_back(std::move(chart));
  }
  return charts;
}

}  // namespace qtb
