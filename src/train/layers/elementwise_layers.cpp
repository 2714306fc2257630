#include "train/layers/elementwise_layers.hpp"

#include <algorithm>

#include "core/quantization.hpp"
#include "train/quantizers.hpp"

namespace qtb::train_detail {

void ActivationLayer::forward(const Tensor& in, Tensor& out, Mode) {
  out.resize(in.batch, in.shape);
  const float* x = in.data();
  float* y = out.data();
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
  const float* x = in.data();
  const float* g = grad_out.data();
  float* dx = grad_in->data();
  const std::int64_t size = in.size();
  if (kind_ == ActivationKind::ReLU) {
    for (std::int64_t i = 0; i < size; ++i) dx[i] = x[i] > 0.0f ? g[i] : 0.0f;
  } else {
    for (std::int64_t i = 0; i < size; ++i) dx[i] = (x[i] >= -1.0f && x[i] <= 1.0f) ? g[i] : 0.0f;
  }
}

ActivationQuantizerLayer::ActivationQuantizerLayer(int node, const QuantizerAttrs& attrs)
    : Layer(node), attrs_(attrs) {
  const UniformQuantizer q{attrs.bits, attrs.is_signed, attrs.scale, 0};
  if (q.is_binary()) {
    lo_ = -1.0f, hi_ = 1.0f;
  } else {
    lo_ = static_cast<float>(q.min_level()) * attrs.scale;
    hi_ = static_cast<float>(q.max_level()) * attrs.scale;
  }
}

void ActivationQuantizerLayer::forward(const Tensor& in, Tensor& out, Mode) {
  out.resize(in.batch, in.shape);
  const float* x = in.data();
  float* y = out.data();
  const std::int64_t size = in.size();
  for (std::int64_t i = 0; i < size; ++i) y[i] = fake_quantize(attrs_, x[i]);
}

void ActivationQuantizerLayer::backward(const Tensor& in, const Tensor&, const Tensor& grad_out,
                                        Tensor* grad_in) {
  if (grad_in == nullptr) return;
  grad_in->resize(in.batch, in.shape);
  const float* x = in.data();
  const float* g = grad_out.data();
  float* dx = grad_in->data();
  const std::int64_t size = in.size();
  for (std::int64_t i = 0; i < size; ++i) dx[i] = (x[i] >= lo_ && x[i] <= hi_) ? g[i] : 0.0f;
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
