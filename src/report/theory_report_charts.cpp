#include "report/theory_report_charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "report/chart_fields.hpp"
#include "report/chart_sample.hpp"

namespace qtb {

ReportChart theory_report_chart(std::span<const ResultRow> rows,
                                const analytics::PredictionError& error) {
  std::map<std::string, std::string> task_of;  // topology -> task, for the page's task filter
  for (const ResultRow& row : rows) task_of.try_emplace(row.topology, row.dataset);
  // Beyond kMaxChartPoints, an even sample within each (platform, source), so every box keeps
  // points of its own.
  struct Group {
    std::size_t size = 0, seen = 0;
  };
  std::map<std::tuple<std::string, std::string>, Group, std::less<>> groups;
  for (const analytics::PredictionPoint& p : error.points)
    ++analytics::find_or_add(groups, std::tie(p.platform(), p.source())).size;
  const std::size_t budget = kMaxChartPoints / std::max<std::size_t>(groups.size(), 1);
  std::size_t drawn = 0;
  nlohmann::json values = nlohmann::json::array();
  for (const analytics::PredictionPoint& p : error.points) {
    Group& group = groups.find(std::tie(p.platform(), p.source()))->second;
    if (group.seen++ % sample_stride(group.size, budget) != 0) continue;
    ++drawn;
    values.push_back({{"source", p.source()},
                      {"task", task_of[p.topology()]},
                      {"platform", p.platform()},
                      {"group", fmt::format("{} ({})", p.platform(), p.source())},
                      {"variant", variant_name(p.topology(), p.prune(), p.precision())},
                      {"deployment", deployment_name(p.deployment())},
                      {"measured_fps", p.measured_fps},
                      {"predicted_fps", p.predicted_fps},
                      {"predicted_by", p.predicted_by},
                      {"ratio", p.ratio}});
  }
  ReportChart chart;
  chart.id = "theory-vs-measurement";
  chart.section = "theory";
  chart.title = "Measured / predicted throughput per platform";
  chart.note = fmt::format(
      "{} measured points with a roofline prediction; 1 means the roofline is exact, below 1 the "
      "platform reaches less than it promises. Predictions use the paper's model at batch 1 "
      "(weights read once per input), as stored ones do, so batched or weight-stationary "
      "(FINN) points can exceed 1. Boxes: quartiles and min-max of the points shown.",
      error.points.size());
  if (drawn < error.points.size())
    chart.note += fmt::format(
        " Drawn: {} of the {} points, an even sample of each platform's (a chart draws at most "
        "{}); the boxes summarise the drawn points, the table below every point.",
        drawn, error.points.size(), kMaxChartPoints);
  for (const auto& [reason, n] : error.unpredicted)
    chart.note += fmt::format(" {} rows without a prediction: {}.", n, reason);

  nlohmann::json spec = vega_lite_base(chart.title, std::move(values), 520, 0);
  spec["height"] = {{"step", 22}};
  const nlohmann::json y{
      {"field", "group"}, {"type", "nominal"}, {"title", nullptr}, {"axis", {{"labelLimit", 260}}}};
  const nlohmann::json x{{"field", "ratio"},
                         {"type", "quantitative"},
                         {"scale", {{"type", "log"}}},
                         {"title", "measured fps / predicted fps (L0 roofline)"}};
  nlohmann::json box{{"mark",
                      {{"type", "boxplot"},
                       {"extent", "min-max"},
                       {"opacity", 0.6},
                       {"median", {{"color", "black"}}}}},
                     {"encoding", {{"y", y}, {"x", x}, {"color", source_color()}}}};
  nlohmann::json points{
      {"mark", {{"type", "tick"}, {"opacity", 0.3}, {"thickness", 1}}},
      {"encoding",
       {{"y", y},
        {"x", x},
        {"color", source_color()},
        {"tooltip",
         {tip("platform", "platform"), tip("variant", "variant"),
          tip("deployment", "deployment point"), tip("measured_fps", "measured fps", true),
          tip("predicted_fps", "predicted fps", true), tip("predicted_by", "prediction"),
          tip("ratio", "measured / predicted", true)}}}}};
  // Its own one-datum data: one rule, not one per point. The datum has no task, platform or
  // source, so the page's filters keep it.
  nlohmann::json one{{"data", {{"values", {nlohmann::json::object()}}}},
                     {"mark", {{"type", "rule"}, {"strokeDash", {4, 3}}, {"color", "#555"}}},
                     {"encoding", {{"x", {{"datum", 1}}}}}};
  // The boxes over the points, so the quartiles stay visible among hundreds of ticks.
  spec["layer"] = {points, box, one};
  chart.spec = std::move(spec);
  return chart;
}

}  // namespace qtb
