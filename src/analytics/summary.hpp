#pragma once
// Five-number summaries and correlation shared by the box statistics, the theory-vs-measurement
// summary and the pruning-speedup correlation.
#include <cstddef>
#include <optional>
#include <vector>

namespace qtb::analytics {

// Quartiles by linear interpolation between order statistics (Hyndman & Fan type 7, the default of
// R, NumPy and Excel's QUARTILE.INC): the q-quantile of n sorted values is at position
// h = (n - 1) q, interpolated between values floor(h) and ceil(h). Chosen because it is what a
// reader checking a figure with a spreadsheet gets, and it is defined for n = 1.
struct Summary {
  std::size_t n = 0;
  double min = 0, q1 = 0, median = 0, q3 = 0, max = 0, mean = 0;
};

// Empty for no values.
std::optional<Summary> summarize(std::vector<double> values);
// Type-7 quantile of ascending `sorted` values (not empty), q in [0, 1].
double quantile_sorted(const std::vector<double>& sorted, double q);

// Pearson's r of paired values; empty for fewer than two pairs or a constant series (r undefined).
std::optional<double> pearson(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace qtb::analytics
