#pragma once
// A chain of layers built from a training graph (training_graph.hpp), with the activations of the
// last forward kept for backward.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "data/dataset.hpp"
#include "graph/graph.hpp"
#include "train/layers/layer.hpp"

namespace qtb::train_detail {

class Network {
 public:
  // weight_bits 0 = float weights. A graph without all its weights is initialised from `seed`
  // (He normal for conv/dense, zero biases; batchnorm gamma 1, beta 0, mean 0, variance 1).
  Network(const Graph& graph, int weight_bits, std::uint64_t seed);

  const Shape& input_shape() const { return input_shape_; }
  std::int64_t classes() const { return classes_; }

  // The logits of `input` (batch x input_shape()); `input` must outlive the next backward.
  const Tensor& forward(const Tensor& input, Mode mode);
  // Backpropagates d(loss)/d(logits) of the last training forward into the parameter gradients.
  void backward(const Tensor& grad_logits);

  std::vector<Parameter> parameters();
  void parameters_changed();
  // The training graph with the current parameters.
  Graph trained_graph() const;

 private:
  Graph graph_;
  Shape input_shape_;
  std::int64_t classes_ = 0;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<Tensor> outputs_;    // per layer
  std::size_t first_trained_ = 0;  // the first layer with parameters
  const Tensor* input_ = nullptr;
  Tensor grad_a_, grad_b_;
};

// Images `indices` of `data` as the network input: pixel * (1 / 255), NCHW, as the harness does.
void load_batch(const DataSet& data, std::span<const std::int64_t> indices, Tensor& input);

}  // namespace qtb::train_detail
