#include "zoo/layers.hpp"
#include "zoo/zoo.hpp"

namespace qtb {

// The paper's MLP: BNN-PYNQ's LFC (three hidden dense layers of 1024 with batchnorm, no biases) at
// twice its width, 3 x 2048, which gives the paper's 20,029,440 ops per input at 100 %.
Graph build_mlp(double prune) {
  Graph g("mlp");
  int x = g.flatten(g.input(Shape{1, 28, 28}), "flatten");
  for (int i = 1; i <= 3; ++i) {
    x = zoo_detail::dense_bn_relu(g, x, scaled_channels(2048, prune), "fc" + std::to_string(i));
  }
  g.softmax(g.dense(x, DenseAttrs{10, false}, "fc4"), "prob");
  return g;
}

}  // namespace qtb
