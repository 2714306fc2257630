#include "analytics/box_stats.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_map>

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
  // One pass in row order copies each row's figures into its group (hashed), so the rest reads
  // small arrays instead of revisiting a million scattered rows; then the groups (a few thousand)
  // are put in the documented order.
  struct Group {
    const ResultRow* first = nullptr;
    std::vector<std::optional<double>> values[2];  // per metric: fps, latency
  };
  const BoxMetric kinds[2] = {BoxMetric::Fps, BoxMetric::LatencyMs};
  std::unordered_map<GroupKey, Group, TupleHash, std::equal_to<>> hashed;
  std::unordered_map<PeakKey, double, TupleHash, std::equal_to<>> peaks[2];
  for (const ResultRow& row : rows) {
    if (!is_measurement(row)) continue;
    Group& group = find_or_add(hashed, group_key_of(row));
    if (!group.first) group.first = &row;
    for (int k = 0; k < 2; ++k) {
      const auto v = value_of(row, kinds[k]);
      group.values[k].push_back(v);
      if (!v) continue;
      double& peak = find_or_add(peaks[k], peak_key_of(row));
      peak = std::max(peak, *v);
    }
  }
  std::vector<std::pair<const GroupKey*, const Group*>> groups;
  groups.reserve(hashed.size());
  for (const auto& [key, group] : hashed) groups.emplace_back(&key, &group);
  std::sort(groups.begin(), groups.end(),
            [](const auto& a, const auto& b) { return *a.first < *b.first; });
  std::vector<BoxStats> out;
  for (const BoxMetric metric : metrics) {
    const int k = metric == BoxMetric::Fps ? 0 : 1;
    for (const auto& [key, group] : groups) {
      std::vector<double> values;
      values.reserve(group->values[k].size());
      std::size_t missing = 0;
      for (const auto& v : group->values[k]) {
        if (v) {
          values.push_back(*v);
        } else {
          ++missing;
        }
      }
      const auto summary = summarize(std::move(values));
      if (!summary) continue;
      const ResultRow& first = *group->first;
      BoxStats box;
      box.source = first.source;
      box.topology = first.topology;
      box.platform = first.platform;
      box.op_mode = first.op_mode;
      box.precision = first.precision;
      box.prune = first.prune;
      box.metric = metric;
      box.absolute = *summary;
      box.peak = peaks[k].find(peak_key_of(first))->second;
      box.normalised = scaled(*summary, box.peak);
      box.missing = missing;
      out.push_back(std::move(box));
    }
  }
  return out;
}

}  // namespace qtb::analytics
