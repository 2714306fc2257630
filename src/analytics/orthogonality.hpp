#pragma once
// Orthogonality of pruning and quantization (paper Sec. 5.2.6, Fig. 18, Table 8), as
// docs/analytics.md defines it. For each (source, topology, platform, op mode):
//   A = unpruned (prune 1) at the highest precision that has an unpruned variant there,
//   B = unpruned at a lower precision,  C = pruned at A's precision,  D = C's pruning at B's
//   precision;
// one row per (B's precision, C's pruning) for which A, B, C and D all have the figure.
// p1, q1 (first-degree) and p2, q2 (second-degree) are the paper's improvements, above 1 when the
// optimization helps:
//   fps:     p1 = C/A, q1 = B/A, p2 = D/B, q2 = D/C   (higher is better)
//   latency: p1 = A/C, q1 = A/B, p2 = B/D, q2 = C/D   (lower is better)
// p2_over_p1 and q2_over_q1 (always equal: both are AD/BC for fps, BC/AD for latency) are 1 when
// pruning and quantization are perfectly orthogonal;
//   d_beats_b_and_c: D strictly better than both B and C (higher fps, lower latency).
// Each variant's figure is its best deployment point: the highest fps, or the lowest latency, over
// every batch/threads/streams/backend row; on equal figures the first stored row is named.
#include <span>
#include <string>
#include <vector>

#include "analytics/point.hpp"
#include "measure/result_row.hpp"

namespace qtb::analytics {

enum class OrthoMetric { Fps, LatencyMs };
std::string to_string(OrthoMetric metric);  // "fps", "latency_ms"

struct VariantFigure {
  std::string precision;
  double prune = 1.0;
  double value = 0;
  Deployment deployment;  // the row the value came from
};

struct OrthogonalityRow {
  std::string source, topology, platform, op_mode;
  OrthoMetric metric = OrthoMetric::Fps;
  VariantFigure a, b, c, d;
  double p1 = 0, q1 = 0, p2 = 0, q2 = 0, p2_over_p1 = 0, q2_over_q1 = 0;
  bool d_beats_b_and_c = false;
};

// Rows ordered by source, topology, platform, op mode, metric (fps first), B's precision (widest
// first), prune (largest first). Measurements only.
std::vector<OrthogonalityRow> orthogonality(std::span<const ResultRow> rows);

}  // namespace qtb::analytics
