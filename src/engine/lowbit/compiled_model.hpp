#pragma once
// A LoweredModel compiled for the lowbit backend: plan.hpp's layout run with ops.hpp's conv loops
// and the packed GEMM, the other layers by the shared integer_ops loops, on the core ThreadPool
// started here (so no thread is created inside a timed run).
#include <memory>

#include "engine/backend.hpp"
#include "lowering/lowered_model.hpp"

namespace qtb::lowbit {

// The backend's compile() after lower().
std::unique_ptr<CompiledModel> compile_lowered(LoweredModel model, const CompileOptions& options);

}  // namespace qtb::lowbit
