#pragma once
// The lowbit backend's convolution loops around the packed GEMM, on plan.hpp's NHWC tensors of
// one byte per level: the X rows of a tile (im2col), their packing, the epilogue that requantizes
// a tile of accumulators into the output tensor, and the direct depthwise loop. The layers without
// weights run on the shared integer_ops loops.
#include <cstdint>

#include "engine/lowbit/plan.hpp"

namespace qtb::lowbit {

// X rows [n0, n1) of group g (K = c.k levels each): the tensor itself for a direct conv, else
// gathered into `cols` (im2col, zero padded; or a dense layer's CHW gather).
const std::uint8_t* x_rows(const ConvStep& c, const std::uint8_t* in, int g, std::int64_t n0,
                           std::int64_t n1, std::uint8_t* cols);

// Packs `rows` X rows of levels at the layer's activation bits.
void pack_x(const ConvStep& c, PackedOperand& x, const std::uint8_t* levels, std::int64_t rows,
            bool portable);

// acc (rows x cols, row-major) of output channels [oc0, oc0 + rows) at pixels [n0, n0 + cols) into
// the output tensor: `out` is its byte levels (requantized), or its int32 accumulators when the
// layer has no requantizer.
void epilogue(const ConvStep& c, void* out, std::int64_t oc0, std::int64_t rows, std::int64_t n0,
              std::int64_t cols, const std::int32_t* acc);

// The depthwise conv of output pixels [n_begin, n_end) (batch x output pixels), with `acc` a
// scratch of out channels; `out` as for epilogue().
void depthwise(const ConvStep& c, const std::uint8_t* in, void* out, std::int64_t n_begin,
               std::int64_t n_end, std::int32_t* acc);

}  // namespace qtb::lowbit
