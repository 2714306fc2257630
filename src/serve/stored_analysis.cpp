#include "serve/stored_analysis.hpp"

#include <algorithm>

#include "analytics/analytics_json.hpp"
#include "analytics/analytics_tables.hpp"
#include "core/error.hpp"
#include "store/filter_names.hpp"

namespace qtb::serve {
namespace {

// Only the form asked for is made: on a big store each is seconds of work.
template <typename Json, typename MakeTable>
std::string render(OutputFormat format, const Json& json, const MakeTable& table) {
  if (format == OutputFormat::Json) return json();
  return format == OutputFormat::Csv ? table().to_csv() : table().to_text();
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
    return render(
        format, [&] { return to_json_text(points); }, [&] { return pareto_table(points, style); });
  }
  if (name == "box") {
    const std::vector<BoxMetric> metrics{BoxMetric::Fps, BoxMetric::LatencyMs};
    const auto boxes = box_statistics(rows, metrics);
    return render(
        format, [&] { return to_json(boxes).dump(1) + "\n"; },
        [&] { return box_table(boxes, style); });
  }
  if (name == "orthogonality") {
    const auto result = orthogonality(rows);
    return render(
        format, [&] { return to_json(result).dump(1) + "\n"; },
        [&] { return orthogonality_table(result, style); });
  }
  if (name == "speedup") {
    const auto points = pruning_speedup(rows);
    return render(
        format, [&] { return to_json(points).dump(1) + "\n"; },
        [&] { return speedup_table(points, style); });
  }
  // theory: rows without a stored prediction (the paper's) get one from the catalog, labelled.
  const auto error = prediction_error(rows, catalog);
  return render(
      format, [&] { return to_json_text(error); }, [&] { return prediction_table(error, style); });
}

}  // namespace qtb::serve
