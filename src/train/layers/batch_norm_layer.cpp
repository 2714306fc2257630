#include "train/layers/batch_norm_layer.hpp"

#include <cmath>

#include "graph/batch_norm.hpp"
#include "train/parallel.hpp"

namespace qtb::train_detail {
namespace {

// Per-channel sums over a batch of [channels x spatial] items, in double, in a fixed order
// (images in order; within an image, a vectorized sum over the positions), so the result does
// not depend on the thread count. `term(x, c)` gives the summand of value x in channel c; a flat
// input (spatial 1) vectorizes over the channels instead.
template <typename Term>
void channel_sums(const float* data, std::int64_t batch, std::int64_t channels,
                  std::int64_t spatial, std::vector<double>& sums, Term term) {
  sums.assign(static_cast<std::size_t>(channels), 0.0);
  double* out = sums.data();
  if (spatial == 1) {
    for (std::int64_t n = 0; n < batch; ++n) {
      const float* x = data + n * channels;
#pragma omp simd
      for (std::int64_t c = 0; c < channels; ++c) out[c] += term(x[c], c);
    }
    return;
  }
#pragma omp parallel for schedule(static) if (batch * channels * spatial >= kMinParallelValues)
  for (std::int64_t c = 0; c < channels; ++c) {
    double total = 0.0;
    for (std::int64_t n = 0; n < batch; ++n) {
      const float* x = data + (n * channels + c) * spatial;
      double partial = 0.0;
#pragma omp simd reduction(+ : partial)
      for (std::int64_t s = 0; s < spatial; ++s) partial += term(x[s], c);
      total += partial;
    }
    out[c] = total;
  }
}

// y = f(x, c) value by value over a batch of [channels x spatial] items.
template <typename Map>
void map_channels(const float* in, float* out, std::int64_t batch, std::int64_t channels,
                  std::int64_t spatial, Map f) {
  if (spatial == 1) {
    for (std::int64_t n = 0; n < batch; ++n) {
#pragma omp simd
      for (std::int64_t c = 0; c < channels; ++c)
        out[n * channels + c] = f(in, n * channels + c, c);
    }
    return;
  }
#pragma omp parallel for schedule(static) if (batch * channels * spatial >= kMinParallelValues)
  for (std::int64_t n = 0; n < batch; ++n) {
    for (std::int64_t c = 0; c < channels; ++c) {
      const std::int64_t base = (n * channels + c) * spatial;
#pragma omp simd
      for (std::int64_t s = 0; s < spatial; ++s) out[base + s] = f(in, base + s, c);
    }
  }
}

}  // namespace

BatchNormLayer::BatchNormLayer(int node, std::int64_t channels, std::vector<float> weights)
    : Layer(node),
      channels_(channels),
      affine_(weights.begin(), weights.begin() + 2 * channels),
      affine_grads_(affine_.size()),
      running_mean_(weights.begin() + 2 * channels, weights.begin() + 3 * channels),
      running_var_(weights.begin() + 3 * channels, weights.end()),
      batch_mean_(static_cast<std::size_t>(channels)),
      batch_inv_std_(static_cast<std::size_t>(channels)),
      scale_(static_cast<std::size_t>(channels)),
      shift_(static_cast<std::size_t>(channels)),
      mean_gx_(static_cast<std::size_t>(channels)) {}

void BatchNormLayer::forward(const Tensor& in, Tensor& out, Mode mode) {
  out.resize(in.batch, in.shape);
  const std::int64_t spatial = in.shape.height * in.shape.width;
  const auto count = static_cast<double>(in.batch * spatial);
  const float* gamma = affine_.data();
  const float* beta = affine_.data() + channels_;
  for (std::int64_t c = 0; c < channels_; ++c) {
    const auto uc = static_cast<std::size_t>(c);
    if (mode == Mode::eval) {  // as graph/batch_norm.hpp, which lower() folds
      scale_[uc] = gamma[c] / std::sqrt(running_var_[uc] + kBatchNormEpsilon);
      shift_[uc] = beta[c] - running_mean_[uc] * scale_[uc];
    }
  }
  if (mode == Mode::train) {
    channel_sums(in.data(), in.batch, channels_, spatial, sums_,
                 [](float x, std::int64_t) { return static_cast<double>(x); });
    for (std::int64_t c = 0; c < channels_; ++c) {
      batch_mean_[static_cast<std::size_t>(c)] =
          static_cast<float>(sums_[static_cast<std::size_t>(c)] / count);
    }
    const float* mean = batch_mean_.data();
    channel_sums(in.data(), in.batch, channels_, spatial, sums_, [mean](float x, std::int64_t c) {
      const double d = static_cast<double>(x) - mean[c];
      return d * d;
    });
    for (std::int64_t c = 0; c < channels_; ++c) {
      const auto uc = static_cast<std::size_t>(c);
      const double variance = sums_[uc] / count;
      const double inv_std = 1.0 / std::sqrt(variance + kBatchNormEpsilon);
      batch_inv_std_[uc] = static_cast<float>(inv_std);
      scale_[uc] = static_cast<float>(gamma[c] * inv_std);
      shift_[uc] = static_cast<float>(beta[c] - mean[c] * gamma[c] * inv_std);
      const double unbiased = count > 1 ? sums_[uc] / (count - 1) : variance;
      running_mean_[uc] = (1.0f - kMomentum) * running_mean_[uc] + kMomentum * mean[c];
      running_var_[uc] =
          (1.0f - kMomentum) * running_var_[uc] + kMomentum * static_cast<float>(unbiased);
    }
  }
  const float* scale = scale_.data();
  const float* shift = shift_.data();
  map_channels(in.data(), out.data(), in.batch, channels_, spatial,
               [scale, shift](const float* x, std::int64_t i, std::int64_t c) {
                 return x[i] * scale[c] + shift[c];
               });
}

void BatchNormLayer::backward(const Tensor& in, const Tensor&, const Tensor& grad_out,
                              Tensor* grad_in) {
  const std::int64_t spatial = in.shape.height * in.shape.width;
  const auto count = static_cast<double>(in.batch * spatial);
  const float* mean = batch_mean_.data();
  const float* inv_std = batch_inv_std_.data();
  // xhat = (x - mean) * inv_std, recomputed here in float.
  xhat_.resize(static_cast<std::size_t>(in.size()));
  map_channels(in.data(), xhat_.data(), in.batch, channels_, spatial,
               [mean, inv_std](const float* x, std::int64_t i, std::int64_t c) {
                 return (x[i] - mean[c]) * inv_std[c];
               });
  channel_sums(grad_out.data(), in.batch, channels_, spatial, sums_,
               [](float g, std::int64_t) { return static_cast<double>(g); });
  std::vector<double> grad_beta = sums_;
  // d gamma = sum g * xhat: a product tensor summed like the others.
  products_.resize(static_cast<std::size_t>(in.size()));
  const float* xhat = xhat_.data();
  map_channels(grad_out.data(), products_.data(), in.batch, channels_, spatial,
               [xhat](const float* g, std::int64_t i, std::int64_t) { return g[i] * xhat[i]; });
  channel_sums(products_.data(), in.batch, channels_, spatial, sums_,
               [](float p, std::int64_t) { return static_cast<double>(p); });
  for (std::int64_t c = 0; c < channels_; ++c) {
    const auto uc = static_cast<std::size_t>(c);
    affine_grads_[uc] = static_cast<float>(sums_[uc]);
    affine_grads_[static_cast<std::size_t>(channels_ + c)] = static_cast<float>(grad_beta[uc]);
  }
  if (grad_in == nullptr) return;
  grad_in->resize(in.batch, in.shape);
  // dx = gamma * inv_std * (g - mean(g) - xhat * mean(g * xhat))
  for (std::int64_t c = 0; c < channels_; ++c) {
    const auto uc = static_cast<std::size_t>(c);
    scale_[uc] = affine_[uc] * inv_std[c];
    shift_[uc] = static_cast<float>(grad_beta[uc] / count);
    mean_gx_[uc] = static_cast<float>(sums_[uc] / count);
  }
  const float* factor = scale_.data();
  const float* mean_g = shift_.data();
  const float* mean_gx = mean_gx_.data();
  map_channels(grad_out.data(), grad_in->data(), in.batch, channels_, spatial,
               [=](const float* g, std::int64_t i, std::int64_t c) {
                 return factor[c] * (g[i] - mean_g[c] - xhat[i] * mean_gx[c]);
               });
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
