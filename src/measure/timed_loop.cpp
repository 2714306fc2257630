#include "measure/timed_loop.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

namespace qtb {

TimedLoopResult time_compute(CompiledModel& model, const TimedLoopOptions& options) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < options.warmup_batches; ++i) model.run(options.batch);
  TimedLoopResult result;
  double fastest = std::numeric_limits<double>::infinity();
  const auto start = Clock::now();
  auto now = start;
  while (result.batches < options.min_batches ||
         std::chrono::duration<double>(now - start).count() < options.min_seconds) {
    const auto before = Clock::now();
    model.run(options.batch);
    now = Clock::now();
    fastest = std::min(fastest, std::chrono::duration<double>(now - before).count());
    ++result.batches;
  }
  result.seconds = std::chrono::duration<double>(now - start).count();
  result.inputs = result.batches * options.batch;
  result.fps_compute = static_cast<double>(result.inputs) / result.seconds;
  result.batch_latency_ms_mean = 1e3 * result.seconds / static_cast<double>(result.batches);
  result.batch_latency_ms_min = 1e3 * fastest;
  return result;
}

}  // namespace qtb
