#pragma once
// What the float and integer models of the onednn backend share besides the CompiledModel they
// are: one engine and stream, the plans of the batch ladder over one arena, and the chunking of a
// batch over those plans. A second base of FloatModel and Int8Model (benchmarks reach it from a
// CompiledModel with dynamic_cast).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "engine/backend.hpp"
#include "engine/onednn/batch_ladder.hpp"
#include "engine/onednn/exec_plan.hpp"

namespace qtb::onednn {

class ModelBase {
 public:
  virtual ~ModelBase() = default;
  ModelBase(const ModelBase&) = delete;
  ModelBase& operator=(const ModelBase&) = delete;

  // Opt-in profiling for benchmarks (not part of CompiledModel): ExecPlan::profile() of the plan
  // that run(batch) executes, batch <= the largest plan. Call set_input() first; run() afterwards
  // recomputes every value.
  std::vector<StepTime> profile(std::int64_t batch, int runs, int repeats,
                                ProfileClock clock = ProfileClock::Wall);

 protected:
  explicit ModelBase(const CompileOptions& options);

  // CompiledModel's run, steps and run_step over the batch ladder. A batch that runs as several
  // plans is not split: no steps, and the profiler only times the whole run.
  void execute_plans(std::int64_t batch, StepProfiler* profiler);
  std::vector<ModelStep> plan_steps(std::int64_t batch) const;
  void execute_plan_step(std::size_t index, std::int64_t batch);

  // Allocates the arena for the plans' layout() sizes and binds every plan to it.
  void bind_plans(const std::vector<ExecPlan*>& plans);
  std::vector<BatchChunk> chunks(std::int64_t batch) const {
    return split_batch(batch, max_batch_);
  }
  // ModelInfo's fields every onednn model has (backend, threads, max_batch).
  void describe(ModelInfo& info) const;

  dnnl::engine engine_;
  mutable dnnl::stream stream_;
  int threads_ = 1;
  std::int64_t max_batch_ = 1;

 private:
  std::unique_ptr<std::byte, void (*)(std::byte*)> arena_{nullptr, nullptr};
  std::vector<ExecPlan*> plans_;  // the batch ladder, as bound
};

}  // namespace qtb::onednn
