#pragma once
// Small blocks of the paper's ImageNet networks, with odd channel counts, for the backend tests.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "engine/random_weights.hpp"
#include "zoo/layers.hpp"
#include "zoo/zoo.hpp"

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

struct Network {
  std::string name;
  Graph graph;
};

// mlp and cnv at 0.125 and 0.25 (cnv also at `extra_cnv_scales`, e.g. 0.3 for widths that are not
// multiples of 8), the bottleneck and the depthwise block, with seeded random weights.
inline std::vector<Network> backend_test_networks(
    std::uint64_t first_seed, const std::vector<double>& extra_cnv_scales = {}) {
  std::vector<std::pair<std::string, double>> variants = {
      {"mlp", 0.125}, {"mlp", 0.25}, {"cnv", 0.125}, {"cnv", 0.25}};
  for (double scale : extra_cnv_scales) variants.emplace_back("cnv", scale);
  std::vector<Network> list;
  for (const auto& [model, prune] : variants) {
    list.push_back({fmt::format("{}_{}", model, prune), build_topology(model, prune)});
  }
  list.push_back({"bottleneck", bottleneck_block()});
  list.push_back({"depthwise", depthwise_block()});
  std::uint64_t seed = first_seed;
  for (auto& n : list) fill_random_weights(n.graph, seed++);
  return list;
}

// Deterministic pixels in [0, 1).
inline std::vector<float> random_pixels(std::int64_t count, std::uint64_t seed) {
  std::vector<float> pixels(static_cast<std::size_t>(count));
  std::uint64_t state = seed;
  for (auto& p : pixels) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    p = static_cast<float>(state >> 40) / static_cast<float>(1 << 24);
  }
  return pixels;
}

}  // namespace qtb::testing
