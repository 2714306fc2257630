#pragma once
// One trainable step of a sequential network: forward from the previous layer's output, backward
// from the gradient of its own output. Layers keep what backward needs from the last forward in
// training mode; parameter gradients are overwritten by each backward (one backward per step).
#include <span>
#include <vector>

#include "graph/graph.hpp"
#include "train/tensor.hpp"

namespace qtb::train_detail {

enum class Mode { train, eval };

struct Parameter {
  std::span<float> values;
  std::span<float> grads;
  bool is_weight = false;  // conv/dense weights: weight decay and pruning masks apply
};

class Layer {
 public:
  explicit Layer(int node) : node_(node) {}
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  int node() const { return node_; }  // the graph node it trains
  virtual Shape output_shape(const Shape& input) const { return input; }

  virtual void forward(const Tensor& in, Tensor& out, Mode mode) = 0;
  // grad_in may be null when nobody needs it (the first layer).
  virtual void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                        Tensor* grad_in) = 0;

  virtual std::vector<Parameter> parameters() { return {}; }
  // After the parameters changed (optimizer step): refresh derived state (quantized weights).
  virtual void parameters_changed() {}
  // Writes the trained parameters to the node in `graph`.
  virtual void store(Graph& /*graph*/) const {}

 private:
  int node_;
};

}  // namespace qtb::train_detail
