#pragma once
// Fake quantization for quantization-aware training. Forward values are exactly what lower()
// computes (lowering/lower.cpp), so integer backends reproduce the trained network:
//  - weights: per output channel, symmetric, scale = ChannelQuantizer::scale_for(bits, max |w|,
//    mean |w|), level = round_half_even(w / scale) clamped to +-(2^(bits-1) - 1); 1 bit: sign(w)
//    (w >= 0 -> +1) times the channel's mean |w|. The value used is level * scale;
//  - activations: a QuantizerAttrs {bits, is_signed, scale} maps x to level * scale with the
//    levels of UniformQuantizer; 1 bit signed is sign(x) * scale.
// Backward is the straight-through estimator (see the activation quantizer layer).
#include <algorithm>
#include <cstdint>
#include <span>

#include "graph/node.hpp"

namespace qtb::train_detail {

// The scale of one output channel's weights (lower()'s ChannelQuantizer scale).
float weight_scale(int bits, std::span<const float> channel);

// round_half_even(v) clamped to [lo, hi] (integral bounds) without a libm call per value:
// clamping first to [lo - 1, hi + 1] keeps |v| < 2^22, where adding and subtracting 1.5 * 2^23
// rounds to nearest even in float (the default rounding mode) exactly as nearbyint does. IEEE
// arithmetic (no -ffast-math) keeps the compiler from folding the two additions.
inline float round_to_level(float v, float lo, float hi) {
  constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23
  v = std::min(std::max(v, lo - 1.0f), hi + 1.0f);
  const float rounded = (v + kMagic) - kMagic;
  return std::min(std::max(rounded, lo), hi);
}

// effective[c * per_channel + i] = quantized master weight; `bits` in {1, 2, 4, 8}.
void quantize_weights(int bits, std::span<const float> master, std::int64_t out_channels,
                      std::span<float> effective);

// round_half_even(x / scale) clamped to [lo, hi], times scale (binary: sign times scale).
float fake_quantize(const QuantizerAttrs& q, float x);

// The fixed activation quantizer trained after a hidden ReLU for `bits` (2, 4 or 8): unsigned,
// with a power-of-two scale chosen for batchnorm outputs of about unit variance.
QuantizerAttrs relu_quantizer(int bits);
// After a hidden HardTanh: signed, [-1, 1] exactly representable (scale 1 / max level).
// 1 bit (after either activation): binary {-1, +1}, scale 1.
QuantizerAttrs hardtanh_quantizer(int bits);
QuantizerAttrs binary_quantizer();

}  // namespace qtb::train_detail
