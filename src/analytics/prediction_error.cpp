#include "analytics/prediction_error.hpp"

#include <map>
#include <utility>

namespace qtb::analytics {

PredictionError prediction_error(std::span<const ResultRow> rows) {
  PredictionError out;
  std::map<std::pair<std::string, std::string>, std::vector<double>> ratios;
  for (const ResultRow& row : rows) {
    if (!is_measurement(row)) continue;
    const auto fps = fps_of(row);
    if (!fps || !row.predicted_fps || *row.predicted_fps <= 0) continue;
    PredictionPoint p{row.source,    row.topology,       row.platform,
                      row.precision, row.prune,          deployment_of(row),
                      *fps,          *row.predicted_fps, *fps / *row.predicted_fps};
    ratios[{row.source, row.platform}].push_back(p.ratio);
    out.points.push_back(std::move(p));
  }
  for (auto& [key, values] : ratios)
    out.platforms.push_back({key.first, key.second, *summarize(std::move(values))});
  return out;
}

}  // namespace qtb::analytics
