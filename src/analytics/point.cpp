#include "analytics/point.hpp"

#include <unordered_map>

#include "core/precision.hpp"

namespace qtb::analytics {

Deployment deployment_of(const ResultRow& row) {
  return {row.backend, row.op_mode, row.batch, row.threads, row.streams};
}

bool is_measurement(const ResultRow& row) {
  return row.valid && row.level != "L0";
}

std::vector<ResultRow> measurements(std::span<const ResultRow> rows) {
  std::vector<ResultRow> out;
  for (const ResultRow& row : rows)
    if (is_measurement(row)) out.push_back(row);
  return out;
}

std::optional<double> fps_of(const ResultRow& row) {
  // A zero or negative rate is not a measurement of anything; treat it as missing.
  if (row.fps_compute && *row.fps_compute > 0) return row.fps_compute;
  return std::nullopt;
}

std::optional<double> latency_ms_of(const ResultRow& row) {
  if (row.latency_compute_ms.mean && *row.latency_compute_ms.mean > 0)
    return row.latency_compute_ms.mean;
  return std::nullopt;
}

std::optional<double> fps_per_w_of(const ResultRow& row) {
  const auto fps = fps_of(row);
  if (!fps || !row.power_full_w || *row.power_full_w <= 0) return std::nullopt;
  return *fps / *row.power_full_w;
}

int precision_rank(const std::string& precision) {
  // Every analysis asks once per row, for a handful of distinct names: parse each name once (per
  // thread, so concurrent analyses need no lock).
  thread_local std::unordered_map<std::string, int> ranks;
  const auto known = ranks.find(precision);
  if (known != ranks.end()) return known->second;
  const Precision p = parse_precision(precision);
  const int bits = bit_width(p.weights) + bit_width(p.activations);
  return ranks.emplace(precision, 2 * bits + (is_float(p.weights) ? 1 : 0)).first->second;
}

}  // namespace qtb::analytics
