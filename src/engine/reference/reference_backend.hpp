#pragma once
// The reference backend: plain loops that define what every other backend must compute.
//  - FP32, FP16, BF16 run the Graph in float32 arithmetic (FloatExecutor), FP16/BF16 with their
//    parameters and every node output rounded to 16 bits;
//  - INT8 and every WxAy (x, y in 1, 2, 4, 8) run lower()'s LoweredModel exactly
//    (IntegerExecutor): the int32 accumulators are the bit-exact reference.
// Single-threaded by design (max_threads 1); speed is not its job.
#include <memory>

#include "engine/backend.hpp"

namespace qtb {

class ReferenceBackend : public Backend {
 public:
  std::string_view name() const override { return "reference"; }
  BackendCapabilities capabilities() const override;

 private:
  std::optional<std::string> do_support(const Graph& graph, const Precision& precision,
                                        const CompileOptions& options) const override;
  std::unique_ptr<CompiledModel> do_compile(const Graph& graph, const Precision& precision,
                                            const CompileOptions& options) const override;
};

std::unique_ptr<Backend> make_reference_backend();

}  // namespace qtb
