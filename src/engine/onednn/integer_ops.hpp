#pragma once
// The INT8 layers oneDNN cannot run bit-exactly by our rules (lowered_model.hpp): the shared
// integer_ops loops (average and global average pooling, add, concat's channel copies, the
// network input's quantization) split over OpenMP threads, on nhwc u8/s8 tensors (ByteLevels with
// zero 0). A 2-input add has an AVX-512 specialization.
#include <cstdint>
#include <span>
#include <vector>

#include "core/quantization.hpp"
#include "engine/integer_ops/add_rule.hpp"
#include "engine/integer_ops/nhwc_levels.hpp"
#include "graph/node.hpp"

namespace qtb::onednn {

using integer_ops::AddRule;
using integer_ops::ByteLevels;

void avg_pool(const ByteLevels& in, const PoolAttrs& pool, const Requantizer& requant,
              const ByteLevels& out, int threads);
void global_avg_pool(const ByteLevels& in, const Requantizer& requant, const ByteLevels& out,
                     int threads);
void add(const std::vector<ByteLevels>& in, const AddRule& rule, const ByteLevels& out,
         int threads);
// Copies in's channels into out's channels [channel_offset, channel_offset + in channels).
void copy_channels(const ByteLevels& in, const ByteLevels& out, std::int64_t channel_offset,
                   int threads);
// NCHW float pixels of `out.images` inputs to out's nhwc levels with `quant`.
void quantize_input(std::span<const float> pixels, const UniformQuantizer& quant,
                    const ByteLevels& out, int threads);

}  // namespace qtb::onednn
