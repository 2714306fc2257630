#pragma once
// A LoweredModel compiled for gemmlowp: convolutions as im2col + one gemmlowp uint8 GEMM per
// group into int32, then our Requantizer per output channel (so every integer is the
// reference's); pools, add, concat and flatten as plain loops (kernels.hpp).
#include <memory>

#include "engine/backend.hpp"
#include "lowering/lowered_model.hpp"

namespace qtb::gemmlowp_backend {

// The backend's compile() after lower(): packs `model` (weights laid out once, buffers for
// options.max_batch inputs, one gemmlowp context with options.threads threads).
std::unique_ptr<CompiledModel> compile_lowered(LoweredModel model, const CompileOptions& options);

}  // namespace qtb::gemmlowp_backend
