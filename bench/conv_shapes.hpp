#pragma once
// The conv layers the benchmarks time, taken from the zoo's graphs so that they stay the layers
// the networks really have.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.hpp"

namespace qtb::bench {

struct ConvLayer {
  std::string name;  // the graph node's name, e.g. "conv2" or "res3a_branch2b"
  Shape input;       // per input, CHW
  Conv2dAttrs attrs;
  Shape output;  // per input, CHW

  const Shape& output_shape() const { return output; }
  // Multiply-accumulates per input.
  std::int64_t macs() const;
};

// Every conv of a graph, in node order.
std::vector<ConvLayer> conv_layers(const Graph& graph);
// The six 3x3 convs of cnv at prune 1 (32x32x3 input, no padding).
std::vector<ConvLayer> cnv_conv_layers();
// The 3x3 conv (branch2b, pad 1) of the first block of each ResNet-50 stage (56x56x64, 28x28x128,
// 14x14x256, 7x7x512).
std::vector<ConvLayer> resnet50_3x3_conv_layers();

// The shape part of a conv case's name: "cnv/conv2 128x30x30>128 k3 N=16  t=2".
std::string conv_shape(const ConvLayer& layer, std::int64_t batch, int threads);

}  // namespace qtb::bench
