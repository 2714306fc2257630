#include "analytics/pareto.hpp"

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

// Marks the points of one (task, frontier) group. Quadratic, which is fine for the paper's few
// hundred points per task and keeps the rule obvious.
void mark(std::vector<ParetoPoint>& points, Frontier frontier) {
  const double sx = x_lower_is_better(frontier) ? -1.0 : 1.0;
  const double sy = y_lower_is_better(frontier) ? -1.0 : 1.0;
  for (ParetoPoint& p : points) {
    if (!p.x || !p.y) {
      p.status = ParetoStatus::Missing;
      continue;
    }
    p.status = ParetoStatus::Frontier;
    for (const ParetoPoint& q : points) {
      if (!q.x || !q.y) continue;
      const double px = sx * *p.x, py = sy * *p.y, qx = sx * *q.x, qy = sy * *q.y;
      if (qx >= px && qy >= py && (qx > px || qy > py)) {
        p.status = ParetoStatus::Dominated;
        break;
      }
    }
  }
}

}  // namespace

std::vector<ParetoPoint> pareto_frontiers(std::span<const ResultRow> rows,
                                          std::span<const Frontier> frontiers) {
  std::vector<std::string> tasks;
  std::map<std::string, std::vector<const ResultRow*>> by_task;
  for (const ResultRow& row : rows) {
    if (!is_measurement(row)) continue;
    auto& group = by_task[row.dataset];
    if (group.empty()) tasks.push_back(row.dataset);
    group.push_back(&row);
  }
  std::vector<ParetoPoint> out;
  for (const std::string& task : tasks) {
    for (const Frontier frontier : frontiers) {
      std::vector<ParetoPoint> points;
      for (const ResultRow* row : by_task[task]) {
        ParetoPoint p;
        p.task = task;
        p.frontier = frontier;
        p.topology = row->topology;
        p.precision = row->precision;
        p.platform = row->platform;
        p.source = row->source;
        p.prune = row->prune;
        p.deployment = deployment_of(*row);
        p.x = x_of(*row, frontier);
        p.y = y_of(*row, frontier);
        points.push_back(std::move(p));
      }
      mark(points, frontier);
      out.insert(out.end(), points.begin(), points.end());
    }
  }
  return out;
}

}  // namespace qtb::analytics
