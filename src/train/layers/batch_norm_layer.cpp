#include "train/layers/batch_norm_layer.hpp"

#include <cmath>

#include "graph/batch_norm.hpp"

namespace qtb::train_detail {

BatchNormLayer::BatchNormLayer(int node, std::int64_t channels, std::vector<float> weights)
    : Layer(node),
      channels_(channels),
      affine_(weights.begin(), weights.begin() + 2 * channels),
      affine_grads_(affine_.size()),
      running_mean_(weights.begin() + 2 * channels, weights.begin() + 3 * channels),
      running_var_(weights.begin() + 3 * channels, weights.end()),
      batch_mean_(static_cast<std::size_t>(channels)),
      batch_inv_std_(static_cast<std::size_t>(channels)) {}

void BatchNormLayer::forward(const Tensor& in, Tensor& out, Mode mode) {
  out.resize(in.batch, in.shape);
  const std::int64_t spatial = in.shape.height * in.shape.width;
  const std::int64_t count = in.batch * spatial;
  const float* gamma = affine_.data();
  const float* beta = affine_.data() + channels_;
#pragma omp parallel for schedule(static)
  for (std::int64_t c = 0; c < channels_; ++c) {
    const auto uc = static_cast<std::size_t>(c);
    float scale = 0.0f, shift = 0.0f;
    if (mode == Mode::train) {
      double sum = 0.0, sum_squares = 0.0;
      for (std::int64_t n = 0; n < in.batch; ++n) {
        const float* x = in.item(n) + c * spatial;
        for (std::int64_t s = 0; s < spatial; ++s) sum += x[s];
      }
      const double mean = sum / static_cast<double>(count);
      for (std::int64_t n = 0; n < in.batch; ++n) {
        const float* x = in.item(n) + c * spatial;
        for (std::int64_t s = 0; s < spatial; ++s) {
          const double d = x[s] - mean;
          sum_squares += d * d;
        }
      }
      const double variance = sum_squares / static_cast<double>(count);
      const double inv_std = 1.0 / std::sqrt(variance + kBatchNormEpsilon);
      batch_mean_[uc] = static_cast<float>(mean);
      batch_inv_std_[uc] = static_cast<float>(inv_std);
      scale = static_cast<float>(gamma[c] * inv_std);
      shift = static_cast<float>(beta[c] - mean * gamma[c] * inv_std);
      const double unbiased = count > 1 ? sum_squares / static_cast<double>(count - 1) : variance;
      running_mean_[uc] = (1.0f - kMomentum) * running_mean_[uc] + kMomentum * batch_mean_[uc];
      running_var_[uc] =
          (1.0f - kMomentum) * running_var_[uc] + kMomentum * static_cast<float>(unbiased);
    } else {
      scale = gamma[c] / std::sqrt(running_var_[uc] + kBatchNormEpsilon);
      shift = beta[c] - running_mean_[uc] * scale;
    }
    for (std::int64_t n = 0; n < in.batch; ++n) {
      const float* x = in.item(n) + c * spatial;
      float* y = out.item(n) + c * spatial;
      for (std::int64_t s = 0; s < spatial; ++s) y[s] = x[s] * scale + shift;
    }
  }
}

void BatchNormLayer::backward(const Tensor& in, const Tensor&, const Tensor& grad_out,
                              Tensor* grad_in) {
  const std::int64_t spatial = in.shape.height * in.shape.width;
  const auto count = static_cast<double>(in.batch * spatial);
  if (grad_in != nullptr) grad_in->resize(in.batch, in.shape);
#pragma omp parallel for schedule(static)
  for (std::int64_t c = 0; c < channels_; ++c) {
    const auto uc = static_cast<std::size_t>(c);
    const double mean = batch_mean_[uc], inv_std = batch_inv_std_[uc];
    double grad_beta = 0.0, grad_gamma = 0.0;
    for (std::int64_t n = 0; n < in.batch; ++n) {
      const float* x = in.item(n) + c * spatial;
      const float* g = grad_out.item(n) + c * spatial;
      for (std::int64_t s = 0; s < spatial; ++s) {
        grad_beta += g[s];
        grad_gamma += g[s] * (x[s] - mean) * inv_std;
      }
    }
    affine_grads_[uc] = static_cast<float>(grad_gamma);
    affine_grads_[static_cast<std::size_t>(channels_ + c)] = static_cast<float>(grad_beta);
    if (grad_in == nullptr) continue;
    // dx = gamma * inv_std * (g - mean(g) - xhat * mean(g * xhat))
    const double factor = affine_[uc] * inv_std;
    const double mean_g = grad_beta / count, mean_gx = grad_gamma / count;
    for (std::int64_t n = 0; n < in.batch; ++n) {
      const float* x = in.item(n) + c * spatial;
      const float* g = grad_out.item(n) + c * spatial;
      float* dx = grad_in->item(n) + c * spatial;
      for (std::int64_t s = 0; s < spatial; ++s) {
        const double xhat = (x[s] - mean) * inv_std;
        dx[s] = static_cast<float>(factor * (g[s] - mean_g - xhat * mean_gx));
      }
    }
  }
}

std::vector<Parameter> BatchNormLayer::parameters() {
  return {{affine_, affine_grads_, false}};
}

void BatchNormLayer::store(Graph& graph) const {
  std::vector<float> weights = affine_;
  weights.insert(weights.end(), running_mean_.begin(), running_mean_.end());
  weights.insert(weights.end(), running_var_.begin(), running_var_.end());
  graph.set_weights(node(), std::move(weights));
}

}  // namespace qtb::train_detail
