#pragma once
// The oneDNN backend ("onednn"): FP32 and BF16 compiled from the Graph with oneDNN primitives
// (batchnorm folded, activations and residual adds fused, formats chosen by the library), INT8
// from lower()'s integer network with oneDNN u8/s8 x s8 -> s32 convolutions and our bit-exact
// requantization. Details: float_fusion.hpp and float_plan.hpp (float), int8_plan.hpp and
// requantize.hpp (INT8), batch_ladder.hpp (batch sizes), dnnl_util.hpp (threads).
#include <memory>

#include "engine/backend.hpp"

namespace qtb {

std::unique_ptr<Backend> make_onednn_backend();

}  // namespace qtb
