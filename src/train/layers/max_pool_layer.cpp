#include "train/layers/max_pool_layer.hpp"
#include "train/parallel.hpp"

#include <algorithm>
#include <limits>

namespace qtb::train_detail {

void MaxPoolLayer::forward(const Tensor& in, Tensor& out, Mode) {
  out.resize(in.batch, output_);
  argmax_.resize(static_cast<std::size_t>(out.size()));
  const std::int64_t height = in.shape.height, width = in.shape.width;
  const std::int64_t out_h = output_.height, out_w = output_.width;
#pragma omp parallel for schedule(static) if (in.size() >= kMinParallelValues)
  for (std::int64_t n = 0; n < in.batch; ++n) {
    const float* image = in.item(n);
    float* pooled = out.item(n);
    std::int32_t* where = argmax_.data() + n * out.item_size();
    for (std::int64_t c = 0; c < output_.channels; ++c) {
      for (std::int64_t oy = 0; oy < out_h; ++oy) {
        const std::int64_t y0 = std::max<std::int64_t>(oy * attrs_.stride - attrs_.pad, 0);
        const std::int64_t y1 = std::min(oy * attrs_.stride - attrs_.pad + attrs_.kernel, height);
        for (std::int64_t ox = 0; ox < out_w; ++ox) {
          const std::int64_t x0 = std::max<std::int64_t>(ox * attrs_.stride - attrs_.pad, 0);
          const std::int64_t x1 = std::min(ox * attrs_.stride - attrs_.pad + attrs_.kernel, width);
          float best = -std::numeric_limits<float>::infinity();
          std::int64_t best_at = (c * height + y0) * width + x0;
          for (std::int64_t y = y0; y < y1; ++y) {
            for (std::int64_t x = x0; x < x1; ++x) {
              const std::int64_t at = (c * height + y) * width + x;
              if (image[at] > best) best = image[at], best_at = at;
            }
          }
          const std::int64_t o = (c * out_h + oy) * out_w + ox;
          pooled[o] = best;
          where[o] = static_cast<std::int32_t>(best_at);
        }
      }
    }
  }
}

void MaxPoolLayer::backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                            Tensor* grad_in) {
  if (grad_in == nullptr) return;
  grad_in->resize(in.batch, in.shape);
  std::fill_n(grad_in->data(), grad_in->size(), 0.0f);
#pragma omp parallel for schedule(static) if (in.size() >= kMinParallelValues)
  for (std::int64_t n = 0; n < in.batch; ++n) {
    const float* g = grad_out.item(n);
    const std::int32_t* where = argmax_.data() + n * out.item_size();
    float* dx = grad_in->item(n);
    for (std::int64_t o = 0; o < out.item_size(); ++o) dx[where[o]] += g[o];
  }
}

}  // namespace qtb::train_detail
