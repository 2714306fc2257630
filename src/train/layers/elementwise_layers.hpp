#pragma once
// Layers applied value by value: ReLU, HardTanh, the activation quantizer, and flatten (a copy:
// NCHW items are already flat).
#include "graph/node.hpp"
#include "train/layers/layer.hpp"

namespace qtb::train_detail {

class ActivationLayer : public Layer {
 public:
  ActivationLayer(int node, ActivationKind kind) : Layer(node), kind_(kind) {}
  void forward(const Tensor& in, Tensor& out, Mode mode) override;
  // ReLU: gradient where in > 0; HardTanh: where -1 <= in <= 1.
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor* grad_in) override;

 private:
  ActivationKind kind_;
};

// Fake-quantizes activations (quantizers.hpp). Straight-through backward: the gradient passes
// where the input lies inside the quantizer's range [min level, max level] * scale and is 0
// outside; a binary quantizer passes it where |in| <= 1 (the HardTanh estimator of BNNs).
class ActivationQuantizerLayer : public Layer {
 public:
  ActivationQuantizerLayer(int node, const QuantizerAttrs& attrs);
  void forward(const Tensor& in, Tensor& out, Mode mode) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor* grad_in) override;

 private:
  QuantizerAttrs attrs_;
  bool binary_ = false;
  float min_level_ = 0, max_level_ = 0;
  float lo_ = 0, hi_ = 0;  // the range the gradient passes through
};

class FlattenLayer : public Layer {
 public:
  using Layer::Layer;
  Shape output_shape(const Shape& input) const override { return Shape{input.elements(), 1, 1}; }
  void forward(const Tensor& in, Tensor& out, Mode mode) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor* grad_in) override;
};

}  // namespace qtb::train_detail
