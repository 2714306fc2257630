#include "train/loss.hpp"

#include <cmath>

namespace qtb::train_detail {

std::int64_t argmax(const float* values, std::int64_t count) {
  std::int64_t best = 0;
  for (std::int64_t i = 1; i < count; ++i) {
    if (values[i] > values[best]) best = i;
  }
  return best;
}

LossResult softmax_cross_entropy(const Tensor& logits, std::span<const Label> labels,
                                 Tensor& grad) {
  grad.resize(logits.batch, logits.shape);
  const std::int64_t classes = logits.item_size();
  const double inv_batch = 1.0 / static_cast<double>(logits.batch);
  LossResult result;
  for (std::int64_t n = 0; n < logits.batch; ++n) {
    const float* z = logits.item(n);
    float* g = grad.item(n);
    const std::int64_t label = labels[static_cast<std::size_t>(n)];
    const std::int64_t best = argmax(z, classes);
    if (best == label) ++result.correct;
    // Shifted by the maximum so that exp cannot overflow.
    double sum = 0.0;
    for (std::int64_t k = 0; k < classes; ++k) sum += std::exp(static_cast<double>(z[k] - z[best]));
    const double log_sum = std::log(sum) + z[best];
    result.total_loss += log_sum - z[label];
    for (std::int64_t k = 0; k < classes; ++k) {
      const double p = std::exp(z[k] - log_sum);
      g[k] = static_cast<float>((p - (k == label ? 1.0 : 0.0)) * inv_batch);
    }
  }
  return result;
}

}  // namespace qtb::train_detail
