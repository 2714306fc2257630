#include "report/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "analytics/orthogonality.hpp"
#include "analytics/pareto.hpp"
#include "analytics/point.hpp"
#include "analytics/prediction_error.hpp"
#include "core/text.hpp"
#include "report/box_report_charts.hpp"
#include "report/chart_fields.hpp"
#include "report/pareto_charts.hpp"
#include "report/report_tables.hpp"
#include "report/roofline_report_charts.hpp"
#include "report/theory_report_charts.hpp"

namespace qtb {

const std::vector<ReportSection>& report_sections() {
  static const std::vector<ReportSection> sections{
      {"pareto", "Pareto frontiers per task (paper Figs. 19-23)",
       "Top-1 accuracy against throughput, throughput per watt and latency. Colour: platform; "
       "shape: source (circle = paper, triangle = ours). Hover a point for its variant and "
       "deployment point."},
      {"latency", "Latency vs throughput per platform",
       "Every deployment point (batch, threads, streams) of each platform: what a larger batch "
       "costs in latency."},
      {"roofline", "Rooflines with measured points (paper Eq. 1)",
       "The catalog's roofs per op mode and data type, and each measured point at its "
       "operational intensity from the cost model."},
      {"box", "Throughput over deployment points (paper Fig. 9)",
       "Per topology: each box summarises one variant on one platform over every deployment "
       "point, normalised to that platform's best."},
      {"theory", "Theory vs measurement",
       "Measured throughput divided by the L0 roofline prediction. The paper's rows carry no "
       "prediction: theirs are computed from the catalog when the report is written and labelled "
       "'catalog'; ours were stored when measured ('stored')."},
  };
  return sections;
}

namespace {

// More measured points than this and the best-variant table gets only those that can win.
constexpr std::size_t kMaxBestTablePoints = 20'000;

std::vector<std::string> sorted_unique(std::span<const ResultRow> rows,
                                       std::string ResultRow::*field) {
  std::set<std::string> values;
  for (const ResultRow& row : rows) values.insert(row.*field);
  return {values.begin(), values.end()};
}

nlohmann::json best_point(const ResultRow& row) {
  nlohmann::json p = point_identity(row);
  p["fps"] = *analytics::fps_of(row);
  p["latency_ms"] = number_or_null(analytics::latency_ms_of(row));
  p["fps_per_w"] = number_or_null(analytics::fps_per_w_of(row));
  p["top1"] = number_or_null(row.top1);
  return p;
}

// The points of the "best variant" table: every measured row with throughput, or, beyond
// kMaxBestTablePoints, only those that can be the answer. The page picks, per task, the best fps,
// fps/W or latency among the points with top-1 >= a threshold whose task, platform and source are
// ticked; a point another point of the same (task, platform, source) dominates in top-1 and that
// figure is never that best, so the union of the three per-(task, platform, source) Pareto
// frontiers answers every threshold and every filter. `note` says when the rest were left out.
nlohmann::json best_table_points(std::span<const ResultRow> rows, std::string& note) {
  std::vector<const ResultRow*> candidates;
  for (const ResultRow& row : rows)
    if (analytics::is_measurement(row) && analytics::fps_of(row)) candidates.push_back(&row);
  nlohmann::json points = nlohmann::json::array();
  if (candidates.size() <= kMaxBestTablePoints) {
    for (const ResultRow* row : candidates) points.push_back(best_point(*row));
    return points;
  }
  std::map<std::tuple<std::string, std::string>, std::vector<const ResultRow*>, std::less<>> groups;
  for (const ResultRow* row : candidates)
    analytics::find_or_add(groups, std::tie(row->platform, row->source)).push_back(row);
  const std::vector<analytics::Frontier> frontiers{analytics::Frontier::AccuracyVsFps,
                                                   analytics::Frontier::AccuracyVsFpsPerW,
                                                   analytics::Frontier::AccuracyVsLatency};
  std::set<const ResultRow*> kept;
  for (const auto& [key, group] : groups)
    for (const analytics::ParetoPoint& p :
         analytics::pareto_frontiers(std::span<const ResultRow* const>(group), frontiers))
      if (p.status == analytics::ParetoStatus::Frontier) kept.insert(p.row);
  for (const ResultRow* row : candidates)
    if (kept.contains(row)) points.push_back(best_point(*row));
  note = fmt::format(
      "The best-variant table looks at the {} of the {} measured points that lie on a Pareto "
      "frontier of top-1 against fps, fps/W or latency within their (task, platform, source): the "
      "others can never be the best, but its 'qualifying points' and ties count only these.",
      points.size(), candidates.size());
  return points;
}

}  // namespace

Report build_report(std::span<const ResultRow> rows, std::span<const Platform> catalog,
                    std::vector<std::string> provenance) {
  Report report;
  report.provenance = std::move(provenance);
  report.platforms = sorted_unique(rows, &ResultRow::platform);
  report.sources = sorted_unique(rows, &ResultRow::source);
  std::set<std::string> tasks;
  for (const ResultRow& row : rows) tasks.insert(row.dataset);
  for (const std::string& t : report_task_order())
    if (tasks.erase(t)) report.tasks.push_back(t);
  report.tasks.insert(report.tasks.end(), tasks.begin(), tasks.end());

  std::map<std::string, std::string> task_of;  // topology -> task
  for (const ResultRow& row : rows) task_of.try_emplace(row.topology, row.dataset);

  auto append = [&report](std::vector<ReportChart> charts) {
    for (ReportChart& c : charts) report.charts.push_back(std::move(c));
  };
  append(accuracy_pareto_charts(rows, report.platforms));
  append(latency_throughput_charts(rows));
  append(roofline_report_charts(rows, catalog));
  append(box_report_charts(rows));
  const analytics::PredictionError theory = analytics::prediction_error(rows, catalog);
  if (!theory.points.empty()) report.charts.push_back(theory_report_chart(rows, theory));

  std::string best_note;
  report.points = best_table_points(rows, best_note);
  if (!best_note.empty()) report.notes.push_back(best_note);
  report.orthogonality_table = orthogonality_html(analytics::orthogonality(rows), task_of);
  report.theory_table = theory_summary_html(theory);

  for (const std::string& platform : report.platforms) {
    const bool known = std::any_of(catalog.begin(), catalog.end(), [&](const Platform& p) {
      return to_lower(p.name) == to_lower(platform);
    });
    if (!known)
      report.notes.push_back(fmt::format(
          "Platform '{}' is not in the catalog: no roofline and no catalog prediction for it "
          "(for this machine, `qutibench platforms --probe` writes the catalog entry 'host').",
          platform));
  }
  return report;
}

}  // namespace qtb
