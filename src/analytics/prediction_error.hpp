#pragma once
// Theory against measurement: for every measured row that carries an L0 roofline prediction
// (predicted_fps), ratio = measured fps (fps_compute) / predicted fps, summarised per (source,
// platform): median and spread (min, quartiles, max). A ratio of 1 means the roofline predicts the
// platform exactly; the paper's imported rows carry no prediction and so contribute nothing.
#include <span>
#include <string>
#include <vector>

#include "analytics/point.hpp"
#include "analytics/summary.hpp"
#include "measure/result_row.hpp"

namespace qtb::analytics {

struct PredictionPoint {
  std::string source, topology, platform, precision;
  double prune = 1.0;
  DeploymentPoint deployment;
  double measured_fps = 0, predicted_fps = 0, ratio = 0;
};

struct PredictionSummary {
  std::string source, platform;
  Summary ratio;
};

struct PredictionError {
  std::vector<PredictionPoint> points;       // in row order
  std::vector<PredictionSummary> platforms;  // by source, platform
};

PredictionError prediction_error(std::span<const ResultRow> rows);

}  // namespace qtb::analytics
