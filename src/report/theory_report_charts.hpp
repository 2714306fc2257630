#pragma once
// Theory vs measurement (src/analytics/prediction_error with the catalog): measured fps divided
// by the L0 roofline prediction for every measured point, as a box per (platform, source) over
// the points, drawn in the page from the points themselves so the page's filters apply. The
// predictions of the paper's rows are computed from the catalog at report time and labelled
// "catalog" (ours were stored when measured: "stored"); none is ever shown as a measurement.
#include <span>
#include <vector>

#include "analytics/prediction_error.hpp"
#include "measure/result_row.hpp"
#include "report/report_chart.hpp"

namespace qtb {

ReportChart theory_report_chart(std::span<const ResultRow> rows,
                                const analytics::PredictionError& error);

}  // namespace qtb
