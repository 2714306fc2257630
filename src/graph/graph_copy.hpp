#pragma once
// Rebuilding a graph node by node, for the transformations that change a few attributes or insert
// nodes (filter pruning, post-training quantization): the copy goes through Graph's builders, so
// shapes are inferred and checked again.
#include <vector>

#include "graph/graph.hpp"

namespace qtb {

// Appends a node like `like` (kind, name, attributes) fed by `inputs` (ids in `into`); weights
// are not copied. Returns its id.
int append_like(Graph& into, const Node& like, const std::vector<int>& inputs);

}  // namespace qtb
