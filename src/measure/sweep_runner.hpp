#pragma once
// Running a sweep: every point of a SweepConfig measured in order and handed to a sink (the app
// passes the result store's append, which lies in a later layer) as soon as it is done, so a
// crash keeps every completed point. A point its backend refuses (UnsupportedError) is skipped
// with the reason; any other error stops the sweep. Progress goes through a Progress; the
// summary comes back for the caller to print.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "measure/deployment.hpp"
#include "measure/progress.hpp"
#include "measure/result_row.hpp"
#include "measure/sweep_config.hpp"

namespace qtb {

using ResultSink = std::function<void(const ResultRow&)>;

struct SkippedPoint {
  std::string point;   // DeploymentRequest::label()
  std::string reason;  // the backend's refusal
};

struct SweepSummary {
  std::vector<ResultRow> rows;        // measured, in the order of the config
  std::vector<SkippedPoint> skipped;  // in the order of the config

  std::size_t invalid_count() const;
  // How many points each distinct reason skipped, for a summary line per reason.
  std::map<std::string, int> skip_reason_counts() const;
};

class SweepRunner {
 public:
  // Checks every point's memory (check_points_memory) before anything is opened or measured: a
  // point that cannot fit fails the sweep now, not after hours of others. Throws InputError.
  explicit SweepRunner(const SweepConfig& config);

  int point_count() const;
  // Measures each point with `context` under the config's harness limits; `sink` receives each
  // measured row before the next point starts (empty: rows are only returned).
  SweepSummary run(MeasureContext context, const ResultSink& sink, Progress& progress) const;

 private:
  SweepConfig config_;
};

}  // namespace qtb
