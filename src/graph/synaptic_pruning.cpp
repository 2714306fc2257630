#include "graph/synaptic_pruning.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"

namespace qtb {
namespace {

bool is_weighted(OpKind kind) {
  return kind == OpKind::Conv2d || kind == OpKind::Dense;
}

}  // namespace

SparsityReport prune_synapses(Graph& graph, double sparsity) {
  if (!(sparsity >= 0.0 && sparsity < 1.0)) {
    throw InputError(fmt::format("sparsity {} is outside [0, 1)", sparsity));
  }
  if (!graph.has_all_weights()) throw InputError("synaptic pruning needs a graph with weights");
  for (int id = 0; id < graph.size(); ++id) {
    const Node& node = graph.node(id);
    if (!is_weighted(node.kind)) continue;
    std::vector<float> weights = node.weights;
    const auto to_zero =
        static_cast<std::size_t>(std::llround(sparsity * static_cast<double>(weights.size())));
    std::vector<std::size_t> order(weights.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::abs(weights[a]) < std::abs(weights[b]);
    });
    for (std::size_t i = 0; i < to_zero; ++i) weights[order[i]] = 0.0f;
    graph.set_weights(id, std::move(weights), node.bias);
  }
  return measure_sparsity(graph);
}

SparsityReport measure_sparsity(const Graph& graph) {
  SparsityReport report;
  for (const auto& node : graph.nodes()) {
    if (!is_weighted(node.kind)) continue;
    report.weights += static_cast<std::int64_t>(node.weights.size());
    report.zeros += std::count(node.weights.begin(), node.weights.end(), 0.0f);
  }
  return report;
}

}  // namespace qtb
