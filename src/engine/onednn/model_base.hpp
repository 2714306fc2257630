#pragma once
// What the float and integer models of the onednn backend share: one engine and stream, the plans
// of the batch ladder over one arena, and the chunking of a batch over those plans.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "engine/backend.hpp"
#include "engine/onednn/batch_ladder.hpp"
#include "engine/onednn/exec_plan.hpp"

namespace qtb::onednn {

class ModelBase : public CompiledModel {
 public:
  const ModelInfo& info() const override { return info_; }

  // Opt-in profiling for benchmarks (not part of CompiledModel): ExecPlan::profile() of the plan
  // that run(batch) executes, batch <= the largest plan. Call set_input() first; run() afterwards
  // recomputes every value.
  std::vector<StepTime> profile(std::int64_t batch, int runs, int repeats,
                                ProfileClock clock = ProfileClock::Wall);

 protected:
  explicit ModelBase(const CompileOptions& options);

  // Allocates the arena for the plans' layout() sizes and binds every plan to it.
  void bind_plans(const std::vector<ExecPlan*>& plans);
  std::vector<BatchChunk> chunks(std::int64_t batch) const {
    return split_batch(batch, max_batch_);
  }
  void check_span(std::size_t got, std::int64_t batch, const Shape& per_input,
                  const char* what) const;

  dnnl::engine engine_;
  mutable dnnl::stream stream_;
  int threads_ = 1;
  std::int64_t max_batch_ = 1;
  ModelInfo info_;

 private:
  std::unique_ptr<std::byte, void (*)(std::byte*)> arena_{nullptr, nullptr};
  std::vector<ExecPlan*> plans_;  // the batch ladder, as bound
};

}  // namespace qtb::onednn
