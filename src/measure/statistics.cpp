#include "measure/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace qtb {

std::optional<double> percentile(std::span<const double> sorted, double p) {
  const auto n = static_cast<double>(sorted.size());
  if (sorted.empty() || p <= 0 || p > 1) return std::nullopt;
  // 1 / (1 - p) samples, with a little slack for p's binary representation (0.999).
  if (p < 1 && n * (1 - p) < 1 - 1e-9) return std::nullopt;
  const auto rank = static_cast<std::size_t>(std::ceil(p * n - 1e-9));
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

LatencyStats summarize_latencies(std::span<const double> samples_ms) {
  LatencyStats stats;
  if (samples_ms.empty()) return stats;
  std::vector<double> sorted(samples_ms.begin(), samples_ms.end());
  std::sort(sorted.begin(), sorted.end());
  const auto n = static_cast<double>(sorted.size());
  const double mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / n;
  stats.mean = mean;
  stats.min = sorted.front();
  stats.max = sorted.back();
  if (sorted.size() > 1) {
    double squares = 0;
    for (double v : sorted) squares += (v - mean) * (v - mean);
    stats.stddev = std::sqrt(squares / (n - 1));  // sample standard deviation
  }
  stats.p50 = percentile(sorted, 0.50);
  stats.p90 = percentile(sorted, 0.90);
  stats.p95 = percentile(sorted, 0.95);
  stats.p99 = percentile(sorted, 0.99);
  stats.p999 = percentile(sorted, 0.999);
  return stats;
}

std::optional<double> median_ci_relative_half_width(std::span<const double> sorted) {
  const std::size_t n = sorted.size();
  if (n < 6) return std::nullopt;
  const double half = 1.959964 * std::sqrt(static_cast<double>(n)) / 2;
  const double centre = static_cast<double>(n) / 2;
  // 1-based ranks of the interval's ends, clamped to the sample.
  const auto lower = static_cast<std::size_t>(std::max(1.0, std::floor(centre - half)));
  const auto upper =
      static_cast<std::size_t>(std::min(static_cast<double>(n), std::ceil(centre + half + 1)));
  const double median = *percentile(sorted, 0.5);
  if (median <= 0) return std::nullopt;
  return (sorted[upper - 1] - sorted[lower - 1]) / 2 / median;
}

}  // namespace qtb
