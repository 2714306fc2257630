#pragma once
// The `lowbit` backend: lower()'s integer network run bit for bit on operands packed at their
// own bit widths (engine/lowbit/kernels/lowbit_gemm.hpp: bit-plane AND+popcount or unpack + AVX-512
// VNNI), so W1A1 .. W4A4 pay for 1 .. 4 bit-planes rather than an INT8 carrier.
//
// Layout and execution (plan.hpp: the layout made at compile time; compiled_model.hpp: the run;
// ops.hpp: the conv loops; pooling, add, concat and flatten are the shared integer_ops loops):
//  - activations are NHWC (channels innermost, batch outermost), one byte per level: uint8 for
//    unsigned tensors (0..255), int8 for signed ones (binary -1/+1 included); the last layer's
//    int32 accumulators (and a flatten/concat of them) are int32;
//  - conv/dense weights are packed once at compile time, per group, with K in (kernel row, kernel
//    column, channel) order, the order of the NHWC im2col rows; each group's M rows are split
//    into one PackedOperand per thread slice;
//  - a conv is im2col (skipped for 1x1 stride-1 unpadded convs and flat dense inputs, whose rows
//    are the tensor itself) -> pack_into -> gemm -> per-channel Requantizer, in tiles of output
//    pixels. Threads (the core ThreadPool, started at compile) split N (the batch x output
//    pixels) when there are at least 8 rows per thread: each thread im2cols, packs and multiplies
//    its own rows against every M slice, with its own buffers. With fewer rows (a GEMV: dense at
//    batch 1) X is packed once and the threads split M, one weight slice each;
//  - depthwise convs (one input channel per group) run a direct integer loop (K = kh * kw);
//  - a binary activation read by a padded conv is packed as ternary (2-bit signed) so that the
//    zero padding is exact;
//  - the method per layer comes from lowbit::best_method(wbits, abits, portable, N); ModelInfo
//    names them. weight_bytes is the packed (bit-plane) footprint plus int8 depthwise weights.
#include <memory>

#include "engine/backend.hpp"

namespace qtb {

std::unique_ptr<Backend> make_lowbit_backend();

}  // namespace qtb
