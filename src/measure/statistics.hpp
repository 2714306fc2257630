#pragma once
// Latency statistics of a run. Percentiles use the nearest-rank definition (the smallest sample
// with at least p of the samples at or below it), as MLPerf LoadGen reports them. A percentile is
// left empty when the run has too few samples to observe it: p needs at least 1 / (1 - p)
// samples (p90: 10, p99: 100, p99.9: 1000); with fewer, the "p99" would only be the maximum.
#include <optional>
#include <span>

#include "measure/result_row.hpp"

namespace qtb {

// Samples in any order; empty input gives all-empty statistics.
LatencyStats summarize_latencies(std::span<const double> samples_ms);

// Nearest-rank percentile of `sorted` (ascending), p in (0, 1]; empty when too few samples.
std::optional<double> percentile(std::span<const double> sorted, double p);

// A distribution-free 95 % confidence interval of the median from order statistics (ranks
// n/2 -+ 1.96 sqrt(n)/2), as a half-width relative to the median: 0.02 means the true median
// lies within +-2 % with 95 % confidence. Empty with fewer than 6 samples (no interval exists).
std::optional<double> median_ci_relative_half_width(std::span<const double> sorted);

}  // namespace qtb
