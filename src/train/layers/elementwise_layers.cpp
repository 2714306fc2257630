#include "train/layers/elementwise_layers.hpp"

#include <algorithm>

#include "core/quantization.hpp"
#include "train/quantizers.hpp"

namespace qtb::train_detail {
namespace {

// The gradient where `pass`, else 0. Takes the gradient by value: the load happens
// unconditionally, so the compiler can turn the selection into vector blends.
inline float pass_if(bool pass, float gradient) {
  return pass ? gradient : 0.0f;
}

}  // namespace

void ActivationLayer::forward(const Tensor& in, Tensor& out, Mode) {
  out.resize(in.batch, in.shape);
  const float* __restrict x = in.data();
  float* __restrict y = out.data();
  const std::int64_t size = in.size();
  if (kind_ == ActivationKind::ReLU) {
    for (std::int64_t i = 0; i < size; ++i) y[i] = std::max(x[i], 0.0f);
  } else {
    for (std::int64_t i = 0; i < size; ++i) y[i] = std::min(std::max(x[i], -1.0f), 1.0f);
  }
}

void ActivationLayer::backward(const Tensor& in, const Tensor&, const Tensor& grad_out,
                               Tensor* grad_in) {
  if (grad_in == nullptr) return;
  grad_in->resize(in.batch, in.shape);
  const float* __restrict x = in.data();
  const float* __restrict g = grad_out.data();
  float* __restrict dx = grad_in->data();
  const std::int64_t size = in.size();
  if (kind_ == ActivationKind::ReLU) {
    for (std::int64_t i = 0; i < size; ++i) dx[i] = pass_if(x[i] > 0.0f, g[i]);
  } else {
    for (std::int64_t i = 0; i < size; ++i) dx[i] = pass_if(x[i] >= -1.0f && x[i] <= 1.0f, g[i]);
  }
}

ActivationQuantizerLayer::ActivationQuantizerLayer(int node, const QuantizerAttrs& attrs)
    : Layer(node), attrs_(attrs) {
  const UniformQuantizer q{attrs.bits, attrs.is_signed, attrs.scale, 0};
  binary_ = q.is_binary();
  min_level_ = static_cast<float>(q.min_level());
  max_level_ = static_cast<float>(q.max_level());
  if (binary_) {
    lo_ = -1.0f, hi_ = 1.0f;
  } else {
    lo_ = min_level_ * attrs.scale;
    hi_ = max_level_ * attrs.scale;
  }
}

void ActivationQuantizerLayer::forward(const Tensor& in, Tensor& out, Mode) {
  out.resize(in.batch, in.shape);
  const float* __restrict x = in.data();
  float* __restrict y = out.data();
  const std::int64_t size = in.size();
  const float scale = attrs_.scale;
  if (binary_) {
    for (std::int64_t i = 0; i < size; ++i) y[i] = x[i] >= 0.0f ? scale : -scale;
    return;
  }
  // fake_quantize(), inlined for the vectorizer.
  for (std::int64_t i = 0; i < size; ++i) {
    y[i] = round_to_level(x[i] / scale, min_level_, max_level_) * scale;
  }
}

void ActivationQuantizerLayer::backward(const Tensor& in, const Tensor&, const Tensor& grad_out,
                                        Tensor* grad_in) {
  if (grad_in == nullptr) return;
  grad_in->resize(in.batch, in.shape);
  const float* __restrict x = in.data();
  const float* __restrict g = grad_out.data();
  float* __restrict dx = grad_in->data();
  const std::int64_t size = in.size();
  const float lo = lo_, hi = hi_;
  for (std::int64_t i = 0; i < size; ++i) dx[i] = pass_if(x[i] >= lo && x[i] <= hi, g[i]);
}

void FlattenLayer::forward(const Tensor& in, Tensor& out, Mode) {
  out.resize(in.batch, output_shape(in.shape));
  std::copy(in.values.begin(), in.values.begin() + in.size(), out.values.begin());
}

void FlattenLayer::backward(const Tensor& in, const Tensor&, const Tensor& grad_out,
                            Tensor* grad_in) {
  if (grad_in == nullptr) return;
  grad_in->resize(in.batch, in.shape);
  std::copy(grad_out.values.begin(), grad_out.values.begin() + grad_out.size(),
            grad_in->values.begin());
}

}  // namespace qtb::train_detail
