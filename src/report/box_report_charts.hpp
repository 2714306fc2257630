#pragma once
// Box plots in the style of the paper's Fig. 9, from src/analytics/box_stats: one chart per
// topology, one box per (source, platform, op mode, precision, prune) over all of its deployment
// points, throughput normalised to the best point of that platform for that topology and source
// (the paper's normalisation), so 1.0 is the platform's peak achieved. Whiskers are min and max,
// the box q1..q3, the tick the median; the tooltip gives the absolute figures.
#include <span>
#include <vector>

#include "measure/result_row.hpp"
#include "report/report_chart.hpp"

namespace qtb {

std::vector<ReportChart> box_report_charts(std::span<const ResultRow> rows);

}  // namespace qtb
