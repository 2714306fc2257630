#include "engine/random_weights.hpp"

#include <cmath>
#include <variant>

#include "core/random.hpp"

namespace qtb {
namespace {

float uniform(SplitMix64& random, float lo, float hi) {
  return lo + (hi - lo) * static_cast<float>(random.uniform());
}

float normal(SplitMix64& random, float stddev) {
  return stddev * static_cast<float>(random.normal());
}

}  // namespace

void fill_random_weights(Graph& graph, std::uint64_t seed) {
  SplitMix64 random(seed);
  for (int id = 0; id < graph.size(); ++id) {
    const Node& node = graph.node(id);
    const std::int64_t count = graph.weight_count(id);
    if (count == 0) continue;
    std::vector<float> weights(static_cast<std::size_t>(count));
    std::vector<float> bias(static_cast<std::size_t>(graph.bias_count(id)));
    if (node.kind == OpKind::BatchNorm) {
      const auto c = static_cast<std::size_t>(node.output.channels);
      for (std::size_t i = 0; i < c; ++i) {
        weights[i] = uniform(random, 0.5f, 1.5f);
        weights[c + i] = normal(random, 0.1f);
        weights[2 * c + i] = normal(random, 0.1f);
        weights[3 * c + i] = uniform(random, 0.5f, 1.5f);
      }
    } else {
      const auto fan_in = static_cast<float>(count / node.output.channels);
      const float stddev = std::sqrt(2.0f / fan_in);
      for (auto& w : weights) w = normal(random, stddev);
      for (auto& b : bias) b = normal(random, 0.01f);
    }
    graph.set_weights(id, std::move(weights), std::move(bias));
  }
}

}  // namespace qtb
