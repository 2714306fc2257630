#pragma once
// What the integer backends' step loops share for profiles and layer benchmarks: the name of what
// one step of a lowered op runs, and the timed loop over the steps.
#include <cstddef>
#include <string>
#include <string_view>

#include "engine/backend.hpp"
#include "lowering/lowered_model.hpp"

namespace qtb {

// "max_pool", "add", ...; a conv or dense is `gemm_path` (e.g. "im2col+pack+gemm", with "im2col+"
// only for a conv) followed by "+requantize", or "+int32 out" for the last layer.
std::string integer_step_kind(QOpKind kind, std::string_view gemm_path, bool im2col,
                              bool requantizes);

// Runs execute(steps[i]) for every step, each timed into `profiler` when there is one.
template <class Steps, class Execute>
void run_timed_steps(const Steps& steps, StepProfiler* profiler, const Execute& execute) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const StepTimer timer(profiler, i);
    execute(steps[i]);
  }
}

}  // namespace qtb
