#include "train/optimizer.hpp"
#include "train/parallel.hpp"

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

namespace {

// The update loops, on restrict pointers so that they vectorize; each value's arithmetic is the
// same whatever the vector width or thread split, so results do not depend on either.
void sgd_update(float* __restrict w, const float* __restrict g, float* __restrict m,
                std::int64_t size, float lr, float momentum, float decay) {
#pragma omp parallel for simd schedule(static) if (size >= kMinParallelValues)
  for (std::int64_t j = 0; j < size; ++j) {
    m[j] = momentum * m[j] + (g[j] + decay * w[j]);
    w[j] -= lr * m[j];
  }
}

void adam_update(float* __restrict w, const float* __restrict g, float* __restrict m,
                 float* __restrict v, std::int64_t size, float lr, float epsilon, float decay) {
  constexpr float kBeta1 = 0.9f, kBeta2 = 0.999f;
#pragma omp parallel for simd schedule(static) if (size >= kMinParallelValues)
  for (std::int64_t j = 0; j < size; ++j) {
    const float grad = g[j] + decay * w[j];
    m[j] = kBeta1 * m[j] + (1.0f - kBeta1) * grad;
    v[j] = kBeta2 * v[j] + (1.0f - kBeta2) * grad * grad;
    w[j] -= lr * m[j] / (std::sqrt(v[j]) + epsilon);
  }
}

}  // namespace

void Optimizer::step(double learning_rate) {
  ++steps_;
  constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;
  // Adam's bias corrections folded into its step size and epsilon.
  const double correction1 = 1.0 - std::pow(kBeta1, static_cast<double>(steps_));
  const double correction2 = 1.0 - std::pow(kBeta2, static_cast<double>(steps_));
  const auto adam_lr = static_cast<float>(learning_rate * std::sqrt(correction2) / correction1);
  const auto adam_epsilon = static_cast<float>(kEpsilon * std::sqrt(correction2));
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const Parameter& p = parameters_[i];
    const float decay = p.is_weight ? static_cast<float>(weight_decay_) : 0.0f;
    const auto size = static_cast<std::int64_t>(p.values.size());
    if (kind_ == OptimizerKind::sgd) {
      sgd_update(p.values.data(), p.grads.data(), first_[i].data(), size,
                 static_cast<float>(learning_rate), static_cast<float>(momentum_), decay);
    } else {
      adam_update(p.values.data(), p.grads.data(), first_[i].data(), second_[i].data(), size,
                  adam_lr, adam_epsilon, decay);
    }
  }
}

}  // namespace qtb::train_detail
