#pragma once
// Progress of a run, a sweep or a training on stderr: the point being measured (or the epoch being
// trained), its share done, points done of the total and the estimated time left. The live line
// is silent when stderr is not a terminal (logs and pipes get only the one-line messages of the
// commands, and the lines given to end_point_with_line).
#include <chrono>
#include <cstdio>
#include <string>

namespace qtb {

class Progress {
 public:
  // enabled: usually stderr_is_terminal().
  Progress(int total_points, bool enabled, std::FILE* out = stderr);
  void begin_point(const std::string& label);
  // From the harness (or the trainer), in [0, 1]; `detail` follows the percentage (a loss).
  void update(double fraction_of_point, const std::string& detail = {});
  void end_point(const std::string& outcome);
  // Ends the point like end_point but writes `line` and, while points remain, "  ETA 1m05s",
  // also when the live line is off: for outcomes a log keeps (training's epoch lines).
  void end_point_with_line(const std::string& line);
  // Estimated seconds left from the mean time of the points done so far; empty before the first.
  std::string eta() const;

 private:
  void draw(double fraction, const std::string& detail);
  int total_;
  bool enabled_;
  std::FILE* out_;
  int done_ = 0;
  std::string label_;
  std::chrono::steady_clock::time_point start_;
};

bool stderr_is_terminal();

}  // namespace qtb
