#include "analytics/orthogonality.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

namespace qtb::analytics {

std::string to_string(OrthoMetric metric) {
  return metric == OrthoMetric::Fps ? "fps" : "latency_ms";
}

namespace {

using GroupKey = std::tuple<std::string, std::string, std::string, std::string>;
// (-precision rank, precision, -prune): iterating the map visits the widest, least pruned first.
using VariantKey = std::tuple<int, std::string, double>;
using Variants = std::map<VariantKey, VariantFigure, std::less<>>;

std::optional<double> value_of(const ResultRow& row, OrthoMetric metric) {
  return metric == OrthoMetric::Fps ? fps_of(row) : latency_ms_of(row);
}

bool better(double candidate, double incumbent, OrthoMetric metric) {
  return metric == OrthoMetric::Fps ? candidate > incumbent : candidate < incumbent;
}

// The best deployment point of every variant of every group; strict improvement keeps the first
// stored row on ties.
std::map<GroupKey, Variants, std::less<>> best_points(std::span<const ResultRow> rows,
                                                      OrthoMetric metric) {
  std::map<GroupKey, Variants, std::less<>> groups;
  for (const ResultRow& row : rows) {
    if (!is_measurement(row)) continue;
    const auto value = value_of(row, metric);
    if (!value) continue;
    Variants& variants =
        find_or_add(groups, std::tie(row.source, row.topology, row.platform, row.op_mode));
    const std::tuple<int, const std::string&, double> key{-precision_rank(row.precision),
                                                          row.precision, -row.prune};
    const auto it = variants.find(key);
    if (it == variants.end())
      variants.emplace(key, VariantFigure{row.precision, row.prune, *value, deployment_of(row)});
    else if (better(*value, it->second.value, metric))
      it->second = {row.precision, row.prune, *value, deployment_of(row)};
  }
  return groups;
}

void add_rows(const GroupKey& group, const Variants& variants, OrthoMetric metric,
              std::vector<OrthogonalityRow>& out) {
  // A: the first unpruned variant in map order is the widest precision with prune 1.
  const VariantFigure* a = nullptr;
  for (const auto& [key, figure] : variants)
    if (figure.prune == 1.0) {
      a = &figure;
      break;
    }
  if (a == nullptr) return;
  const auto find = [&](const std::string& precision, double prune) -> const VariantFigure* {
    const auto it = variants.find(
        std::tuple<int, const std::string&, double>(-precision_rank(precision), precision, -prune));
    return it == variants.end() ? nullptr : &it->second;
  };
  for (const auto& [b_key, b] : variants) {
    if (b.prune != 1.0 || precision_rank(b.precision) >= precision_rank(a->precision)) continue;
    for (const auto& [c_key, c] : variants) {
      if (c.precision != a->precision || c.prune >= 1.0) continue;
      const VariantFigure* d = find(b.precision, c.prune);
      if (d == nullptr) continue;
      OrthogonalityRow row;
      std::tie(row.source, row.topology, row.platform, row.op_mode) = group;
      row.metric = metric;
      row.a = *a;
      row.b = b;
      row.c = c;
      row.d = *d;
      // Improvements (paper Fig. 18): new / old for fps, old / new for latency, so a ratio above
      // 1 means the optimization helped for either metric.
      const auto improvement = [metric](double before, double after) {
        return metric == OrthoMetric::Fps ? after / before : before / after;
      };
      row.p1 = improvement(a->value, c.value);
      row.q1 = improvement(a->value, b.value);
      row.p2 = improvement(b.value, d->value);
      row.q2 = improvement(c.value, d->value);
      row.p2_over_p1 = row.p2 / row.p1;
      row.q2_over_q1 = row.q2 / row.q1;
      row.d_beats_b_and_c = better(d->value, b.value, metric) && better(d->value, c.value, metric);
      out.push_back(std::move(row));
    }
  }
}

}  // namespace

std::vector<OrthogonalityRow> orthogonality(std::span<const ResultRow> rows) {
  std::vector<OrthogonalityRow> out;
  std::map<GroupKey, std::vector<OrthogonalityRow>> by_group;
  for (const OrthoMetric metric : {OrthoMetric::Fps, OrthoMetric::LatencyMs}) {
    for (const auto& [group, variants] : best_points(rows, metric))
      add_rows(group, variants, metric, by_group[group]);
  }
  // Group-major order, fps rows of a group before its latency rows.
  for (auto& [group, group_rows] : by_group)
    for (OrthogonalityRow& row : group_rows) out.push_back(std::move(row));
  return out;
}

}  // namespace qtb::analytics
