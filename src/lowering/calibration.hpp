#pragma once
// Calibration for lower(): the float reference run on seeded random inputs, summarised per node.
#include <cstdint>
#include <vector>

#include "graph/graph.hpp"
#include "lowering/lower.hpp"

namespace qtb {

// Value statistics of one node's output over all calibration inputs.
struct TensorStats {
  float max_abs = 0.0f;
  double sum_abs = 0.0;
  std::int64_t count = 0;

  double mean_abs() const { return count > 0 ? sum_abs / static_cast<double>(count) : 0.0; }
};

// `count` inputs of `shape`, one after the other in one vector: pixels uniform in [0, 1) with a
// 24-bit resolution, from core/random.hpp's SplitMix64 seeded with `seed` (identical on every
// platform).
std::vector<float> calibration_inputs(const Shape& shape, int count, std::uint64_t seed);

// Runs the graph in float32 on options.calibration_inputs calibration inputs; one entry per graph
// node (nodes after the output, such as a trailing softmax, stay empty). The values are those of
// the FP32 reference (FloatExecutor), computed faster by CalibrationExecutor.
std::vector<TensorStats> calibrate(const Graph& graph, const LoweringOptions& options);

}  // namespace qtb
