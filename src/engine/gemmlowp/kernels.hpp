#pragma once
// The loops of the convolutions around the GEMM, on NHWC tensors of `batch` inputs (plan.hpp's
// layout): im2col and the requantization of the int32 results. The other layers (pooling, add,
// concat, flatten) and the system path's layout changes are the shared integer_ops loops. Byte
// tensors carry level + zero byte (integer_ops::ByteLevels with unsigned bytes).
#include <cstdint>
#include <vector>

#include "engine/gemmlowp/plan.hpp"
#include "engine/integer_ops/nhwc_levels.hpp"

namespace qtb::gemmlowp_backend {

// A byte tensor of the plan: `images` inputs at `data`, its zero byte as the encoding.
integer_ops::ByteLevels byte_levels(void* data, const TensorPlan& plan, std::int64_t images);

// One row of conv.patch_bytes() per output pixel (batch x out.height x out.width rows): each
// group's kernel_h x kernel_w x in_per_group patch, padded with the input's zero byte.
void im2col(const ConvPlan& conv, const integer_ops::ByteLevels& in, std::uint8_t* col);

// out(p, c) = requant[c].apply(acc(p, c)) + out zero byte, for `pixels` rows of channels.
void requantize(const std::int32_t* acc, std::int64_t pixels,
                const std::vector<Requantizer>& requant, const integer_ops::ByteLevels& out);

}  // namespace qtb::gemmlowp_backend
