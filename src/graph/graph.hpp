#pragma once
// The network IR: a list of nodes in topological order (every input precedes its consumer).
// Nodes are added through the builder methods below, which infer and check the output shape, so a
// Graph is consistent by construction. Invalid shapes throw InputError naming graph and node.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/node.hpp"

namespace qtb {

class Graph {
 public:
  explicit Graph(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const Node& node(int id) const { return nodes_.at(static_cast<std::size_t>(id)); }
  const Shape& shape(int id) const { return node(id).output; }
  int size() const { return static_cast<int>(nodes_.size()); }

  // Builders. `name` may be empty: a unique name is made from the kind ("conv2d_3").
  int input(Shape shape, std::string name = "input");
  int conv2d(int from, const Conv2dAttrs& attrs, std::string name = "");
  int dense(int from, const DenseAttrs& attrs, std::string name = "");
  int max_pool(int from, const PoolAttrs& attrs, std::string name = "");
  int avg_pool(int from, const PoolAttrs& attrs, std::string name = "");
  int global_avg_pool(int from, std::string name = "");
  int batch_norm(int from, std::string name = "");
  int activation(int from, ActivationKind kind, std::string name = "");
  int quantizer(int from, const QuantizerAttrs& attrs, std::string name = "");
  int add(const std::vector<int>& from, std::string name = "");
  int concat(const std::vector<int>& from, std::string name = "");
  int flatten(int from, std::string name = "");
  int softmax(int from, std::string name = "");

  // Number of weights and bias values of a node: conv and dense weights; for batchnorm its four
  // per-channel vectors gamma, beta, mean, variance, stored one after the other (4 x channels);
  // 0 for other kinds. The cost model counts only conv and dense weights as parameters.
  std::int64_t weight_count(int id) const;
  std::int64_t bias_count(int id) const;
  // Attaches trained parameters; sizes must match weight_count/bias_count (bias may stay empty).
  void set_weights(int id, std::vector<float> weights, std::vector<float> bias = {});
  // True when every conv, dense and batchnorm node has its weights.
  bool has_all_weights() const;

 private:
  int append(Node node);
  void check_input(int from, const std::string& consumer) const;
  [[noreturn]] void fail(const std::string& node_name, const std::string& message) const;

  std::string name_;
  std::vector<Node> nodes_;
};

}  // namespace qtb
