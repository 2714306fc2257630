#include "lowering/calibration.hpp"

#include <cmath>
#include <span>

#include "core/error.hpp"
#include "core/random.hpp"
#include "lowering/calibration_executor.hpp"

namespace qtb {

std::vector<float> calibration_inputs(const Shape& shape, int count, std::uint64_t seed) {
  SplitMix64 random(seed);
  std::vector<float> pixels(static_cast<std::size_t>(shape.elements() * count));
  for (auto& p : pixels) p = random.uniform24();
  return pixels;
}

std::vector<TensorStats> calibrate(const Graph& graph, const LoweringOptions& options) {
  if (options.calibration_inputs < 1) {
    throw UnsupportedError("lowering needs at least one calibration input");
  }
  const CalibrationExecutor executor(graph);
  const auto in_size = static_cast<std::size_t>(executor.input_shape().elements());
  const std::vector<float> inputs = calibration_inputs(
      executor.input_shape(), options.calibration_inputs, options.calibration_seed);
  std::vector<TensorStats> stats(static_cast<std::size_t>(graph.size()));
  const CalibrationExecutor::Observer observe = [&stats](int node, std::span<const float> values) {
    TensorStats& s = stats[static_cast<std::size_t>(node)];
    for (float v : values) {
      const float magnitude = std::fabs(v);
      if (magnitude > s.max_abs) s.max_abs = magnitude;
      s.sum_abs += magnitude;
    }
    s.count += static_cast<std::int64_t>(values.size());
  };
  for (int k = 0; k < options.calibration_inputs; ++k) {
    executor.run(std::span(inputs).subspan(static_cast<std::size_t>(k) * in_size, in_size),
                 observe);
  }
  return stats;
}

}  // namespace qtb
