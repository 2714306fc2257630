#include "report/pareto_charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "analytics/pareto.hpp"
#include "report/chart_fields.hpp"
#include "report/chart_sample.hpp"

namespace qtb {
namespace {

using analytics::Frontier;
using analytics::ParetoPoint;
using analytics::ParetoStatus;

// Frontiers within each source (see the header), one list per source; the points refer to `rows`.
std::vector<std::vector<ParetoPoint>> frontiers_per_source(std::span<const ResultRow* const> rows,
                                                           std::span<const Frontier> frontiers) {
  std::map<std::string, std::vector<const ResultRow*>> by_source;
  for (const ResultRow* row : rows) by_source[row->source].push_back(row);
  std::vector<std::vector<ParetoPoint>> out;
  for (const auto& [source, group] : by_source)
    out.push_back(analytics::pareto_frontiers(std::span<const ResultRow* const>(group), frontiers));
  return out;
}

// Every frontier point and an even sample of the dominated ones, at most kMaxChartPoints in all
// (unless the frontier alone has more); the note says what was left out.
struct Drawn {
  std::vector<const ParetoPoint*> points;
  std::string note;
};
Drawn drawn_points(std::span<const ParetoPoint* const> points) {
  std::size_t frontier = 0, dominated = 0;
  for (const ParetoPoint* p : points) {
    frontier += p->status == ParetoStatus::Frontier ? 1 : 0;
    dominated += p->status == ParetoStatus::Dominated ? 1 : 0;
  }
  const std::size_t stride =
      sample_stride(dominated, kMaxChartPoints > frontier ? kMaxChartPoints - frontier : 0);
  Drawn out;
  std::size_t index = 0;  // among the dominated points
  for (const ParetoPoint* p : points) {
    if (p->status == ParetoStatus::Frontier ||
        (p->status == ParetoStatus::Dominated && index++ % stride == 0))
      out.points.push_back(p);
  }
  out.note = sample_note(dominated, stride, "dominated points");
  return out;
}

std::string axis_title(const std::string& name) {
  if (name == "fps") return "throughput [inputs/s] (compute)";
  if (name == "fps_per_w") return "throughput per watt [inputs/s/W]";
  if (name == "latency_ms") return "latency [ms] (compute, mean)";
  return "top-1 accuracy [%]";
}

std::string frontier_title(Frontier f) {
  switch (f) {
    case Frontier::AccuracyVsFps:
      return "accuracy vs throughput";
    case Frontier::AccuracyVsFpsPerW:
      return "accuracy vs throughput per watt";
    case Frontier::AccuracyVsLatency:
      return "accuracy vs latency";
    case Frontier::LatencyVsFps:
      return "latency vs throughput";
  }
  return "";
}

// The staircase that bounds the dominated region, drawn through the frontier points sorted by x:
// with both figures better when higher the step goes down first (step-before); with a
// lower-is-better x (latency) it goes across first (step-after).
std::string staircase(Frontier f) {
  return f == Frontier::AccuracyVsLatency ? "step-after" : "step-before";
}

nlohmann::json datum(const ParetoPoint& p) {
  return {{"source", p.source()},
          {"task", p.task()},
          {"platform", p.platform()},
          {"op_mode", p.row->op_mode},
          {"variant", variant_name(p.topology(), p.prune(), p.precision())},
          {"topology", p.topology()},
          {"precision", p.precision()},
          {"deployment", deployment_name(p.deployment())},
          {"x", *p.x},
          {"y", *p.y},
          {"status", analytics::to_string(p.status)}};
}

nlohmann::json status_opacity() {
  // Ordinal, not nominal: vega-lite warns about opacity on an unordered field.
  return {{"field", "status"},
          {"type", "ordinal"},
          {"title", "Pareto (within source)"},
          {"scale", {{"domain", {"frontier", "dominated"}}, {"range", {1.0, 0.22}}}}};
}

nlohmann::json pareto_spec(const std::string& title, Frontier f, nlohmann::json values,
                           nlohmann::json color, const std::string& line_detail) {
  nlohmann::json spec = vega_lite_base(title, std::move(values));
  const bool log_y = f == Frontier::LatencyVsFps;
  spec["encoding"] = {
      {"x",
       {{"field", "x"},
        {"type", "quantitative"},
        {"scale", {{"type", "log"}}},
        {"title", axis_title(analytics::x_name(f))}}},
      {"y",
       {{"field", "y"},
        {"type", "quantitative"},
        {"scale", log_y ? nlohmann::json{{"type", "log"}} : nlohmann::json{{"zero", false}}},
        {"title", axis_title(analytics::y_name(f))}}}};
  nlohmann::json line{
      {"transform", {{{"filter", "datum.status === 'frontier'"}}}},
      {"mark",
       {{"type", "line"}, {"interpolate", staircase(f)}, {"color", "#888"}, {"strokeWidth", 1}}},
      {"encoding",
       {{"order", {{"field", "x"}, {"type", "quantitative"}}},
        {"detail", {{"field", line_detail}, {"type", "nominal"}}},
        {"strokeDash", {{"field", "source"}, {"type", "nominal"}, {"legend", nullptr}}}}}};
  nlohmann::json points{
      {"mark", {{"type", "point"}, {"filled", true}, {"size", 55}}},
      {"encoding",
       {{"color", std::move(color)},
        {"shape", source_shape()},
        {"opacity", status_opacity()},
        {"tooltip",
         {tip("platform", "platform"), tip("variant", "variant"),
          tip("deployment", "deployment point"), tip("source", "source"),
          tip("x", axis_title(analytics::x_name(f)), true),
          tip("y", axis_title(analytics::y_name(f)), true), tip("status", "Pareto")}}}}};
  spec["layer"] = {line, points};
  return spec;
}

std::vector<std::string> tasks_in_order(std::set<std::string> present) {
  std::vector<std::string> out;
  for (const std::string& t : report_task_order())
    if (present.erase(t)) out.push_back(t);
  out.insert(out.end(), present.begin(), present.end());
  return out;
}

// "3 of 120 points (paper 3) have no top-1 and are not drawn."
std::string missing_note(std::span<const ParetoPoint* const> points, Frontier f) {
  std::map<std::string, int> missing;
  int total = 0;
  for (const ParetoPoint* p : points) {
    ++total;
    if (p->status == ParetoStatus::Missing) ++missing[p->source()];
  }
  if (missing.empty()) return "";
  std::string by_source;
  int count = 0;
  for (const auto& [source, n] : missing) {
    by_source += fmt::format("{}{} {}", by_source.empty() ? "" : ", ", source, n);
    count += n;
  }
  return fmt::format(" {} of {} points ({}) lack {} or {} and are not drawn.", count, total,
                     by_source, analytics::x_name(f), analytics::y_name(f));
}

std::vector<const ResultRow*> addresses(std::span<const ResultRow> rows) {
  std::vector<const ResultRow*> out;
  out.reserve(rows.size());
  for (const ResultRow& row : rows) out.push_back(&row);
  return out;
}

}  // namespace

std::vector<ReportChart> accuracy_pareto_charts(std::span<const ResultRow> rows,
                                                const std::vector<std::string>& platforms) {
  const std::vector<Frontier> frontiers{Frontier::AccuracyVsFps, Frontier::AccuracyVsFpsPerW,
                                        Frontier::AccuracyVsLatency};
  const std::vector<const ResultRow*> all = addresses(rows);
  const auto per_source = frontiers_per_source(all, frontiers);
  // A source's points come in runs of one (task, frontier): one map lookup per run.
  std::map<std::tuple<std::string, Frontier>, std::vector<const ParetoPoint*>, std::less<>>
      by_chart;
  std::set<std::string> tasks;
  for (const std::vector<ParetoPoint>& points : per_source) {
    for (std::size_t begin = 0; begin < points.size();) {
      const ParetoPoint& first = points[begin];
      std::size_t end = begin + 1;
      while (end < points.size() && points[end].frontier == first.frontier &&
             points[end].task() == first.task())
        ++end;
      auto& chart = analytics::find_or_add(by_chart, std::tie(first.task(), first.frontier));
      for (std::size_t i = begin; i < end; ++i) chart.push_back(&points[i]);
      tasks.insert(first.task());
      begin = end;
    }
  }
  std::vector<ReportChart> charts;
  for (const std::string& task : tasks_in_order(std::move(tasks))) {
    for (const Frontier f : frontiers) {
      const std::vector<const ParetoPoint*>& group = by_chart[{task, f}];
      const Drawn drawn = drawn_points(group);
      if (drawn.points.empty()) continue;  // e.g. no row of the task has a power figure
      nlohmann::json values = nlohmann::json::array();
      for (const ParetoPoint* p : drawn.points) values.push_back(datum(*p));
      const std::string title = fmt::format("{}: {}", task_title(task), frontier_title(f));
      ReportChart chart;
      chart.id = slug("pareto " + task + " " + analytics::to_string(f));
      chart.section = "pareto";
      chart.title = title;
      chart.note =
          "One point per deployment point; faded points are dominated within their "
          "source, the grey staircase joins each source's frontier." +
          missing_note(group, f) + drawn.note;
      chart.spec =
          pareto_spec(title, f, std::move(values), platform_color(platforms, "platform"), "source");
      charts.push_back(std::move(chart));
    }
  }
  return charts;
}

std::vector<ReportChart> latency_throughput_charts(std::span<const ResultRow> rows) {
  std::map<std::string, std::vector<const ResultRow*>> by_platform;
  for (const ResultRow& row : rows) by_platform[row.platform].push_back(&row);
  const std::vector<Frontier> frontier{Frontier::LatencyVsFps};
  std::vector<ReportChart> charts;
  for (const auto& [platform, group] : by_platform) {
    const auto per_source = frontiers_per_source(group, frontier);
    std::vector<const ParetoPoint*> all;
    for (const std::vector<ParetoPoint>& points : per_source)
      for (const ParetoPoint& p : points) all.push_back(&p);
    const Drawn drawn = drawn_points(all);
    if (drawn.points.empty()) continue;
    nlohmann::json values = nlohmann::json::array();
    for (const ParetoPoint* p : drawn.points) {
      nlohmann::json d = datum(*p);
      d["line"] = p->source() + " " + p->task();  // one staircase per (source, task)
      values.push_back(std::move(d));
    }
    const std::string title = fmt::format("{}: latency vs throughput", platform);
    ReportChart chart;
    chart.id = slug("latency-throughput " + platform);
    chart.section = "latency";
    chart.title = title;
    chart.note =
        "Each point is one deployment point (batch, threads or streams); faded points "
        "are dominated within their (source, task)." +
        missing_note(all, Frontier::LatencyVsFps) + drawn.note;
    const nlohmann::json color{{"field", "topology"}, {"type", "nominal"}, {"title", "topology"}};
    chart.spec = pareto_spec(title, Frontier::LatencyVsFps, std::move(values), color, "line");
    chart.spec["width"] = 380;
    chart.spec["height"] = 240;
    charts.push_back(std::move(chart));
  }
  return charts;
}

}  // namespace qtb
