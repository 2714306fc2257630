#include <fmt/format.h>

#include "zoo/layers.hpp"
#include "zoo/zoo.hpp"

namespace qtb {

// Howard et al. 2017, Table 1. A depthwise-separable block has no channels private to it, so the
// pruning scale acts as the paper's width multiplier on every hidden layer.
Graph build_mobilenet_v1(double prune) {
  using zoo_detail::conv_bn_relu;
  Graph g("mobilenet_v1");
  int x = g.input(Shape{3, 224, 224});
  std::int64_t channels = scaled_channels(32, prune);
  x = conv_bn_relu(g, x, channels, 3, 2, 1, "conv1");
  struct Block {
    std::int64_t out;
    int stride;
  };
  const Block blocks[] = {{64, 1},  {128, 2}, {128, 1}, {256, 2}, {256, 1},  {512, 2}, {512, 1},
                          {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
  int index = 2;
  for (const Block& b : blocks) {
    const std::string name = fmt::format("conv{}", index++);
    x = conv_bn_relu(g, x, channels, 3, b.stride, 1, name + "/dw", channels);
    channels = scaled_channels(b.out, prune);
    x = conv_bn_relu(g, x, channels, 1, 1, 0, name + "/pw");
  }
  x = g.global_avg_pool(x, "pool");
  g.softmax(g.dense(x, DenseAttrs{1000, true}, "fc"), "prob");
  return g;
}

}  // namespace qtb
