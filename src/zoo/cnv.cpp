#include "zoo/layers.hpp"
#include "zoo/zoo.hpp"

namespace qtb {

// The paper's CNV: BNN-PYNQ's CNV (convs 64-64-128-128-256-256, dense 512-512) at twice its width,
// unpadded 3x3 convs 128-128-pool-256-256-pool-512-512, then dense 1024-1024-10 (32x32 input
// shrinks to 1x1 before the dense layers); 469,449,728 ops per input at 100 %, as in the paper.
Graph build_cnv(double prune) {
  Graph g("cnv");
  int x = g.input(Shape{3, 32, 32});
  const std::int64_t widths[] = {128, 128, 256, 256, 512, 512};
  for (int i = 0; i < 6; ++i) {
    x = zoo_detail::conv_bn_relu(g, x, scaled_channels(widths[i], prune), 3, 1, 0,
                                 "conv" + std::to_string(i + 1));
    if (i == 1 || i == 3)
      x = g.max_pool(x, PoolAttrs{2, 2, 0, false}, "pool" + std::to_string(i / 2 + 1));
  }
  x = g.flatten(x, "flatten");
  x = zoo_detail::dense_bn_relu(g, x, scaled_channels(1024, prune), "fc1");
  x = zoo_detail::dense_bn_relu(g, x, scaled_channels(1024, prune), "fc2");
  g.softmax(g.dense(x, DenseAttrs{10, false}, "fc3"), "prob");
  return g;
}

}  // namespace qtb
