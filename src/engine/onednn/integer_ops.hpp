#pragma once
// The INT8 layers oneDNN cannot run bit-exactly by our rules (lowered_model.hpp), as plain loops
// over nhwc u8/s8 tensors (channels innermost), parallel over OpenMP threads:
//  - average pooling: window sum inside the input (padding adds 0) -> pool_requant;
//  - global average pooling: plane sum -> pool_requant;
//  - add: clamp(rounding_shift(sum_i int64(level_i) * multiplier_i, shift), lo, hi);
//  - concat: channels copied into place;
//  - the network input: pixels quantized to the input's levels (system path).
#include <cstdint>
#include <span>
#include <vector>

#include "core/quantization.hpp"
#include "graph/node.hpp"
#include "graph/shape.hpp"

namespace qtb::onednn {

// An nhwc tensor of 8-bit levels (signed or not) of `images` inputs of shape `shape`.
struct Levels8 {
  void* data = nullptr;
  bool is_signed = false;
  Shape shape;
  std::int64_t images = 0;
};

void avg_pool(const Levels8& in, const PoolAttrs& pool, const Requantizer& requant,
              const Levels8& out, int threads);
void global_avg_pool(const Levels8& in, const Requantizer& requant, const Levels8& out,
                     int threads);

struct AddRule {
  std::vector<std::int32_t> multipliers;  // one per input
  int shift = 0;
  std::int32_t lo = 0, hi = 0;
};
void add(const std::vector<Levels8>& in, const AddRule& rule, const Levels8& out, int threads);

// Copies in's channels into out's channels [channel_offset, channel_offset + in channels).
void copy_channels(const Levels8& in, const Levels8& out, std::int64_t channel_offset, int threads);

// NCHW float pixels of `out.images` inputs to out's nhwc levels with `quant` (bit-exact with
// UniformQuantizer::quantize).
void quantize_input(std::span<const float> pixels, const UniformQuantizer& quant,
                    const Levels8& out, int threads);

// nhwc int32 accumulators of `images` inputs to NCHW order.
void accumulators_to_nchw(const std::int32_t* in, const Shape& shape, std::int64_t images,
                          std::int32_t* out);

}  // namespace qtb::onednn
