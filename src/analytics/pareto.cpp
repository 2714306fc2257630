#include "analytics/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace qtb::analytics {

std::string to_string(Frontier frontier) {
  switch (frontier) {
    case Frontier::AccuracyVsFps:
      return "accuracy_vs_fps";
    case Frontier::AccuracyVsFpsPerW:
      return "accuracy_vs_fps_per_w";
    case Frontier::AccuracyVsLatency:
      return "accuracy_vs_latency";
    case Frontier::LatencyVsFps:
      return "latency_vs_fps";
  }
  return "?";
}

std::vector<Frontier> all_frontiers() {
  return {Frontier::AccuracyVsFps, Frontier::AccuracyVsFpsPerW, Frontier::AccuracyVsLatency,
          Frontier::LatencyVsFps};
}

std::string to_string(ParetoStatus status) {
  switch (status) {
    case ParetoStatus::Frontier:
      return "frontier";
    case ParetoStatus::Dominated:
      return "dominated";
    case ParetoStatus::Missing:
      return "missing";
  }
  return "?";
}

std::string x_name(Frontier frontier) {
  switch (frontier) {
    case Frontier::AccuracyVsFps:
    case Frontier::LatencyVsFps:
      return "fps";
    case Frontier::AccuracyVsFpsPerW:
      return "fps_per_w";
    case Frontier::AccuracyVsLatency:
      return "latency_ms";
  }
  return "?";
}

std::string y_name(Frontier frontier) {
  return frontier == Frontier::LatencyVsFps ? "latency_ms" : "top1";
}

namespace {

std::optional<double> x_of(const ResultRow& row, Frontier frontier) {
  switch (frontier) {
    case Frontier::AccuracyVsFps:
    case Frontier::LatencyVsFps:
      return fps_of(row);
    case Frontier::AccuracyVsFpsPerW:
      return fps_per_w_of(row);
    case Frontier::AccuracyVsLatency:
      return latency_ms_of(row);
  }
  return std::nullopt;
}

std::optional<double> y_of(const ResultRow& row, Frontier frontier) {
  return frontier == Frontier::LatencyVsFps ? latency_ms_of(row) : row.top1;
}

// Latency is better when lower; every other figure when higher. Negating a lower-is-better figure
// lets dominance compare "goodness" with >= on both axes.
bool x_lower_is_better(Frontier frontier) {
  return frontier == Frontier::AccuracyVsLatency;
}
bool y_lower_is_better(Frontier frontier) {
  return frontier == Frontier::LatencyVsFps;
}

// Marks the points of one (task, frontier) group. Sorted by x then y, best first, a point is
// dominated exactly when a point of strictly better x has a y at least as good (the best y seen
// before its run of equal x) or a point of equal x has a strictly better y (the run's first y).
void mark(std::span<ParetoPoint> points, Frontier frontier) {
  const double sx = x_lower_is_better(frontier) ? -1.0 : 1.0;
  const double sy = y_lower_is_better(frontier) ? -1.0 : 1.0;
  struct Goodness {
    double x, y;
    ParetoPoint* point;
  };
  std::vector<Goodness> ranked;
  ranked.reserve(points.size());
  for (ParetoPoint& p : points) {
    if (!p.x || !p.y || std::isnan(*p.x) || std::isnan(*p.y)) {
      p.status = ParetoStatus::Missing;
      continue;
    }
    ranked.push_back({sx * *p.x, sy * *p.y, &p});
  }
  std::sort(ranked.begin(), ranked.end(), [](const Goodness& a, const Goodness& b) {
    return a.x != b.x ? a.x > b.x : a.y > b.y;
  });
  double best_y_of_better_x = -std::numeric_limits<double>::infinity();
  for (std::size_t begin = 0; begin < ranked.size();) {
    std::size_t end = begin;
    while (end < ranked.size() && ranked[end].x == ranked[begin].x) ++end;
    const double run_best_y = ranked[begin].y;
    for (std::size_t i = begin; i < end; ++i) {
      const double y = ranked[i].y;
      const bool dominated = best_y_of_better_x >= y || run_best_y > y;
      ranked[i].point->status = dominated ? ParetoStatus::Dominated : ParetoStatus::Frontier;
    }
    best_y_of_better_x = std::max(best_y_of_better_x, run_best_y);
    begin = end;
  }
}

}  // namespace

std::vector<ParetoPoint> pareto_frontiers(std::span<const ResultRow* const> rows,
                                          std::span<const Frontier> frontiers) {
  std::vector<std::string> tasks;
  std::map<std::string, std::vector<const ResultRow*>> by_task;
  for (const ResultRow* row : rows) {
    if (!is_measurement(*row)) continue;
    auto& group = by_task[row->dataset];
    if (group.empty()) tasks.push_back(row->dataset);
    group.push_back(row);
  }
  std::size_t total = 0;
  for (const auto& [task, group] : by_task) total += group.size();
  std::vector<ParetoPoint> out;
  out.reserve(total * frontiers.size());
  for (const std::string& task : tasks) {
    // One pass over the task's rows fills every frontier's block (rows are large: reading each
    // once matters at a million).
    const std::vector<const ResultRow*>& group = by_task[task];
    const std::size_t first = out.size(), n = group.size();
    out.resize(first + n * frontiers.size());
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t f = 0; f < frontiers.size(); ++f)
        out[first + f * n + i] = {group[i], frontiers[f], x_of(*group[i], frontiers[f]),
                                  y_of(*group[i], frontiers[f])};
    for (std::size_t f = 0; f < frontiers.size(); ++f)
      mark(std::span(out).subspan(first + f * n, n), frontiers[f]);
  }
  return out;
}

std::vector<ParetoPoint> pareto_frontiers(std::span<const ResultRow> rows,
                                          std::span<const Frontier> frontiers) {
  std::vector<const ResultRow*> addresses;
  addresses.reserve(rows.size());
  for (const ResultRow& row : rows) addresses.push_back(&row);
  return pareto_frontiers(std::span<const ResultRow* const>(addresses), frontiers);
}

}  // namespace qtb::analytics
