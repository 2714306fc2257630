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
using PeakKey = std::tuple<std::string, std::string, std::string>;

auto group_key_of(const ResultRow& row) {
  return std::tuple<const std::string&, const std::string&, const std::string&, const std::string&,
                    int, const std::string&, double>(row.source, row.topology, row.platform,
                                                     row.op_mode, -precision_rank(row.precision),
                                                     row.precision, -row.prune);
}

auto peak_key_of(const ResultRow& row) {
  return std::tie(row.source, row.topology, row.platform);
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
  std::map<GroupKey, std::vector<const ResultRow*>, std::less<>> groups;
  for (const ResultRow& row : rows)
    if (is_measurement(row)) find_or_add(groups, group_key_of(row)).push_back(&row);
  std::vector<BoxStats> out;
  for (const BoxMetric metric : metrics) {
    std::map<PeakKey, double, std::less<>> peaks;
    for (const auto& [key, members] : groups)
      for (const ResultRow* row : members)
        if (const auto v = value_of(*row, metric)) {
          double& peak = find_or_add(peaks, peak_key_of(*row));
          peak = std::max(peak, *v);
        }
    for (const auto& [key, members] : groups) {
      std::vector<double> values;
      values.reserve(members.size());
      std::size_t missing = 0;
      for (const ResultRow* row : members) {
        if (const auto v = value_of(*row, metric)) {
          values.push_back(*v);
        } else {
          ++missing;
        }
      }
      const auto summary = summarize(std::move(values));
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
      box.peak = peaks.find(peak_key_of(first))->second;
      box.normalised = scaled(*summary, box.peak);
      box.missing = missing;
      out.push_back(std::move(box));
    }
  }
  return out;
}

}  // namespace qtb::analytics
