#include <fmt/format.h>

#include "zoo/layers.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

using zoo_detail::conv_bn;
using zoo_detail::conv_bn_relu;

// Bottleneck block as in the Caffe release: the stride sits in branch2a (1x1), not in the 3x3.
// Pruning shrinks the block's inner width; its output (the residual) stays at 4x width.
int bottleneck(Graph& g, int from, std::int64_t width, int stride, bool project, double prune,
               const std::string& name) {
  const std::int64_t inner = scaled_channels(width, prune);
  int x = conv_bn_relu(g, from, inner, 1, stride, 0, name + "_branch2a");
  x = conv_bn_relu(g, x, inner, 3, 1, 1, name + "_branch2b");
  x = conv_bn(g, x, 4 * width, 1, 1, 0, name + "_branch2c");
  const int shortcut =
      project ? conv_bn(g, from, 4 * width, 1, stride, 0, name + "_branch1") : from;
  return g.activation(g.add({x, shortcut}, name), ActivationKind::ReLU, name + "/relu");
}

}  // namespace

Graph build_resnet50(double prune) {
  Graph g("resnet50");
  int x = g.input(Shape{3, 224, 224});
  Conv2dAttrs conv1{64, 7, 7, 2, 2, 3, 3, 1, true};
  x = g.activation(g.batch_norm(g.conv2d(x, conv1, "conv1"), "conv1/bn"), ActivationKind::ReLU,
                   "conv1/relu");
  x = g.max_pool(x, PoolAttrs{3, 2, 0, true}, "pool1");
  struct Stage {
    int index;
    int blocks;
    std::int64_t width;
    int stride;
  };
  for (const Stage& stage :
       {Stage{2, 3, 64, 1}, Stage{3, 4, 128, 2}, Stage{4, 6, 256, 2}, Stage{5, 3, 512, 2}}) {
    for (int b = 0; b < stage.blocks; ++b) {
      const std::string name = fmt::format("res{}{}", stage.index, static_cast<char>('a' + b));
      x = bottleneck(g, x, stage.width, b == 0 ? stage.stride : 1, b == 0, prune, name);
    }
  }
  x = g.global_avg_pool(x, "pool5");
  g.softmax(g.dense(x, DenseAttrs{1000, true}, "fc1000"), "prob");
  return g;
}

}  // namespace qtb
