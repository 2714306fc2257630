#include "serve/stored_analysis.hpp"

#include <algorithm>

#include "analytics/analytics_json.hpp"
#include "analytics/analytics_tables.hpp"
#include "core/error.hpp"
#include "store/filter_names.hpp"

namespace qtb::serve {
namespace {

std::string render(const nlohmann::json& json, const Table& table, OutputFormat format) {
  switch (format) {
    case OutputFormat::Json:
      return json.dump(1) + "\n";
    case OutputFormat::Csv:
      return table.to_csv();
    case OutputFormat::Table:
      return table.to_text();
  }
  return "";
}

}  // namespace

const std::vector<std::string>& analysis_names() {
  static const std::vector<std::string> names{"pareto", "box", "orthogonality", "speedup",
                                              "theory"};
  return names;
}

std::string render_stored_analysis(std::string_view name, const std::vector<ResultRow>& rows,
                                   OutputFormat format, bool frontier_only,
                                   const std::vector<Platform>& catalog) {
  using namespace analytics;
  check_name_option("analysis", std::string(name), analysis_names());
  const NumberStyle style = format == OutputFormat::Table ? NumberStyle::Short : NumberStyle::Exact;
  if (name == "pareto") {
    std::vector<ParetoPoint> points = pareto_frontiers(rows, all_frontiers());
    if (frontier_only)
      std::erase_if(points,
                    [](const ParetoPoint& p) { return p.status != ParetoStatus::Frontier; });
    return render(to_json(points), pareto_table(points, style), format);
  }
  if (name == "box") {
    const std::vector<BoxMetric> metrics{BoxMetric::Fps, BoxMetric::LatencyMs};
    const auto boxes = box_statistics(rows, metrics);
    return render(to_json(boxes), box_table(boxes, style), format);
  }
  if (name == "orthogonality") {
    const auto result = orthogonality(rows);
    return render(to_json(result), orthogonality_table(result, style), format);
  }
  if (name == "speedup") {
    const auto points = pruning_speedup(rows);
    return render(to_json(points), speedup_table(points, style), format);
  }
  // theory: rows without a stored prediction (the paper's) get one from the catalog, labelled.
  const auto error = prediction_error(rows, catalog);
  return render(to_json(error), prediction_table(error, style), format);
}

}  // namespace qtb::serve
