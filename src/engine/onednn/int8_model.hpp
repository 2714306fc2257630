#pragma once
// The INT8 model of the onednn backend: lower()'s integer network (src/lowering) run with
// oneDNN u8/s8 x s8 -> s32 convolutions and inner products and our requantization, reproducing
// the reference's int32 accumulators bit for bit (see int8_plan.hpp for the layout and steps).
// Refused (UnsupportedError) on CPUs without VNNI/AMX, where oneDNN's int8 kernels add pairs of
// u8 x s8 products in saturating int16, and for models that are not 8-bit throughout.
#include <memory>
#include <optional>
#include <string>

#include "engine/backend.hpp"
#include "lowering/lowered_model.hpp"

namespace qtb::onednn {

// Why this CPU cannot run INT8 exactly, or nothing (cheap: a CPU feature query).
std::optional<std::string> int8_isa_refusal();

std::unique_ptr<CompiledModel> compile_int8(const Graph& graph, const CompileOptions& options);
// The same from an integer network built elsewhere (tests build small ones by hand).
std::unique_ptr<CompiledModel> compile_lowered(LoweredModel model, const CompileOptions& options);

}  // namespace qtb::onednn
