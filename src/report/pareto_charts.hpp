#pragma once
// The paper's Pareto charts (Figs. 19-23) from src/analytics/pareto: per task, top-1 accuracy
// against throughput, against throughput per watt and against latency; per platform, latency
// against throughput. Every point is drawn (beyond kMaxChartPoints, every frontier point and an
// even sample of the dominated ones, chart_sample.hpp); dominated points are faded, the frontier is
// joined by a staircase line. Frontiers are computed within each source (the paper's points compete
// with the paper's, ours with ours), so the two sit side by side instead of hiding each other; the
// latency-throughput frontier within each (source, platform, task). Points without one of the two
// figures cannot be placed: the chart's note counts them.
#include <span>
#include <string>
#include <vector>

#include "measure/result_row.hpp"
#include "report/report_chart.hpp"

namespace qtb {

// `platforms`: every platform of the report, for one colour per platform across charts.
std::vector<ReportChart> accuracy_pareto_charts(std::span<const ResultRow> rows,
                                                const std::vector<std::string>& platforms);
std::vector<ReportChart> latency_throughput_charts(std::span<const ResultRow> rows);

}  // namespace qtb
