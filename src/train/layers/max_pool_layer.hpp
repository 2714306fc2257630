#pragma once
// Max pooling with the Graph's output size (ceil mode and padding included: windows are clipped
// to the input, padding never wins). Backward routes each gradient to the first maximum of its
// window, remembered by the training forward.
#include "graph/node.hpp"
#include "train/layers/layer.hpp"

namespace qtb::train_detail {

class MaxPoolLayer : public Layer {
 public:
  MaxPoolLayer(int node, const Shape& output, const PoolAttrs& attrs)
      : Layer(node), output_(output), attrs_(attrs) {}

  Shape output_shape(const Shape&) const override { return output_; }
  void forward(const Tensor& in, Tensor& out, Mode mode) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor* grad_in) override;

 private:
  Shape output_;
  PoolAttrs attrs_;
  std::vector<std::int32_t> argmax_;  // per output value: index into its input item
};

}  // namespace qtb::train_detail
