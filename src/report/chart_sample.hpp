#pragma once
// How many points a chart inlines. A page cannot draw hundreds of thousands of points per chart
// (nor carry them: a million rows would be gigabytes of HTML), so beyond kMaxChartPoints a chart
// draws an even sample (every k-th point in row order) and its note says so. Points that carry
// the chart's message (a Pareto frontier) are always drawn; the analyses and tables use every row.
// Below the limit (the paper's 974 rows, any store of a few thousand) every point is drawn.
#include <cstddef>
#include <string>

namespace qtb {

inline constexpr std::size_t kMaxChartPoints = 3000;

// 1 when `count` points fit in `budget` (at least 1), else the smallest stride that keeps at most
// `budget` of them.
std::size_t sample_stride(std::size_t count, std::size_t budget);
// How many of `count` points a stride keeps (indices 0, stride, 2 stride, ...).
std::size_t sampled_count(std::size_t count, std::size_t stride);
// " Drawn: 1 in 84 of the 250000 dominated points (a chart draws at most 3000)." or "" when all
// are drawn. `what`: "dominated points", "points".
std::string sample_note(std::size_t count, std::size_t stride, const std::string& what);

}  // namespace qtb
