#include "engine/reference/float_format.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace qtb {
namespace {

// Rounds away the low `dropped` bits of the float's significand, ties to even. A carry out of the
// significand correctly moves the value to the next binade (or to inf).
float round_low_bits(float x, int dropped) {
  const auto bits = std::bit_cast<std::uint32_t>(x);
  const std::uint32_t half = (std::uint32_t{1} << (dropped - 1)) - 1;
  const std::uint32_t odd = (bits >> dropped) & 1u;
  const std::uint32_t mask = ~((std::uint32_t{1} << dropped) - 1);
  return std::bit_cast<float>((bits + half + odd) & mask);
}

}  // namespace

FloatFormat float_format_of(DataType type) {
  switch (type) {
    case DataType::FP32:
      return FloatFormat::FP32;
    case DataType::FP16:
      return FloatFormat::FP16;
    case DataType::BF16:
      return FloatFormat::BF16;
    default:
      throw std::invalid_argument("float_format_of: not a float type");
  }
}

std::string_view to_string(FloatFormat format) {
  switch (format) {
    case FloatFormat::FP32:
      return "float32";
    case FloatFormat::FP16:
      return "float16";
    case FloatFormat::BF16:
      return "bfloat16";
  }
  return "?";
}

float round_to_bf16(float x) {
  if (std::isnan(x)) return x;
  return round_low_bits(x, 16);  // bfloat16 keeps the top 16 bits: 8 significant bits
}

float round_to_fp16(float x) {
  if (!std::isfinite(x)) return x;
  const float magnitude = std::fabs(x);
  if (magnitude < 0x1.0p-14f) {
    // Subnormal range: a fixed quantum of 2^-24. Scaling by 2^24 is exact, and nearbyint rounds
    // ties to even in the default rounding mode.
    return std::nearbyint(x * 0x1.0p24f) * 0x1.0p-24f;
  }
  const float rounded = round_low_bits(x, 13);  // 24 - 13 = 11 significant bits
  if (std::fabs(rounded) > 65504.0f) return std::copysign(INFINITY, x);
  return rounded;
}

float round_to(FloatFormat format, float x) {
  switch (format) {
    case FloatFormat::FP32:
      return x;
    case FloatFormat::FP16:
      return round_to_fp16(x);
    case FloatFormat::BF16:
      return round_to_bf16(x);
  }
  return x;
}

}  // namespace qtb
