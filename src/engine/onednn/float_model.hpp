#pragma once
// FP32 and BF16 models of the onednn backend, compiled directly from the Graph.
#include <memory>

#include "engine/backend.hpp"

namespace qtb::onednn {

// `precision` is FP32 or BF16 (BF16: bf16 weights and activations, f32 accumulation inside
// oneDNN, f32 bias and logits). The graph must have passed check_supported().
std::unique_ptr<CompiledModel> compile_float(const Graph& graph, const Precision& precision,
                                             const CompileOptions& options);

}  // namespace qtb::onednn
