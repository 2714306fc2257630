#include "measure/sweep_runner.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"

namespace qtb {

std::size_t SweepSummary::invalid_count() const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [](const ResultRow& r) { return !r.valid; }));
}

std::map<std::string, int> SweepSummary::skip_reason_counts() const {
  std::map<std::string, int> counts;
  for (const SkippedPoint& s : skipped) ++counts[s.reason];
  return counts;
}

SweepRunner::SweepRunner(const SweepConfig& config) : config_(config) {
  check_points_memory(config_.points);
}

int SweepRunner::point_count() const {
  return static_cast<int>(config_.points.size());
}

SweepSummary SweepRunner::run(MeasureContext context, const ResultSink& sink,
                              Progress& progress) const {
  context.harness = config_.harness;
  context.progress = [&progress](double fraction) { progress.update(fraction); };
  SweepSummary summary;
  for (const DeploymentRequest& point : config_.points) {
    progress.begin_point(point.label());
    try {
      ResultRow row = measure_point(point, context);
      if (sink) sink(row);
      progress.end_point(fmt::format("{:.1f} fps{}", row.fps_system.value_or(0),
                                     row.valid ? "" : " (invalid: " + row.invalid_reason + ")"));
      summary.rows.push_back(std::move(row));
    } catch (const UnsupportedError& e) {
      progress.end_point(std::string("skipped: ") + e.what());
      summary.skipped.push_back({point.label(), e.what()});
    }
  }
  return summary;
}

}  // namespace qtb
