#include "train/layers/dense_layer.hpp"

#include "train/gemm.hpp"

namespace qtb::train_detail {

DenseLayer::DenseLayer(int node, std::int64_t in_features, std::int64_t out_features,
                       int weight_bits, std::vector<float> weights, std::vector<float> bias)
    : WeightedLayer(node, out_features, weight_bits, std::move(weights), std::move(bias)),
      in_(in_features),
      out_(out_features) {}

void DenseLayer::forward(const Tensor& in, Tensor& out, Mode) {
  out.resize(in.batch, Shape{out_, 1, 1});
  gemm(false, true, in.batch, out_, in_, 1.0f, in.data(), in_, effective(), in_, 0.0f, out.data(),
       out_);
  if (bias_.empty()) return;
  for (std::int64_t n = 0; n < in.batch; ++n) {
    float* row = out.item(n);
    for (std::int64_t o = 0; o < out_; ++o) row[o] += bias_[static_cast<std::size_t>(o)];
  }
}

void DenseLayer::backward(const Tensor& in, const Tensor&, const Tensor& grad_out,
                          Tensor* grad_in) {
  // dW[out x in] = grad_out^T * in
  gemm(true, false, out_, in_, in.batch, 1.0f, grad_out.data(), out_, in.data(), in_, 0.0f,
       weight_grads_.data(), in_);
  if (!bias_.empty()) {
    std::fill(bias_grads_.begin(), bias_grads_.end(), 0.0f);
    for (std::int64_t n = 0; n < in.batch; ++n) {
      const float* row = grad_out.item(n);
      for (std::int64_t o = 0; o < out_; ++o) bias_grads_[static_cast<std::size_t>(o)] += row[o];
    }
  }
  if (grad_in == nullptr) return;
  grad_in->resize(in.batch, in.shape);
  gemm(false, false, in.batch, in_, out_, 1.0f, grad_out.data(), out_, effective(), in_, 0.0f,
       grad_in->data(), in_);
}

}  // namespace qtb::train_detail
