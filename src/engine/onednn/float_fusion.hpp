#pragma once
// The float network of the onednn backend: a Graph grouped into the steps oneDNN runs, with
// batchnorm folded into the preceding conv/dense weights and bias, and ReLU/HardTanh and a
// residual add attached as post-ops.
//
// A chain starts at a conv, dense, standalone batchnorm (run as a 1x1 depthwise conv) or 2-input
// add and takes over each following node while the current one has exactly one consumer and is
// not the network output: batchnorm (folded, before any post-op; conv/dense/batchnorm heads), an
// activation (eltwise post-op), an add with one other input (sum post-op, once; conv/dense/
// batchnorm heads). A chain runs at the position of its last node, where every input it reads
// (including the add's other operand) has been computed.
#include <cstdint>
#include <vector>

#include "graph/graph.hpp"

namespace qtb::onednn {

enum class FloatStepKind {
  Compute,  // conv (dense, standalone batchnorm) + bias + post-ops
  Add,      // elementwise sum of its inputs (+ eltwise post-ops when it has two)
  MaxPool,
  AvgPool,
  GlobalPool,
  Eltwise,  // a standalone activation
  Concat,
  Flatten,  // an alias of its input when every consumer is a dense layer, else a reorder
  Softmax,  // not the trailing one, which is dropped
};

struct FloatPostOp {
  bool sum = false;  // else eltwise
  ActivationKind activation = ActivationKind::ReLU;
  int operand = -1;  // sum: node whose value is added
};

struct FloatStep {
  FloatStepKind kind = FloatStepKind::Compute;
  int output = -1;          // node whose value the step produces (the chain's last node)
  std::vector<int> inputs;  // nodes whose values it reads (besides sum operands)
  std::string name;         // of the head node, for messages

  // Compute: conv attrs (dense: out_channels, kernel 1x1; standalone batchnorm: depthwise 1x1)
  OpKind op = OpKind::Conv2d;
  Conv2dAttrs conv;
  std::vector<float> weights;  // conv OIHW (I = in/groups), dense OI, batchnorm per channel
  std::vector<float> bias;     // one per output channel (zeros when the layer has none)
  std::vector<FloatPostOp> post_ops;

  PoolAttrs pool;                                    // MaxPool, AvgPool
  ActivationKind activation = ActivationKind::ReLU;  // Eltwise
  bool flatten_alias = false;                        // Flatten
};

struct FloatNetwork {
  std::vector<FloatStep> steps;  // execution order
  int input_node = -1;
  int output_node = -1;       // the last node, or the input of a trailing softmax
  std::vector<Shape> shapes;  // per node
};

// Throws UnsupportedError for graphs it cannot run (quantizer nodes, several inputs).
FloatNetwork fuse_float_graph(const Graph& graph);

}  // namespace qtb::onednn
