#include "analytics/pruning_speedup.hpp"

#include <map>
#include <tuple>

#include "analytics/summary.hpp"

namespace qtb::analytics {

namespace {

// (source, platform, topology, op mode, -precision rank, precision)
using GroupKey = std::tuple<std::string, std::string, std::string, std::string, int, std::string>;

struct Best {
  double fps = 0;
  Deployment deployment;
  std::optional<double> gops;  // ops per input of the variant, from any of its rows
};

}  // namespace

std::vector<SpeedupPoint> pruning_speedup(std::span<const ResultRow> rows) {
  // Variants of a group by -prune, so the unpruned one comes first.
  std::map<GroupKey, std::map<double, Best>, std::less<>> groups;
  for (const ResultRow& row : rows) {
    if (!is_measurement(row)) continue;
    const auto fps = fps_of(row);
    if (!fps) continue;
    auto& variants = find_or_add(
        groups,
        std::tuple<const std::string&, const std::string&, const std::string&, const std::string&,
                   int, const std::string&>(row.source, row.platform, row.topology, row.op_mode,
                                            -precision_rank(row.precision), row.precision));
    const auto [it, inserted] = variants.try_emplace(-row.prune);
    Best& best = it->second;
    if (inserted || *fps > best.fps) {
      best.fps = *fps;
      best.deployment = deployment_of(row);
    }
    if (!best.gops && row.gops_per_input && *row.gops_per_input > 0) best.gops = row.gops_per_input;
  }
  std::vector<SpeedupPoint> out;
  for (const auto& [key, variants] : groups) {
    const auto base = variants.find(-1.0);
    if (base == variants.end()) continue;
    for (const auto& [neg_prune, best] : variants) {
      if (-neg_prune >= 1.0) continue;
      SpeedupPoint p;
      p.source = std::get<0>(key);
      p.platform = std::get<1>(key);
      p.topology = std::get<2>(key);
      p.op_mode = std::get<3>(key);
      p.precision = std::get<5>(key);
      p.prune = -neg_prune;
      p.base_fps = base->second.fps;
      p.pruned_fps = best.fps;
      p.base_deployment = base->second.deployment;
      p.pruned_deployment = best.deployment;
      p.speedup = best.fps / base->second.fps;
      if (base->second.gops && best.gops) p.compute_reduction = *base->second.gops / *best.gops;
      out.push_back(std::move(p));
    }
  }
  // Correlation per (source, platform): the output is sorted by it, so each run is contiguous.
  for (std::size_t begin = 0; begin < out.size();) {
    std::size_t end = begin;
    std::vector<double> speedups, reductions;
    while (end < out.size() && out[end].source == out[begin].source &&
           out[end].platform == out[begin].platform) {
      if (out[end].compute_reduction) {
        speedups.push_back(out[end].speedup);
        reductions.push_back(*out[end].compute_reduction);
      }
      ++end;
    }
    const auto r = pearson(reductions, speedups);
    for (std::size_t i = begin; i < end; ++i) {
      out[i].pearson_r = r;
      out[i].platform_points = speedups.size();
    }
    begin = end;
  }
  return out;
}

}  // namespace qtb::analytics
