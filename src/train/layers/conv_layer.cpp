#include "train/layers/conv_layer.hpp"

#include <algorithm>

#include "train/gemm.hpp"
#include "train/parallel.hpp"

namespace qtb::train_detail {

ConvLayer::ConvLayer(int node, const Shape& input, const Shape& output, const Conv2dAttrs& attrs,
                     int weight_bits, std::vector<float> weights, std::vector<float> bias)
    : WeightedLayer(node, attrs.out_channels, weight_bits, std::move(weights), std::move(bias)),
      input_(input),
      output_(output),
      attrs_(attrs),
      patch_(input.channels * attrs.kernel_h * attrs.kernel_w),
      pixels_(output.height * output.width) {}

std::int64_t ConvLayer::chunk_images(std::int64_t batch) const {
  constexpr std::int64_t kTargetColumns = 2048;
  return std::clamp<std::int64_t>((kTargetColumns + pixels_ - 1) / pixels_, 1, batch);
}

// The output columns [first, last) of one kernel offset whose input column
// x = ox * stride - pad + kx lies inside [0, width): the rest read padding.
std::pair<std::int64_t, std::int64_t> ConvLayer::valid_columns(std::int64_t kx) const {
  const std::int64_t stride = attrs_.stride_w, offset = kx - attrs_.pad_w;
  std::int64_t first = 0;
  while (first < output_.width && first * stride + offset < 0) ++first;
  std::int64_t last = output_.width;
  while (last > first && (last - 1) * stride + offset >= input_.width) --last;
  return {first, last};
}

void ConvLayer::im2col(const Tensor& in, std::int64_t first, std::int64_t count) {
  const std::int64_t columns = count * pixels_;
  columns_.resize(static_cast<std::size_t>(patch_ * columns));
  const std::int64_t kh = attrs_.kernel_h, kw = attrs_.kernel_w;
  const std::int64_t height = input_.height, width = input_.width;
  const std::int64_t out_h = output_.height, out_w = output_.width;
  const std::int64_t sh = attrs_.stride_h, sw = attrs_.stride_w;
#pragma omp parallel for schedule(static) if (patch_ * count * pixels_ >= kMinParallelValues)
  for (std::int64_t j = 0; j < count; ++j) {
    const float* image = in.item(first + j);
    for (std::int64_t k = 0; k < patch_; ++k) {
      const std::int64_t kx = k % kw, ky = (k / kw) % kh, c = k / (kw * kh);
      const auto [x_first, x_last] = valid_columns(kx);
      float* row = columns_.data() + k * columns + j * pixels_;
      for (std::int64_t oy = 0; oy < out_h; ++oy) {
        float* out = row + oy * out_w;
        const std::int64_t y = oy * sh - attrs_.pad_h + ky;
        if (y < 0 || y >= height) {
          std::fill_n(out, out_w, 0.0f);
          continue;
        }
        const float* src = image + (c * height + y) * width + kx - attrs_.pad_w;
        std::fill(out, out + x_first, 0.0f);
        for (std::int64_t ox = x_first; ox < x_last; ++ox) out[ox] = src[ox * sw];
        std::fill(out + x_last, out + out_w, 0.0f);
      }
    }
  }
}

void ConvLayer::col2im(Tensor& grad_in, std::int64_t first, std::int64_t count) const {
  const std::int64_t columns = count * pixels_;
  const std::int64_t kh = attrs_.kernel_h, kw = attrs_.kernel_w;
  const std::int64_t height = input_.height, width = input_.width;
  const std::int64_t out_h = output_.height, out_w = output_.width;
  const std::int64_t sh = attrs_.stride_h, sw = attrs_.stride_w;
#pragma omp parallel for schedule(static) if (patch_ * count * pixels_ >= kMinParallelValues)
  for (std::int64_t j = 0; j < count; ++j) {
    float* image = grad_in.item(first + j);
    for (std::int64_t k = 0; k < patch_; ++k) {
      const std::int64_t kx = k % kw, ky = (k / kw) % kh, c = k / (kw * kh);
      const auto [x_first, x_last] = valid_columns(kx);
      const float* row = col_grads_.data() + k * columns + j * pixels_;
      for (std::int64_t oy = 0; oy < out_h; ++oy) {
        const std::int64_t y = oy * sh - attrs_.pad_h + ky;
        if (y < 0 || y >= height) continue;
        const float* from = row + oy * out_w;
        float* dst = image + (c * height + y) * width + kx - attrs_.pad_w;
        for (std::int64_t ox = x_first; ox < x_last; ++ox) dst[ox * sw] += from[ox];
      }
    }
  }
}

void ConvLayer::forward(const Tensor& in, Tensor& out, Mode) {
  out.resize(in.batch, output_);
  const std::int64_t channels = attrs_.out_channels;
  const std::int64_t chunk = chunk_images(in.batch);
  for (std::int64_t first = 0; first < in.batch; first += chunk) {
    const std::int64_t count = std::min(chunk, in.batch - first);
    const std::int64_t columns = count * pixels_;
    im2col(in, first, count);
    products_.resize(static_cast<std::size_t>(channels * columns));
    gemm(false, false, channels, columns, patch_, 1.0f, effective(), patch_, columns_.data(),
         columns, 0.0f, products_.data(), columns);
#pragma omp parallel for schedule(static) if (channels * count * pixels_ >= kMinParallelValues)
    for (std::int64_t j = 0; j < count; ++j) {
      float* image = out.item(first + j);
      for (std::int64_t o = 0; o < channels; ++o) {
        const float b = bias_.empty() ? 0.0f : bias_[static_cast<std::size_t>(o)];
        const float* from = products_.data() + o * columns + j * pixels_;
        for (std::int64_t p = 0; p < pixels_; ++p) image[o * pixels_ + p] = from[p] + b;
      }
    }
  }
}

void ConvLayer::backward(const Tensor& in, const Tensor&, const Tensor& grad_out, Tensor* grad_in) {
  const std::int64_t channels = attrs_.out_channels;
  const std::int64_t chunk = chunk_images(in.batch);
  if (grad_in != nullptr) {
    grad_in->resize(in.batch, in.shape);
    std::fill_n(grad_in->data(), grad_in->size(), 0.0f);
  }
  if (!bias_.empty()) {
    std::fill(bias_grads_.begin(), bias_grads_.end(), 0.0f);
    for (std::int64_t n = 0; n < in.batch; ++n) {
      for (std::int64_t o = 0; o < channels; ++o) {
        const float* g = grad_out.item(n) + o * pixels_;
        float sum = 0.0f;
        for (std::int64_t p = 0; p < pixels_; ++p) sum += g[p];
        bias_grads_[static_cast<std::size_t>(o)] += sum;
      }
    }
  }
  for (std::int64_t first = 0; first < in.batch; first += chunk) {
    const std::int64_t count = std::min(chunk, in.batch - first);
    const std::int64_t columns = count * pixels_;
    // Gather the chunk's output gradients into channels x columns.
    products_.resize(static_cast<std::size_t>(channels * columns));
#pragma omp parallel for schedule(static) if (channels * count * pixels_ >= kMinParallelValues)
    for (std::int64_t j = 0; j < count; ++j) {
      const float* image = grad_out.item(first + j);
      for (std::int64_t o = 0; o < channels; ++o) {
        std::copy_n(image + o * pixels_, pixels_, products_.data() + o * columns + j * pixels_);
      }
    }
    im2col(in, first, count);
    // dW += g * col^T, chunks accumulated in order.
    gemm(false, true, channels, patch_, columns, 1.0f, products_.data(), columns, columns_.data(),
         columns, first == 0 ? 0.0f : 1.0f, weight_grads_.data(), patch_);
    if (grad_in == nullptr) continue;
    col_grads_.resize(static_cast<std::size_t>(patch_ * columns));
    gemm(true, false, patch_, columns, channels, 1.0f, effective(), patch_, products_.data(),
         columns, 0.0f, col_grads_.data(), columns);
    col2im(*grad_in, first, count);
  }
}

}  // namespace qtb::train_detail
