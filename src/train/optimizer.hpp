#pragma once
// Parameter updates (SGD with momentum, Adam) and the learning-rate schedules.
#include <cstdint>
#include <vector>

#include "train/layers/layer.hpp"
#include "train/train.hpp"

namespace qtb::train_detail {

// Learning rate for the step-th mini-batch (0-based) of `total_steps`, in epoch `epoch` (0-based):
// constant; cosine: lr * (1 + cos(pi * step / total_steps)) / 2; step: lr * gamma^(epoch / k).
double learning_rate_at(const TrainOptions& options, int epoch, std::int64_t step,
                        std::int64_t total_steps);

class Optimizer {
 public:
  Optimizer(const TrainOptions& options, std::vector<Parameter> parameters);
  // One update from the parameters' gradients. Weight decay is L2 (added to the gradient of
  // conv/dense weights). Adam: beta1 0.9, beta2 0.999, epsilon 1e-8, bias-corrected.
  void step(double learning_rate);

 private:
  OptimizerKind kind_;
  double momentum_, weight_decay_;
  std::vector<Parameter> parameters_;
  std::vector<std::vector<float>> first_, second_;  // momentum / Adam moments per parameter
  std::int64_t steps_ = 0;
};

}  // namespace qtb::train_detail
