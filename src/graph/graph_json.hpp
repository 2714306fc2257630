#pragma once
// A Graph's structure as JSON: its name and its nodes in order, each with name, kind, inputs (by
// name), attributes and output shape. Weights are not part of it (model files keep them as
// tensors). Reading rebuilds the graph through the Graph builders, so shapes are inferred and
// checked again; the stored output shapes must agree with them.
//
// {"name": "mlp", "nodes": [
//   {"name": "input", "kind": "input", "inputs": [], "attrs": {"shape": [1, 28, 28]},
//    "output": [1, 28, 28]}, ...]}
#include <nlohmann/json.hpp>

#include "graph/graph.hpp"

namespace qtb {

nlohmann::json graph_to_json(const Graph& graph);

// Strict: an unknown kind or key, a value of the wrong type, an input that is not an earlier
// node, a name the builder would change or a stored shape that differs from the inferred one
// throws InputError naming the node and what was wrong.
Graph graph_from_json(const nlohmann::json& json);

}  // namespace qtb
