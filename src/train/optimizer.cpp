#include "train/optimizer.hpp"

#include <cmath>
#include <numbers>

namespace qtb::train_detail {

double learning_rate_at(const TrainOptions& options, int epoch, std::int64_t step,
                        std::int64_t total_steps) {
  switch (options.schedule) {
    case ScheduleKind::constant:
      return options.learning_rate;
    case ScheduleKind::cosine: {
      const double progress = static_cast<double>(step) / static_cast<double>(total_steps);
      return options.learning_rate * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
    }
    case ScheduleKind::step:
      return options.learning_rate * std::pow(options.step_gamma, epoch / options.step_epochs);
  }
  return options.learning_rate;
}

Optimizer::Optimizer(const TrainOptions& options, std::vector<Parameter> parameters)
    : kind_(options.optimizer),
      momentum_(options.momentum),
      weight_decay_(options.weight_decay),
      parameters_(std::move(parameters)) {
  for (const Parameter& p : parameters_) {
    first_.emplace_back(p.values.size(), 0.0f);
    if (kind_ == OptimizerKind::adam) second_.emplace_back(p.values.size(), 0.0f);
  }
}

void Optimizer::step(double learning_rate) {
  ++steps_;
  constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;
  const auto lr = static_cast<float>(learning_rate);
  // Adam's bias corrections folded into its step size and epsilon.
  const double correction1 = 1.0 - std::pow(kBeta1, static_cast<double>(steps_));
  const double correction2 = 1.0 - std::pow(kBeta2, static_cast<double>(steps_));
  const auto adam_lr = static_cast<float>(learning_rate * std::sqrt(correction2) / correction1);
  const auto adam_epsilon = static_cast<float>(kEpsilon * std::sqrt(correction2));
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const Parameter& p = parameters_[i];
    const float decay = p.is_weight ? static_cast<float>(weight_decay_) : 0.0f;
    float* w = p.values.data();
    const float* g = p.grads.data();
    float* m = first_[i].data();
    const auto size = static_cast<std::int64_t>(p.values.size());
    if (kind_ == OptimizerKind::sgd) {
      const auto mu = static_cast<float>(momentum_);
#pragma omp parallel for schedule(static)
      for (std::int64_t j = 0; j < size; ++j) {
        m[j] = mu * m[j] + (g[j] + decay * w[j]);
        w[j] -= lr * m[j];
      }
      continue;
    }
    float* v = second_[i].data();
    const auto b1 = static_cast<float>(kBeta1), b2 = static_cast<float>(kBeta2);
#pragma omp parallel for schedule(static)
    for (std::int64_t j = 0; j < size; ++j) {
      const float grad = g[j] + decay * w[j];
      m[j] = b1 * m[j] + (1.0f - b1) * grad;
      v[j] = b2 * v[j] + (1.0f - b2) * grad * grad;
      w[j] -= adam_lr * m[j] / (std::sqrt(v[j]) + adam_epsilon);
    }
  }
}

}  // namespace qtb::train_detail
