#include "engine/onednn/model_base.hpp"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <stdexcept>

#include "core/omp_thread_scope.hpp"
#include "engine/onednn/dnnl_util.hpp"

namespace qtb::onednn {

ModelBase::ModelBase(const CompileOptions& options)
    : engine_(dnnl::engine::kind::cpu, 0),
      stream_(engine_),
      threads_(options.threads),
      max_batch_(options.max_batch) {}

void ModelBase::describe(ModelInfo& info) const {
  info.backend = "onednn";
  info.threads = threads_;
  info.max_batch = max_batch_;
}

void ModelBase::bind_plans(const std::vector<ExecPlan*>& plans) {
  std::size_t bytes = 64;
  for (ExecPlan* plan : plans) bytes = std::max(bytes, plan->layout());
  void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (p == nullptr) throw std::bad_alloc();
  arena_ = {static_cast<std::byte*>(p), [](std::byte* q) { std::free(q); }};
  for (ExecPlan* plan : plans) plan->bind(arena_.get());
  plans_ = plans;
}

void ModelBase::execute_plans(std::int64_t batch, StepProfiler* profiler) {
  const auto parts = chunks(batch);
  const OmpThreadScope threads(threads_);
  StepProfiler* per_step = parts.size() == 1 ? profiler : nullptr;
  for (const BatchChunk& c : parts) plans_.at(c.plan)->execute(stream_, per_step);
}

std::vector<ModelStep> ModelBase::plan_steps(std::int64_t batch) const {
  const auto parts = chunks(batch);
  if (parts.size() != 1) return {};
  return plans_.at(parts.front().plan)->steps();
}

void ModelBase::execute_plan_step(std::size_t index, std::int64_t batch) {
  const auto parts = chunks(batch);
  if (parts.size() != 1) {
    throw std::out_of_range("onednn: the batch runs as several plans, not step by step");
  }
  const OmpThreadScope threads(threads_);
  plans_.at(parts.front().plan)->execute_step(stream_, index);
}

std::vector<StepTime> ModelBase::profile(std::int64_t batch, int runs, int repeats,
                                         ProfileClock clock) {
  const auto parts = chunks(batch);
  if (parts.size() != 1) {
    throw std::invalid_argument("onednn profile: the batch needs more than one plan");
  }
  const OmpThreadScope threads(threads_);
  return plans_.at(parts.front().plan)->profile(stream_, runs, repeats, clock);
}

}  // namespace qtb::onednn
