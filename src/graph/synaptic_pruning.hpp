#pragma once
// Synaptic (unstructured) pruning, a graph transform (measure and optimize use it): zero the
// smallest-magnitude weights of every conv and dense layer, so the graph keeps its shape and
// becomes sparse (paper Sec. 2.2.2, Fig. 1).
#include "graph/graph.hpp"

namespace qtb {

struct SparsityReport {
  std::int64_t weights = 0;  // conv and dense weights
  std::int64_t zeros = 0;
  double sparsity() const {
    return weights ? static_cast<double>(zeros) / static_cast<double>(weights) : 0.0;
  }
};

// Zeroes, in each conv/dense layer separately, the round(sparsity x count) weights of smallest
// magnitude (ties broken by position, so the result is deterministic). sparsity in [0, 1).
// Throws InputError for a sparsity outside [0, 1) or a graph without weights.
SparsityReport prune_synapses(Graph& graph, double sparsity);
SparsityReport measure_sparsity(const Graph& graph);

}  // namespace qtb
