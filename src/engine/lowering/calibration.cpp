#include "engine/lowering/calibration.hpp"

#include <cmath>
#include <span>

#include "engine/backend.hpp"
#include "engine/lowering/calibration_executor.hpp"

namespace qtb {

std::vector<float> calibration_inputs(const Shape& shape, int count, std::uint64_t seed) {
  std::uint64_t state = seed;
  auto next = [&state] {  // splitmix64
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  std::vector<float> pixels(static_cast<std::size_t>(shape.elements() * count));
  for (auto& p : pixels) p = static_cast<float>(next() >> 40) * 0x1.0p-24f;  // exact in float
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
