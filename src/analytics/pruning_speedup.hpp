#pragma once
// Pruning speedup against compute reduction (paper Secs. 5.2.2-5.2.3): for every pruned variant,
// speedup = best fps of the pruned variant / best fps of the unpruned variant with the same
// (source, topology, platform, op mode, precision), and compute_reduction = ops per input of the
// unpruned variant / ops per input of the pruned one (gops_per_input of the rows). The paper's
// claim is speedup ~ compute reduction; pearson_r measures it per (source, platform) over all of
// that platform's points.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analytics/point.hpp"
#include "measure/result_row.hpp"

namespace qtb::analytics {

struct SpeedupPoint {
  std::string source, topology, platform, op_mode, precision;
  double prune = 1.0;
  double base_fps = 0, pruned_fps = 0;
  Deployment base_deployment, pruned_deployment;  // where each best fps came from
  double speedup = 0;
  std::optional<double> compute_reduction;  // empty when either variant lacks ops per input
  // Per (source, platform), repeated on each of its points so every output row is self-contained.
  std::optional<double> pearson_r;  // empty with fewer than two points with a compute reduction
  std::size_t platform_points = 0;  // points behind pearson_r
};

// Ordered by source, platform, topology, op mode, precision (widest first), prune (largest first).
std::vector<SpeedupPoint> pruning_speedup(std::span<const ResultRow> rows);

}  // namespace qtb::analytics
