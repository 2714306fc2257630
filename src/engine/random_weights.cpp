#include "engine/random_weights.hpp"

#include <cmath>
#include <numbers>
#include <variant>

namespace qtb {
namespace {

// splitmix64: tiny, well-distributed, and identical everywhere (std:: distributions are not).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  float uniform(float lo, float hi) { return lo + (hi - lo) * static_cast<float>(uniform()); }
  float normal(float stddev) {  // Box-Muller
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return stddev * static_cast<float>(std::sqrt(-2.0 * std::log(u1)) *
                                       std::cos(2.0 * std::numbers::pi * u2));
  }

 private:
  std::uint64_t state_;
};

}  // namespace

void fill_random_weights(Graph& graph, std::uint64_t seed) {
  Random random(seed);
  for (int id = 0; id < graph.size(); ++id) {
    const Node& node = graph.node(id);
    const std::int64_t count = graph.weight_count(id);
    if (count == 0) continue;
    std::vector<float> weights(static_cast<std::size_t>(count));
    std::vector<float> bias(static_cast<std::size_t>(graph.bias_count(id)));
    if (node.kind == OpKind::BatchNorm) {
      const auto c = static_cast<std::size_t>(node.output.channels);
      for (std::size_t i = 0; i < c; ++i) {
        weights[i] = random.uniform(0.5f, 1.5f);
        weights[c + i] = random.normal(0.1f);
        weights[2 * c + i] = random.normal(0.1f);
        weights[3 * c + i] = random.uniform(0.5f, 1.5f);
      }
    } else {
      const auto fan_in = static_cast<float>(count / node.output.channels);
      const float stddev = std::sqrt(2.0f / fan_in);
      for (auto& w : weights) w = random.normal(stddev);
      for (auto& b : bias) b = random.normal(0.01f);
    }
    graph.set_weights(id, std::move(weights), std::move(bias));
  }
}

}  // namespace qtb
