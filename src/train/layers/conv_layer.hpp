#pragma once
// 2-D convolution (groups 1) by im2col + GEMM. Weights are out x (in x kh x kw), as in the Graph.
// Images are processed in chunks whose im2col matrices sit side by side, so that one GEMM per
// chunk is wide enough to be efficient even for the late 1x1 or 3x3 feature maps.
#include <utility>

#include "graph/node.hpp"
#include "train/layers/weighted_layer.hpp"

namespace qtb::train_detail {

class ConvLayer : public WeightedLayer {
 public:
  ConvLayer(int node, const Shape& input, const Shape& output, const Conv2dAttrs& attrs,
            int weight_bits, std::vector<float> weights, std::vector<float> bias);

  Shape output_shape(const Shape&) const override { return output_; }
  void forward(const Tensor& in, Tensor& out, Mode mode) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor* grad_in) override;

 private:
  std::int64_t chunk_images(std::int64_t batch) const;
  std::pair<std::int64_t, std::int64_t> valid_columns(std::int64_t kx) const;
  // col[k][j * P + p] for the images first .. first + count - 1 of `in`.
  void im2col(const Tensor& in, std::int64_t first, std::int64_t count);
  // Adds col_grads_ back onto the input gradients of the same images.
  void col2im(Tensor& grad_in, std::int64_t first, std::int64_t count) const;

  Shape input_, output_;
  Conv2dAttrs attrs_;
  std::int64_t patch_;                                 // K = in channels x kh x kw
  std::int64_t pixels_;                                // P = out height x out width
  std::vector<float> columns_, col_grads_, products_;  // scratch per chunk
};

}  // namespace qtb::train_detail
