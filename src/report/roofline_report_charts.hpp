#pragma once
// Rooflines with measured points (paper Fig. 2 style), one chart per platform that has rows: the
// catalog's roofs (one per op mode and data type: min(peak, bandwidth x OI)) and every measured
// point at the operational intensity the cost model gives its variant in the type it runs in,
// with weights off chip and read once per batch of the row (so a batch-128 point sits at 128x
// the OI of batch 1: that is the intensity the deployment point actually ran at), at its measured
// ops/s = fps x the cost model's ops per input. A point below its roof is a platform running
// under the roofline's promise; a point above it keeps weights on chip (FINN does). Rows the
// catalog or zoo cannot place are counted in the chart's note.
#include <span>
#include <vector>

#include "measure/result_row.hpp"
#include "platform/platform.hpp"
#include "report/report_chart.hpp"

namespace qtb {

std::vector<ReportChart> roofline_report_charts(std::span<const ResultRow> rows,
                                                std::span<const Platform> catalog);

}  // namespace qtb
