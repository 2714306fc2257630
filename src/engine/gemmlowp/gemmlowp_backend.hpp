#pragma once
// The `gemmlowp` backend: Google's low-precision GEMM library, as the paper ran INT8 (and the
// narrower WxAy in the INT8 carrier) on the Cortex-A53. Executes lower()'s integer network bit for
// bit: im2col + gemmlowp uint8 GEMM into int32, then the shared per-channel Requantizer.
#include <memory>

#include "engine/backend.hpp"

namespace qtb {

std::unique_ptr<Backend> make_gemmlowp_backend();

}  // namespace qtb
