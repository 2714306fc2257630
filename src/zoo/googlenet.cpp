#include "zoo/layers.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

using zoo_detail::conv_bn_relu;

// Conv + ReLU as in the original (no batchnorm in Inception v1).
int conv_relu(Graph& g, int from, std::int64_t out_channels, int kernel, int stride, int pad,
              const std::string& name) {
  Conv2dAttrs attrs{out_channels, kernel, kernel, stride, stride, pad, pad, 1, true};
  return g.activation(g.conv2d(from, attrs, name), ActivationKind::ReLU, name + "/relu");
}

struct Inception {
  const char* name;
  std::int64_t c1x1, c3x3_reduce, c3x3, c5x5_reduce, c5x5, pool_proj;
};

// Pruning shrinks only the reduce convs, the channels private to the block; the branch outputs
// form the block's output (the concat) and keep their width.
int inception(Graph& g, int from, const Inception& b, double prune) {
  const std::string n = std::string("inception_") + b.name;
  const int branch1 = conv_relu(g, from, b.c1x1, 1, 1, 0, n + "/1x1");
  int branch2 =
      conv_relu(g, from, scaled_channels(b.c3x3_reduce, prune), 1, 1, 0, n + "/3x3_reduce");
  branch2 = conv_relu(g, branch2, b.c3x3, 3, 1, 1, n + "/3x3");
  int branch3 =
      conv_relu(g, from, scaled_channels(b.c5x5_reduce, prune), 1, 1, 0, n + "/5x5_reduce");
  branch3 = conv_relu(g, branch3, b.c5x5, 5, 1, 2, n + "/5x5");
  int branch4 = g.max_pool(from, PoolAttrs{3, 1, 1, true}, n + "/pool");
  branch4 = conv_relu(g, branch4, b.pool_proj, 1, 1, 0, n + "/pool_proj");
  return g.concat({branch1, branch2, branch3, branch4}, n + "/output");
}

}  // namespace

// Szegedy et al. 2015, Table 1. The local response normalisations of the original are left out:
// they carry no weights and their work is negligible next to the convolutions.
Graph build_googlenet(double prune) {
  Graph g("googlenet");
  int x = g.input(Shape{3, 224, 224});
  x = conv_relu(g, x, 64, 7, 2, 3, "conv1/7x7_s2");
  x = g.max_pool(x, PoolAttrs{3, 2, 0, true}, "pool1/3x3_s2");
  x = conv_relu(g, x, 64, 1, 1, 0, "conv2/3x3_reduce");
  x = conv_relu(g, x, 192, 3, 1, 1, "conv2/3x3");
  x = g.max_pool(x, PoolAttrs{3, 2, 0, true}, "pool2/3x3_s2");
  x = inception(g, x, {"3a", 64, 96, 128, 16, 32, 32}, prune);
  x = inception(g, x, {"3b", 128, 128, 192, 32, 96, 64}, prune);
  x = g.max_pool(x, PoolAttrs{3, 2, 0, true}, "pool3/3x3_s2");
  x = inception(g, x, {"4a", 192, 96, 208, 16, 48, 64}, prune);
  x = inception(g, x, {"4b", 160, 112, 224, 24, 64, 64}, prune);
  x = inception(g, x, {"4c", 128, 128, 256, 24, 64, 64}, prune);
  x = inception(g, x, {"4d", 112, 144, 288, 32, 64, 64}, prune);
  x = inception(g, x, {"4e", 256, 160, 320, 32, 128, 128}, prune);
  x = g.max_pool(x, PoolAttrs{3, 2, 0, true}, "pool4/3x3_s2");
  x = inception(g, x, {"5a", 256, 160, 320, 32, 128, 128}, prune);
  x = inception(g, x, {"5b", 384, 192, 384, 48, 128, 128}, prune);
  x = g.global_avg_pool(x, "pool5/7x7_s1");
  g.softmax(g.dense(x, DenseAttrs{1000, true}, "loss3/classifier"), "prob");
  return g;
}

}  // namespace qtb
