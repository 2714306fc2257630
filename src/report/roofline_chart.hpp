#pragma once
// `qutibench roofline`: an L0 analysis as the report's roofline chart (report/roofline_spec.hpp).
// One roof per (platform, op mode, data type that a selected variant runs in) and one point per
// supported prediction, placed at the OI it has in the type it runs in and at its attainable
// performance; points coloured by platform and shaped by topology.
#include <cstddef>
#include <vector>

#include "report/report_chart.hpp"
#include "roofline/analysis.hpp"

namespace qtb {

struct L0RooflineChart {
  ReportChart chart;  // id "roofline-l0"
  std::size_t roofs = 0, points = 0;
};

// `text_labels`: draw each point's label beside it (`--labels`).
L0RooflineChart l0_roofline_chart(const std::vector<VariantAnalysis>& variants,
                                  const std::vector<const Platform*>& platforms,
                                  const StorageModel& storage, bool text_labels);

}  // namespace qtb
