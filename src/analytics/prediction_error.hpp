#pragma once
// Theory against measurement: for every measured row with an L0 roofline prediction, ratio =
// measured fps (fps_compute) / predicted fps, summarised per (source, platform): median and spread
// (min, quartiles, max). A ratio of 1 means the roofline predicts the platform exactly.
//
// Where the prediction comes from (`predicted_by`):
// - "stored": the row's own predicted_fps, made when it was measured (our rows);
// - "catalog": computed now, at analysis time, from the platform catalog and the cost model (the
//   paper's rows carry none). The same computation as at measurement time (src/measure): the
//   zoo's graph of (topology, prune), its cost at the row's precision under the paper's storage
//   model (weights off chip, batch 1), Eq. 1 on the catalog's platform and op mode. These values
//   are predictions, never written back to the store.
// A row whose platform, op mode, topology or data type the catalog or zoo lacks gets no
// prediction; `unpredicted` counts why, so nothing disappears silently.
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/point.hpp"
#include "analytics/summary.hpp"
#include "measure/result_row.hpp"
#include "platform/platform.hpp"

namespace qtb::analytics {

// One measured row with a prediction. It refers to its row (valid as long as the rows given).
struct PredictionPoint {
  const ResultRow* row = nullptr;
  double measured_fps = 0, predicted_fps = 0, ratio = 0;
  std::string_view predicted_by = "stored";  // "stored" or "catalog" (see above)

  const std::string& source() const { return row->source; }
  const std::string& topology() const { return row->topology; }
  const std::string& platform() const { return row->platform; }
  const std::string& precision() const { return row->precision; }
  double prune() const { return row->prune; }
  Deployment deployment() const { return deployment_of(*row); }
};

struct PredictionSummary {
  std::string source, platform;
  Summary ratio;
};

struct PredictionError {
  std::vector<PredictionPoint> points;       // in row order
  std::vector<PredictionSummary> platforms;  // by source, platform
  // Measured rows with fps but no prediction, by reason ("topology 'x' is not in the zoo", ...).
  std::map<std::string, std::size_t> unpredicted;
};

// Stored predictions only.
PredictionError prediction_error(std::span<const ResultRow> rows);
// Stored predictions, and for rows without one a prediction from `catalog` (see above).
PredictionError prediction_error(std::span<const ResultRow> rows,
                                 std::span<const Platform> catalog);

}  // namespace qtb::analytics
