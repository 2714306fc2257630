#pragma once
// Small blocks of the paper's ImageNet networks, with odd channel counts, for the backend tests.
#include "zoo/layers.hpp"

namespace qtb::testing {

// ResNet-50's downsampling bottleneck (stride in the first 1x1, projection shortcut), shrunk.
inline Graph bottleneck_block() {
  using zoo_detail::conv_bn;
  Graph g("bottleneck");
  const int x = g.input(Shape{24, 9, 9});
  int y = g.activation(conv_bn(g, x, 13, 1, 2, 0, "2a"), ActivationKind::ReLU, "2a/relu");
  y = g.activation(conv_bn(g, y, 13, 3, 1, 1, "2b"), ActivationKind::ReLU, "2b/relu");
  y = conv_bn(g, y, 52, 1, 1, 0, "2c");
  const int shortcut = conv_bn(g, x, 52, 1, 2, 0, "1");
  y = g.activation(g.add({y, shortcut}, "add"), ActivationKind::ReLU, "add/relu");
  y = g.global_avg_pool(y, "pool");
  g.dense(y, DenseAttrs{10, true}, "fc");
  return g;
}

// MobileNet v1's depthwise-separable block, with odd channel counts.
inline Graph depthwise_block() {
  using zoo_detail::conv_bn_relu;
  Graph g("depthwise");
  int x = g.input(Shape{3, 11, 11});
  x = conv_bn_relu(g, x, 21, 3, 2, 1, "conv1");
  x = conv_bn_relu(g, x, 21, 3, 1, 1, "conv2/dw", 21);
  x = conv_bn_relu(g, x, 37, 1, 1, 0, "conv2/pw");
  x = conv_bn_relu(g, x, 37, 3, 2, 1, "conv3/dw", 37);
  x = g.global_avg_pool(x, "pool");
  g.dense(x, DenseAttrs{10, true}, "fc");
  return g;
}

}  // namespace qtb::testing
