#include "report/stored_analysis.hpp"

#include <algorithm>
#include <span>

#include "analytics/analytics_json.hpp"
#include "analytics/analytics_tables.hpp"
#include "core/error.hpp"
#include "store/filter_names.hpp"

namespace qtb {
namespace {

using namespace analytics;

template <typename T>
std::span<const T> window_of(const std::vector<T>& list, ListWindow window) {
  const std::size_t first = std::min(window.offset, list.size());
  return std::span<const T>(list).subspan(first, std::min(window.limit, list.size() - first));
}

// Only the form asked for is made: on a big store each is seconds of work.
template <typename Json, typename MakeTable>
std::string render_as(OutputFormat format, const Json& json, const MakeTable& table) {
  if (format == OutputFormat::Json) return json();
  return format == OutputFormat::Csv ? table().to_csv() : table().to_text();
}

}  // namespace

const std::vector<std::string>& analysis_names() {
  static const std::vector<std::string> names{"pareto", "box", "orthogonality", "speedup",
                                              "theory"};
  return names;
}

StoredAnalysis::StoredAnalysis(std::string_view name,
                               std::shared_ptr<const std::vector<ResultRow>> rows,
                               bool frontier_only, const std::vector<Platform>& catalog)
    : rows_(std::move(rows)) {
  check_name_option("analysis", std::string(name), analysis_names());
  const std::vector<ResultRow>& r = *rows_;
  if (name == "pareto") {
    std::vector<ParetoPoint> points = pareto_frontiers(r, all_frontiers());
    if (frontier_only)
      std::erase_if(points,
                    [](const ParetoPoint& p) { return p.status != ParetoStatus::Frontier; });
    result_ = std::move(points);
  } else if (name == "box") {
    const std::vector<BoxMetric> metrics{BoxMetric::Fps, BoxMetric::LatencyMs};
    result_ = box_statistics(r, metrics);
  } else if (name == "orthogonality") {
    result_ = orthogonality(r);
  } else if (name == "speedup") {
    result_ = pruning_speedup(r);
  } else {
    // theory: rows without a stored prediction (the paper's) get one from the catalog, labelled.
    result_ = prediction_error(r, catalog);
  }
}

std::size_t StoredAnalysis::list_size() const {
  return std::visit(
      [](const auto& result) -> std::size_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(result)>, PredictionError>) {
          return result.points.size();
        } else {
          return result.size();
        }
      },
      result_);
}

std::string StoredAnalysis::render(OutputFormat format, ListWindow window) const {
  const NumberStyle style = format == OutputFormat::Table ? NumberStyle::Short : NumberStyle::Exact;
  if (const auto* points = std::get_if<std::vector<ParetoPoint>>(&result_)) {
    const auto part = window_of(*points, window);
    return render_as(
        format, [&] { return to_json_text(part); }, [&] { return pareto_table(part, style); });
  }
  if (const auto* boxes = std::get_if<std::vector<BoxStats>>(&result_)) {
    const auto part = window_of(*boxes, window);
    return render_as(
        format, [&] { return to_json(part).dump(1) + "\n"; },
        [&] { return box_table(part, style); });
  }
  if (const auto* rows = std::get_if<std::vector<OrthogonalityRow>>(&result_)) {
    const auto part = window_of(*rows, window);
    return render_as(
        format, [&] { return to_json(part).dump(1) + "\n"; },
        [&] { return orthogonality_table(part, style); });
  }
  if (const auto* points = std::get_if<std::vector<SpeedupPoint>>(&result_)) {
    const auto part = window_of(*points, window);
    return render_as(
        format, [&] { return to_json(part).dump(1) + "\n"; },
        [&] { return speedup_table(part, style); });
  }
  const auto& whole = std::get<PredictionError>(result_);
  PredictionError error{{}, whole.platforms, whole.unpredicted};
  const auto part = window_of(whole.points, window);
  error.points.assign(part.begin(), part.end());
  return render_as(
      format, [&] { return to_json_text(error); }, [&] { return prediction_table(error, style); });
}

std::string render_stored_analysis(std::string_view name, std::vector<ResultRow> rows,
                                   OutputFormat format, bool frontier_only,
                                   const std::vector<Platform>& catalog) {
  return StoredAnalysis(name, std::make_shared<const std::vector<ResultRow>>(std::move(rows)),
                        frontier_only, catalog)
      .render(format);
}

}  // namespace qtb
