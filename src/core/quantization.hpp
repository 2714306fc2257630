#pragma once
// Quantized arithmetic, defined once. Every backend computes these same integers:
//  - values are quantized with UniformQuantizer (levels below), activations per tensor and weights
//    per output channel (ChannelQuantizer);
//  - products of integer levels are accumulated exactly in int32;
//  - an accumulator becomes the next layer's level through Requantizer, in integer arithmetic only,
//    so no backend can round differently.
#include <cstdint>
#include <vector>

namespace qtb {

// Levels of a b-bit quantizer:
//  - unsigned: 0 .. 2^b - 1 (activations after ReLU, the 8-bit network input);
//  - signed, b >= 2: symmetric -(2^(b-1) - 1) .. 2^(b-1) - 1 (so 2-bit weights are ternary; the
//    symmetric range keeps negation exact and the zero point 0);
//  - signed, b == 1: binary {-1, +1} (x >= 0 maps to +1), as in BNN/FINN's W1A1.
struct UniformQuantizer {
  int bits = 8;
  bool is_signed = false;
  float scale = 1.0f;  // real value of one level step
  std::int32_t zero_point = 0;

  std::int32_t min_level() const;
  std::int32_t max_level() const;
  bool is_binary() const { return is_signed && bits == 1; }
  // round-half-to-even(x / scale) + zero_point, clamped to the levels; binary: sign.
  std::int32_t quantize(float x) const;
  float dequantize(std::int32_t level) const {
    return static_cast<float>(level - zero_point) * scale;
  }
};

// Symmetric signed quantization with one scale per output channel (zero point 0).
struct ChannelQuantizer {
  int bits = 8;
  std::vector<float> scales;

  UniformQuantizer channel(std::size_t c) const { return {bits, true, scales.at(c), 0}; }
  // Scale for a channel whose largest magnitude is max_abs (binary: its mean magnitude, which
  // minimises the L2 error of sign(w) * scale).
  static float scale_for(int bits, float max_abs, float mean_abs);
};

// acc -> next level: y = clamp(rounding_shift(int64(acc + bias) * multiplier, shift), lo, hi),
// rounding_shift(x, s) = (x + 2^(s-1)) >> s (arithmetic shift: ties round up). For a binary
// output, y = +1 if int64(acc + bias) * multiplier >= 0 else -1 (FINN's threshold).
struct Requantizer {
  std::int32_t bias = 0;
  std::int32_t multiplier = 1;
  int shift = 0;
  std::int32_t lo = INT32_MIN;
  std::int32_t hi = INT32_MAX;
  bool binary = false;

  std::int32_t apply(std::int32_t acc) const {
    const std::int64_t product =
        (static_cast<std::int64_t>(acc) + bias) * static_cast<std::int64_t>(multiplier);
    if (binary) return product >= 0 ? 1 : -1;
    const std::int64_t rounded =
        shift > 0 ? (product + (std::int64_t{1} << (shift - 1))) >> shift : product;
    return static_cast<std::int32_t>(rounded < lo ? lo : (rounded > hi ? hi : rounded));
  }

  // The integer form of y = real_multiplier * (acc + real_bias): the multiplier keeps 31
  // significant bits (|multiplier| < 2^31), the bias is rounded to the nearest integer and
  // saturated to int32. Throws std::invalid_argument for non-finite inputs or |m| >= 2^31.
  static Requantizer from_real(double real_multiplier, double real_bias, std::int32_t lo,
                               std::int32_t hi);
};

// Round half to even, as the quantizers do (exposed for backends that quantize on their own).
float round_half_even(float x);

}  // namespace qtb
