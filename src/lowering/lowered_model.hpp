#pragma once
// A network in integer form: what an integer precision (INT8, WxAy) computes, defined once for
// every backend. lower() derives it from a Graph with weights; backends pack these levels into
// their own formats and must reproduce every integer (see core/quantization.hpp for the rules).
//
// Conventions:
//  - tensor 0 is the network input, quantized unsigned 8-bit with scale 1/255 (pixels in [0,1]);
//  - conv/dense weights are signed levels of the precision's weight bits, one scale per output
//    channel; products are accumulated exactly in int32;
//  - conv/dense bias, batchnorm and ReLU/HardTanh that follow a conv/dense are folded into its
//    per-channel Requantizer; a following activation only narrows the clamp range;
//  - hidden activations have the precision's activation bits: unsigned when the tensor is never
//    negative (after ReLU), signed otherwise (e.g. a residual branch before the add);
//  - the last conv/dense keeps its int32 accumulators (no requantizer); logits are decoded as
//    (acc + output_bias[c]) * output_scale[c]. A trailing softmax is left out.
#include <cstdint>
#include <string>
#include <vector>

#include "core/precision.hpp"
#include "core/quantization.hpp"
#include "graph/node.hpp"
#include "graph/shape.hpp"

namespace qtb {

struct QTensor {
  std::string name;
  Shape shape;             // per input, CHW
  UniformQuantizer quant;  // how its integer levels map to reals (int32 accumulators: bits 32)
};

enum class QOpKind { Conv, Dense, MaxPool, AvgPool, GlobalAvgPool, Add, Concat, Flatten };

struct QOp {
  QOpKind kind = QOpKind::Conv;
  std::string name;         // the graph node it came from
  std::vector<int> inputs;  // tensor ids
  int output = -1;          // tensor id

  // Conv and Dense (dense uses out_channels and a flat input; kernel 1x1).
  Conv2dAttrs conv;
  ChannelQuantizer weight_quant;     // bits and per-output-channel scales
  std::vector<std::int8_t> weights;  // levels; conv OIHW with I = in/groups, dense OI
  std::vector<Requantizer> requant;  // one per output channel; empty: int32 output (last layer)

  // MaxPool / AvgPool (pool attrs) and GlobalAvgPool: the window sum is requantized with
  // pool_requant (avg: multiplier ~ in_scale / (out_scale * window), where the window is the full
  // kernel area with padding counted as zeros, and height x width for global pooling; binary: the
  // sign of the sum); max pooling ignores padding and copies levels.
  PoolAttrs pool;
  Requantizer pool_requant;

  // Add: y = clamp(rounding_shift(sum_i int64(level_i) * add_multipliers[i], add_shift), lo, hi)
  // with lo/hi from pool_requant (reused as the clamp range); if pool_requant.binary, y = +1 when
  // sum_i int64(level_i) * add_multipliers[i] >= 0, else -1.
  std::vector<std::int32_t> add_multipliers;
  int add_shift = 0;

  // Concat: the inputs share the output's quantizer (lower() makes producers agree), so it
  // only places channels. Flatten: a relabelling.
};

struct LoweredModel {
  std::string topology;
  Precision precision;
  std::vector<QTensor> tensors;  // tensors[0] = quantized network input
  std::vector<QOp> ops;          // topological order
  int output_tensor = -1;        // int32 accumulators of the last conv/dense
  std::vector<float> output_scale;
  std::vector<float> output_bias;
};

}  // namespace qtb
