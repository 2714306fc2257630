#pragma once
// Which graph nodes each step of a compiled model computes. A backend names a step by the node it
// belongs to (the head of what it fused: a conv, a dense, a pool); the nodes after a head that no
// step names (batchnorm, activation, quantizer folded into the head's epilogue) belong to the step
// of their first input. The network input and a trailing softmax (never run: models output logits)
// belong to none.
#include <span>
#include <string>
#include <vector>

#include "graph/graph.hpp"

namespace qtb {

// Per head name, the node ids it covers in graph order (the head first); a name that is not a
// node of `graph` covers nothing.
std::vector<std::vector<int>> layer_nodes(const Graph& graph, std::span<const std::string> heads);

// "conv1+bn1+relu1" and "conv2d+batchnorm+activation" for a list of node ids.
std::string joined_node_names(const Graph& graph, std::span<const int> nodes);
std::string joined_node_kinds(const Graph& graph, std::span<const int> nodes);

}  // namespace qtb
