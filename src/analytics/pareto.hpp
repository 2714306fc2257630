#pragma once
// Pareto frontiers of the paper's Figs. 19-23, per task (data set): every point is kept and marked
// as on the frontier, dominated, or missing a figure. Rules (docs/analytics.md):
// - a point dominates another when it is at least as good in both figures and strictly better in
//   one; points with equal figures therefore never dominate each other and are all on the
//   frontier together (a tie is not a reason to drop a variant);
// - a point without one of the two figures (or with a NaN) is marked missing and takes no part in
//   dominance.
// O(n log n) in rows: one sort per (task, frontier) and a sweep (pareto.cpp).
#include <span>
#include <string>
#include <vector>

#include "analytics/point.hpp"
#include "measure/result_row.hpp"

namespace qtb::analytics {

enum class Frontier { AccuracyVsFps, AccuracyVsFpsPerW, AccuracyVsLatency, LatencyVsFps };
std::string to_string(Frontier frontier);
std::vector<Frontier> all_frontiers();

enum class ParetoStatus { Frontier, Dominated, Missing };
std::string to_string(ParetoStatus status);

// One row on one frontier. It refers to its row (valid as long as the rows given), so a million
// rows on four frontiers cost 48 bytes a point.
struct ParetoPoint {
  const ResultRow* row = nullptr;
  Frontier frontier = Frontier::AccuracyVsFps;
  // x is the performance figure (fps, fps/W, latency in ms; fps for LatencyVsFps), y the other
  // (top-1 in percent; latency in ms for LatencyVsFps). Empty when the row lacks it.
  std::optional<double> x, y;
  ParetoStatus status = ParetoStatus::Missing;

  // The variant and where it ran.
  const std::string& task() const { return row->dataset; }
  const std::string& topology() const { return row->topology; }
  const std::string& precision() const { return row->precision; }
  const std::string& platform() const { return row->platform; }
  const std::string& source() const { return row->source; }
  double prune() const { return row->prune; }
  Deployment deployment() const { return deployment_of(*row); }
};

// The axis names of a frontier ("fps", "top1", ...), for output headers.
std::string x_name(Frontier frontier);
std::string y_name(Frontier frontier);

// One ParetoPoint per (row, frontier), grouped by task in the order tasks first appear, then by
// frontier, then in row order. Only measurements (point.hpp) are used.
std::vector<ParetoPoint> pareto_frontiers(std::span<const ResultRow> rows,
                                          std::span<const Frontier> frontiers);
// The same over rows given by address (a subset of some rows, without copying them).
std::vector<ParetoPoint> pareto_frontiers(std::span<const ResultRow* const> rows,
                                          std::span<const Frontier> frontiers);

}  // namespace qtb::analytics
