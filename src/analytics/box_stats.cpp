#include "analytics/box_stats.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "analytics/point.hpp"

namespace qtb::analytics {

std::string to_string(BoxMetric metric) {
  return metric == BoxMetric::Fps ? "fps" : "latency_ms";
}

namespace {

std::optional<double> value_of(const ResultRow& row, BoxMetric metric) {
  return metric == BoxMetric::Fps ? fps_of(row) : latency_ms_of(row);
}

// Sort key: precision rank and prune negated so the widest, unpruned variant comes first.
using GroupKey =
    std::tuple<std::string, std::string, std::string, std::string, int, std::string, double>;

GroupKey group_key(const ResultRow& row) {
  return {row.source,    row.topology, row.platform, row.op_mode, -precision_rank(row.precision),
          row.precision, -row.prune};
}

Summary scaled(Summary s, double peak) {
  s.min /= peak;
  s.q1 /= peak;
  s.median /= peak;
  s.q3 /= peak;
  s.max /= peak;
  s.mean /= peak;
  return s;
}

}  // namespace

std::vector<BoxStats> box_statistics(std::span<const ResultRow> rows,
                                     std::span<const BoxMetric> metrics) {
  std::vector<BoxStats> out;
  for (const BoxMetric metric : metrics) {
    std::map<GroupKey, std::vector<const ResultRow*>> groups;
    std::map<std::tuple<std::string, std::string, std::string>, double> peaks;
    for (const ResultRow& row : rows) {
      if (!is_measurement(row)) continue;
      groups[group_key(row)].push_back(&row);
      if (const auto v = value_of(row, metric)) {
        double& peak = peaks[{row.source, row.topology, row.platform}];
        peak = std::max(peak, *v);
      }
    }
    for (const auto& [key, members] : groups) {
      std::vector<double> values;
      std::size_t missing = 0;
      for (const ResultRow* row : members) {
        if (const auto v = value_of(*row, metric)) {
          values.push_back(*v);
        } else {
          ++missing;
        }
      }
      const auto summary = summarize(values);
      if (!summary) continue;
      const ResultRow& first = *members.front();
      BoxStats box;
      box.source = first.source;
      box.topology = first.topology;
      box.platform = first.platform;
      box.op_mode = first.op_mode;
      box.precision = first.precision;
      box.prune = first.prune;
      box.metric = metric;
      box.absolute = *summary;
      box.peak = peaks.at({first.source, first.topology, first.platform});
      box.normalised = scaled(*summary, box.peak);
      box.missing = missing;
      out.push_back(std::move(box));
    }
  }
  return out;
}

}  // namespace qtb::analytics
