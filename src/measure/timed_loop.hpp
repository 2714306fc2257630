#pragma once
// A minimal compute-path timing loop (the full harness with scenarios, percentiles, validity and
// power comes with the measure layer's harness): warm up, then run batches back to back until
// both a minimum time and a minimum count are reached.
#include <cstdint>

#include "engine/backend.hpp"

namespace qtb {

struct TimedLoopOptions {
  std::int64_t batch = 1;
  int warmup_batches = 3;
  double min_seconds = 1.0;
  std::int64_t min_batches = 10;
};

struct TimedLoopResult {
  std::int64_t batches = 0;
  std::int64_t inputs = 0;
  double seconds = 0;      // wall time of the timed batches
  double fps_compute = 0;  // inputs per second over the compute path
  double batch_latency_ms_mean = 0;
  double batch_latency_ms_min = 0;
};

// The model's input must already be set (set_input); only run() is timed.
TimedLoopResult time_compute(CompiledModel& model, const TimedLoopOptions& options);

}  // namespace qtb
