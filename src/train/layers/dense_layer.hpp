#pragma once
// Fully connected: out[n][o] = sum_i in[n][i] * W[o][i] (+ bias[o]); W is out x in, row-major,
// as in the Graph. With weight bits, W is the fake-quantized master weight (straight-through:
// the gradient of the quantized weight updates the float master).
#include "train/layers/weighted_layer.hpp"

namespace qtb::train_detail {

class DenseLayer : public WeightedLayer {
 public:
  // weight_bits 0 = float weights.
  DenseLayer(int node, std::int64_t in_features, std::int64_t out_features, int weight_bits,
             std::vector<float> weights, std::vector<float> bias);

  Shape output_shape(const Shape&) const override { return Shape{out_, 1, 1}; }
  void forward(const Tensor& in, Tensor& out, Mode mode) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor* grad_in) override;

 private:
  std::int64_t in_, out_;
};

}  // namespace qtb::train_detail
