#include "analytics/prediction_error.hpp"

#include <fmt/format.h>

#include <optional>
#include <tuple>
#include <utility>

#include "analytics/catalog_prediction.hpp"

namespace qtb::analytics {
namespace {

PredictionError collect(std::span<const ResultRow> rows, CatalogPredictor* predictor) {
  PredictionError out;
  std::map<std::tuple<std::string, std::string>, std::vector<double>, std::less<>> ratios;
  for (const ResultRow& row : rows) {
    if (!is_measurement(row)) continue;
    const auto fps = fps_of(row);
    if (!fps) continue;
    std::optional<double> predicted;
    std::string_view predicted_by = "stored";
    if (row.predicted_fps && *row.predicted_fps > 0) {
      predicted = row.predicted_fps;
    } else if (predictor) {
      const CatalogPrediction& p = predictor->predict_row(row);
      if (p.fps) {
        predicted = p.fps;
        predicted_by = "catalog";
      } else {
        ++out.unpredicted[p.reason];
      }
    }
    if (!predicted) continue;
    const PredictionPoint point{&row, *fps, *predicted, *fps / *predicted, predicted_by};
    find_or_add(ratios, std::tie(row.source, row.platform)).push_back(point.ratio);
    out.points.push_back(point);
  }
  for (auto& [key, values] : ratios)
    out.platforms.push_back({std::get<0>(key), std::get<1>(key), *summarize(std::move(values))});
  return out;
}

}  // namespace

PredictionError prediction_error(std::span<const ResultRow> rows) {
  return collect(rows, nullptr);
}

PredictionError prediction_error(std::span<const ResultRow> rows,
                                 std::span<const Platform> catalog) {
  CatalogPredictor predictor(catalog);
  return collect(rows, &predictor);
}

}  // namespace qtb::analytics
