#pragma once
// Box statistics of the paper's Fig. 9: for each (source, topology, platform, op mode, precision,
// prune) the distribution of a figure over every deployment parameter (batch, threads, streams,
// backend). Like the paper, values are also given normalised to the peak achieved: the largest
// value of that figure on that platform for that topology (over all op modes, precisions, prunes
// and deployments of the same source), so a box of 1.0 is the platform's best for the topology.
#include <span>
#include <string>
#include <vector>

#include "analytics/summary.hpp"
#include "measure/result_row.hpp"

namespace qtb::analytics {

enum class BoxMetric { Fps, LatencyMs };
std::string to_string(BoxMetric metric);

struct BoxStats {
  std::string source, topology, platform, op_mode, precision;
  double prune = 1.0;
  BoxMetric metric = BoxMetric::Fps;
  Summary absolute;         // over the rows that have the figure
  Summary normalised;       // absolute / peak
  double peak = 0;          // the (source, topology, platform) maximum it is normalised to
  std::size_t missing = 0;  // rows of the group without the figure (not in the summary)
};

// One entry per group and metric that has at least one value, ordered by source, topology,
// platform, op mode, precision (widest first), prune (largest first). Measurements only.
std::vector<BoxStats> box_statistics(std::span<const ResultRow> rows,
                                     std::span<const BoxMetric> metrics);

}  // namespace qtb::analytics
