#pragma once
// Runs a Graph in float32 arithmetic, one input at a time, with plain loops in a fixed order: the
// float reference every float backend is compared with. (lower()'s calibration computes the same
// values faster with lowering/calibration_executor.hpp, which is tested against this.)
//
// Semantics (what a float backend must match):
//  - parameters (conv/dense weights and biases, the batchnorm affine scale and shift) are rounded
//    to the storage format once, at construction; every node's output is rounded to it when stored
//    (FP16/BF16 "storage"); all arithmetic is float32;
//  - conv/dense: sum over input channel, kernel row, kernel column (in that order) starting from 0,
//    then + bias; zero padding;
//  - max pooling ignores padding (max over the window's elements inside the input);
//  - average pooling sums the window's elements inside the input and divides by the full kernel
//    area (kernel * kernel), i.e. padding counts as zeros, also for a ceil-mode window that reaches
//    past the padding; global average pooling divides by height * width;
//  - batchnorm: scale * x + shift (batch_norm_affine); ReLU: max(x, 0); HardTanh: clamp to [-1, 1];
//    ReLU6: clamp to [0, 6];
//  - quantizer node: fake quantization, scale * clamp(round_half_even(x / scale)) to its levels
//    (1 bit signed: sign(x) * scale, x >= 0 giving +1);
//  - add sums its inputs in order; concat places channels; flatten relabels (CHW order);
//  - softmax: over the channels at each position; a trailing softmax is not run (the output is
//    the logits, its input).
#include <functional>
#include <span>
#include <vector>

#include "engine/reference/float_format.hpp"
#include "graph/batch_norm.hpp"
#include "graph/graph.hpp"

namespace qtb {

class FloatExecutor {
 public:
  // Called with each computed node output (after storage rounding), in node order.
  using Observer = std::function<void(int node, std::span<const float> values)>;

  // The graph needs one input node and all its weights (throws UnsupportedError otherwise).
  FloatExecutor(const Graph& graph, FloatFormat storage);

  const Shape& input_shape() const { return graph_.shape(input_node_); }
  const Shape& output_shape() const { return graph_.shape(output_node_); }
  // The node whose output is the result: the last node, or the input of a trailing softmax.
  int output_node() const { return output_node_; }
  FloatFormat storage() const { return storage_; }

  // One input (CHW, input_shape().elements() values) to its output (output_shape().elements()).
  void run(std::span<const float> input, std::span<float> output,
           const Observer& observer = {}) const;

 private:
  std::vector<float> compute(int id, const std::vector<std::vector<float>>& values) const;

  Graph graph_;  // a copy whose parameters are rounded to the storage format
  FloatFormat storage_;
  std::vector<ChannelAffine> batch_norms_;  // per node; filled for batchnorm nodes only
  int input_node_ = -1;
  int output_node_ = -1;
  std::vector<int> last_use_;  // per node: the last node reading its output
};

}  // namespace qtb
