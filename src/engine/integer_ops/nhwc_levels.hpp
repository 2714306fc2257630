#pragma once
// The integer layers around the convolutions, on NHWC tensors of one byte per level, written once
// for every integer backend (gemmlowp, onednn, lowbit) by the rules of lowered_model.hpp and the
// integer reference (engine/reference/integer_executor.hpp):
//  - max pooling ignores padding; average pooling sums the window's levels inside the input
//    (padding adds level 0) and requantizes the sum; global average pooling sums the plane;
//  - add: AddRule (add_rule.hpp); concat places channels; flatten reorders to CHW;
//  - the system path: NCHW float pixels to levels, NHWC int32 accumulators to NCHW.
// Each function does the part `range` of its work items, so a backend splits the items over its
// own threads (OpenMP, ThreadPool) or runs them all on one; ranges of one call may run at once.
#include <cstdint>
#include <span>

#include "core/quantization.hpp"
#include "engine/integer_ops/add_rule.hpp"
#include "graph/node.hpp"
#include "graph/shape.hpp"

namespace qtb::integer_ops {

// `images` inputs of `shape`, NHWC (channels innermost, inputs outermost), one byte per level:
// level = the byte read as int8 (signed_bytes) or uint8, minus `zero`. onednn and lowbit store
// unsigned levels as u8 and signed ones as s8 (zero 0); gemmlowp's INT8 carrier stores signed
// levels as u8 with zero 128. Stores are modular (a level + zero is written as its low byte).
struct ByteLevels {
  void* data = nullptr;
  Shape shape;
  std::int64_t images = 0;
  bool signed_bytes = false;
  int zero = 0;
};

// Work items [begin, end).
struct Range {
  std::int64_t begin = 0, end = 0;
};

// All pixels of a tensor (images x height x width), the work items of copy_channels and
// quantize_nchw.
Range all_pixels(const ByteLevels& t);

// Pooling works on output rows (images x output height).
std::int64_t pool_rows(const ByteLevels& out);
void max_pool(const ByteLevels& in, const PoolAttrs& pool, const ByteLevels& out, Range rows);
void avg_pool(const ByteLevels& in, const PoolAttrs& pool, const Requantizer& requant,
              const ByteLevels& out, Range rows);
// On images.
void global_avg_pool(const ByteLevels& in, const Requantizer& requant, const ByteLevels& out,
                     Range images);

// On elements of the output (images x shape.elements()); the inputs have the output's shape.
void add(std::span<const ByteLevels> in, const AddRule& rule, const ByteLevels& out,
         Range elements);

// Concat: in's channels into out's channels [channel_offset, channel_offset + in channels), on
// pixels (images x height x width), levels re-carried to out's encoding.
void copy_channels(const ByteLevels& in, const ByteLevels& out, std::int64_t channel_offset,
                   Range pixels);
// The same for int32 tensors (a concat of accumulators).
void copy_channels(const std::int32_t* in, const Shape& in_shape, std::int32_t* out,
                   const Shape& out_shape, std::int64_t channel_offset, Range pixels);

// Flatten: each image from NHWC to the CHW order of a flat tensor, on images.
void flatten(const ByteLevels& in, const ByteLevels& out, Range images);
// NHWC int32 to NCHW (a flatten of accumulators; the accumulators out of a model), on images.
void nhwc_to_nchw(const std::int32_t* in, const Shape& shape, std::int32_t* out, Range images);

// NCHW float pixels of out.images inputs to out's levels by `quant` (UniformQuantizer::quantize),
// on pixels (images x height x width).
void quantize_nchw(const float* pixels, const UniformQuantizer& quant, const ByteLevels& out,
                   Range pixel_range);

}  // namespace qtb::integer_ops
