#pragma once
// The float32 run behind lower()'s calibration, fast enough for the ImageNet networks.
//
// It computes what FloatExecutor (engine/reference) computes with FloatFormat::FP32, value for
// value: every conv/dense output element is the same float32 sum in the same order (0, then the
// products over input channel, kernel row and kernel column, then + bias), and the other nodes
// follow FloatExecutor's documented semantics. Only the loop order around those sums differs: a
// conv is an im2col followed by a register-blocked matrix product that keeps each element's
// additions in order, vectorized across output pixels with separate multiplies and adds (no fused
// multiply-add, no reassociation), so the values do not depend on the CPU. A padded tap adds
// w * 0 where FloatExecutor skips it; that changes nothing, because a sum that starts at +0 is
// never -0, and x + (+-0) == x for every other x (weights and inputs are finite).
//
// One thread, deterministic; FloatExecutor stays the reference the float backends are tested
// against.
#include <functional>
#include <span>
#include <vector>

#include "graph/batch_norm.hpp"
#include "graph/graph.hpp"

namespace qtb {

class CalibrationExecutor {
 public:
  // Called with each computed node output, in node order (the input node first).
  using Observer = std::function<void(int node, std::span<const float> values)>;

  // The graph needs one input node and all its weights (throws UnsupportedError otherwise).
  explicit CalibrationExecutor(const Graph& graph);

  const Shape& input_shape() const { return graph_.shape(input_node_); }
  int output_node() const { return output_node_; }

  // Runs one input (CHW) through every node up to the output node (a trailing softmax is not run).
  void run(std::span<const float> input, const Observer& observer) const;

 private:
  std::vector<float> compute(int id, const std::vector<std::vector<float>>& values) const;

  const Graph& graph_;
  std::vector<ChannelAffine> batch_norms_;         // per node; batchnorm nodes only
  std::vector<std::vector<float>> dense_weights_;  // per node; dense nodes only, transposed (IO)
  int input_node_ = -1;
  int output_node_ = -1;
  std::vector<int> last_use_;
};

}  // namespace qtb
