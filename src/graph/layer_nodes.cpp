#include "graph/layer_nodes.hpp"

#include <fmt/format.h>
#include <unordered_map>

namespace qtb {

std::vector<std::vector<int>> layer_nodes(const Graph& graph, std::span<const std::string> heads) {
  std::unordered_map<std::string, int> head_node;
  for (int id = 0; id < graph.size(); ++id) head_node.emplace(graph.node(id).name, id);
  std::vector<int> owner(static_cast<std::size_t>(graph.size()), -1);  // a head node id, or -1
  std::unordered_map<int, bool> is_head;
  for (const std::string& head : heads) {
    if (auto it = head_node.find(head); it != head_node.end()) is_head[it->second] = true;
  }
  for (int id = 0; id < graph.size(); ++id) {
    const Node& node = graph.node(id);
    auto& mine = owner[static_cast<std::size_t>(id)];
    if (is_head.count(id) != 0) {
      mine = id;
    } else if (node.kind != OpKind::Input && node.kind != OpKind::Softmax && !node.inputs.empty()) {
      mine = owner[static_cast<std::size_t>(node.inputs.front())];
    }
  }
  std::vector<std::vector<int>> out;
  for (const std::string& head : heads) {
    std::vector<int> nodes;
    if (auto it = head_node.find(head); it != head_node.end()) {
      for (int id = 0; id < graph.size(); ++id)
        if (owner[static_cast<std::size_t>(id)] == it->second) nodes.push_back(id);
    }
    out.push_back(std::move(nodes));
  }
  return out;
}

std::string joined_node_names(const Graph& graph, std::span<const int> nodes) {
  std::vector<std::string> names;
  for (int id : nodes) names.push_back(graph.node(id).name);
  return fmt::format("{}", fmt::join(names, "+"));
}

std::string joined_node_kinds(const Graph& graph, std::span<const int> nodes) {
  std::vector<std::string> kinds;
  for (int id : nodes) kinds.emplace_back(to_string(graph.node(id).kind));
  return fmt::format("{}", fmt::join(kinds, "+"));
}

}  // namespace qtb
