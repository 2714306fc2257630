#include "report/box_report_charts.hpp"

#include <fmt/format.h>

#include <map>

#include "analytics/box_stats.hpp"
#include "core/text.hpp"
#include "report/chart_fields.hpp"

namespace qtb {
namespace {

nlohmann::json box_spec(const std::string& title, nlohmann::json values) {
  nlohmann::json spec = vega_lite_base(title, std::move(values), 420, 0);
  spec["height"] = {{"step", 13}};
  const nlohmann::json y{{"field", "label"},
                         {"type", "nominal"},
                         {"sort", nullptr},
                         {"title", nullptr},
                         {"axis", {{"labelLimit", 320}}}};
  const nlohmann::json x_title = "throughput / platform's best for this topology";
  const nlohmann::json tooltip{
      tip("platform", "platform"),     tip("variant", "variant"),
      tip("source", "source"),         tip("n", "deployment points", true),
      tip("abs_min", "min fps", true), tip("abs_median", "median fps", true),
      tip("abs_max", "max fps", true), tip("peak", "platform's best fps", true)};
  nlohmann::json whisker{{"mark", {{"type", "rule"}}},
                         {"encoding",
                          {{"y", y},
                           {"x",
                            {{"field", "min"},
                             {"type", "quantitative"},
                             {"scale", {{"domain", {0, 1}}}},
                             {"title", x_title}}},
                           {"x2", {{"field", "max"}}},
                           {"color", source_color()},
                           {"tooltip", tooltip}}}};
  nlohmann::json box{{"mark", {{"type", "bar"}, {"size", 9}}},
                     {"encoding",
                      {{"y", y},
                       {"x", {{"field", "q1"}, {"type", "quantitative"}}},
                       {"x2", {{"field", "q3"}}},
                       {"color", source_color()},
                       {"tooltip", tooltip}}}};
  nlohmann::json median{
      {"mark", {{"type", "tick"}, {"color", "black"}, {"thickness", 2}}},
      {"encoding",
       {{"y", y}, {"x", {{"field", "median"}, {"type", "quantitative"}}}, {"tooltip", tooltip}}}};
  spec["layer"] = {whisker, box, median};
  return spec;
}

}  // namespace

std::vector<ReportChart> box_report_charts(std::span<const ResultRow> rows) {
  std::map<std::string, std::string> task_of;  // topology -> task, for the page's task filter
  for (const ResultRow& row : rows) task_of.try_emplace(row.topology, row.dataset);
  const std::vector<analytics::BoxMetric> metric{analytics::BoxMetric::Fps};
  const auto boxes = analytics::box_statistics(rows, metric);
  std::map<std::string, nlohmann::json> by_topology;
  std::vector<std::string> order;
  for (const analytics::BoxStats& b : boxes) {
    auto [it, fresh] = by_topology.try_emplace(b.topology, nlohmann::json::array());
    if (fresh) order.push_back(b.topology);
    const std::string mode = b.op_mode == "default" ? "" : " " + b.op_mode;
    it->second.push_back({{"source", b.source},
                          {"task", task_of[b.topology]},
                          {"platform", b.platform},
                          {"variant", variant_name(b.topology, b.prune, b.precision)},
                          {"label", fmt::format("{}{} {} {}% ({})", b.platform, mode, b.precision,
                                                format_number(b.prune * 100.0), b.source)},
                          {"n", b.absolute.n},
                          {"min", b.normalised.min},
                          {"q1", b.normalised.q1},
                          {"median", b.normalised.median},
                          {"q3", b.normalised.q3},
                          {"max", b.normalised.max},
                          {"abs_min", b.absolute.min},
                          {"abs_median", b.absolute.median},
                          {"abs_max", b.absolute.max},
                          {"peak", b.peak}});
  }
  std::vector<ReportChart> charts;
  for (const std::string& topology : order) {
    nlohmann::json& values = by_topology[topology];
    ReportChart chart;
    chart.id = slug("box " + topology);
    chart.section = "box";
    chart.title = fmt::format("{}: throughput over deployment points, normalised", topology);
    chart.note =
        "One box per (platform, op mode, precision, pruning) over all its deployment "
        "points; 1.0 is the best throughput that platform reached for " +
        topology + " (within the source).";
    chart.spec = box_spec(chart.title, std::move(values));
    charts.push_back(std::move(chart));
  }
  return charts;
}

}  // namespace qtb
