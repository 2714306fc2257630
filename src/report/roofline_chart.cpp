#include "report/roofline_chart.hpp"

#include <fmt/format.h>

#include <set>
#include <tuple>

#include "core/text.hpp"
#include "report/chart_fields.hpp"
#include "report/roofline_spec.hpp"

namespace qtb {
namespace {

// The platform's name, and the op mode's where it has several: "TX2 maxn", "U96-A53".
std::string platform_and_mode(const Platform& platform, const std::string& mode) {
  return platform.op_modes.size() > 1 ? platform.name + " " + mode : platform.name;
}

RooflinePointMarks prediction_marks(bool text_labels) {
  RooflinePointMarks marks;
  marks.color = {{"field", "platform"}, {"type", "nominal"}, {"title", "platform"}};
  marks.shape = {{"field", "model"}, {"type", "nominal"}, {"title", "topology"}};
  marks.tooltip = {tip("label", "prediction"),
                   tip("fps", "predicted fps", true),
                   tip("gops", "attainable GOP/s", true),
                   tip("oi", "OI [ops/byte]", true),
                   tip("bound", "roofline bound"),
                   tip("runs_in", "runs in"),
                   tip("storage", "storage")};
  marks.text_labels = text_labels;
  return marks;
}

}  // namespace

L0RooflineChart l0_roofline_chart(const std::vector<VariantAnalysis>& variants,
                                  const std::vector<const Platform*>& platforms,
                                  const StorageModel& storage, bool text_labels) {
  std::set<std::tuple<std::string, std::string, DataType>> roofs_in_use;
  std::set<std::string> platforms_in_use;
  nlohmann::json points = nlohmann::json::array();
  for (const VariantAnalysis& v : variants) {
    for (const Prediction& p : v.predictions) {
      if (!p.supported) continue;
      roofs_in_use.insert({p.platform, p.op_mode, *p.carrier});
      platforms_in_use.insert(p.platform);
      std::string where = p.platform;
      for (const Platform* platform : platforms)
        if (platform->name == p.platform) where = platform_and_mode(*platform, p.op_mode);
      std::string label = fmt::format("{} s={} {} on {}", v.model, format_number(v.prune),
                                      v.cost.precision.name(), where);
      if (!p.backend.empty()) label += " (" + p.backend + ")";
      points.push_back({{"label", std::move(label)},
                        {"platform", p.platform},
                        {"op_mode", p.op_mode},
                        {"model", v.model},
                        {"oi", p.oi},
                        {"gops", p.attainable_ops / 1e9},
                        {"fps", p.fps},
                        {"bound", std::string(to_string(p.bound))},
                        {"runs_in", std::string(to_string(*p.carrier))},
                        {"storage", p.storage}});
    }
  }
  std::vector<RooflineRoof> roofs;
  for (const Platform* platform : platforms) {
    for (const OpMode& mode : platform->op_modes) {
      for (const auto& [type, peak] : mode.peak_ops) {
        if (!roofs_in_use.contains({platform->name, mode.name, type})) continue;
        roofs.push_back(
            {fmt::format("{} {}", platform_and_mode(*platform, mode.name), to_string(type)),
             platform->name, peak, platform->memory_bandwidth});
      }
    }
  }

  L0RooflineChart result;
  result.roofs = roofs.size();
  result.points = points.size();
  ReportChart& chart = result.chart;
  chart.id = "roofline-l0";
  chart.section = "roofline";
  chart.title = "Roofline (L0 predictions; storage model: " + storage.id() + ")";
  chart.note = fmt::format(
      "{} predictions on {} platforms, each at the OI its variant has in the type it runs in "
      "and at its attainable performance min(peak, bandwidth x OI). Storage model: {}.",
      result.points, platforms_in_use.size(), storage.description());
  if (result.points > 0)
    chart.spec = roofline_spec(chart.title, roofs, std::move(points), prediction_marks(text_labels),
                               {900, 560});
  return result;
}

}  // namespace qtb
