#pragma once
// Softmax cross-entropy on logits (the graph's trailing softmax node is the loss).
#include <cstdint>
#include <span>

#include "data/dataset.hpp"
#include "train/tensor.hpp"

namespace qtb::train_detail {

struct LossResult {
  double total_loss = 0;     // summed over the batch
  std::int64_t correct = 0;  // top-1 hits (the first maximum wins)
};

// grad = d(mean loss)/d(logits) = (softmax - onehot) / batch.
LossResult softmax_cross_entropy(const Tensor& logits, std::span<const Label> labels, Tensor& grad);

// Index of the first largest value.
std::int64_t argmax(const float* values, std::int64_t count);

}  // namespace qtb::train_detail
