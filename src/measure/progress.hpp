#pragma once
// Progress of a run or a sweep on stderr: the point being measured, its share of the timed phase,
// points done of the total and the estimated time left. Silent when stderr is not a terminal
// (logs and pipes get only the one-line messages of the commands).
#include <chrono>
#include <cstdio>
#include <string>

namespace qtb {

class Progress {
 public:
  // enabled: usually stderr_is_terminal().
  Progress(int total_points, bool enabled, std::FILE* out = stderr);
  void begin_point(const std::string& label);
  void update(double fraction_of_point);  // from the harness, in [0, 1]
  void end_point(const std::string& outcome);
  // Estimated seconds left from the mean time of the points done so far; empty before the first.
  std::string eta() const;

 private:
  void draw(double fraction);
  int total_;
  bool enabled_;
  std::FILE* out_;
  int done_ = 0;
  std::string label_;
  std::chrono::steady_clock::time_point start_;
};

bool stderr_is_terminal();

}  // namespace qtb
