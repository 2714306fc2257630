#include "core/quantization.hpp"

#include <climits>
#include <cmath>
#include <stdexcept>

namespace qtb {

std::int32_t UniformQuantizer::min_level() const {
  if (!is_signed) return 0;
  if (bits == 1) return -1;
  return -((std::int32_t{1} << (bits - 1)) - 1);
}

std::int32_t UniformQuantizer::max_level() const {
  if (!is_signed) return static_cast<std::int32_t>((std::int64_t{1} << bits) - 1);
  if (bits == 1) return 1;
  return (std::int32_t{1} << (bits - 1)) - 1;
}

float round_half_even(float x) {
  // nearbyint follows the current rounding mode, which is round-to-nearest-even by default.
  return std::nearbyint(x);
}

std::int32_t UniformQuantizer::quantize(float x) const {
  if (is_binary()) return x >= 0.0f ? 1 : -1;
  const float level = round_half_even(x / scale) + static_cast<float>(zero_point);
  if (!(level >= static_cast<float>(min_level()))) return min_level();  // also catches NaN
  if (level > static_cast<float>(max_level())) return max_level();
  return static_cast<std::int32_t>(level);
}

float ChannelQuantizer::scale_for(int bits, float max_abs, float mean_abs) {
  if (bits == 1) return mean_abs > 0.0f ? mean_abs : 1.0f;
  const float max_level = static_cast<float>((1 << (bits - 1)) - 1);
  return max_abs > 0.0f ? max_abs / max_level : 1.0f;
}

Requantizer Requantizer::from_real(double real_multiplier, double real_bias, std::int32_t lo,
                                   std::int32_t hi) {
  if (!std::isfinite(real_multiplier) || !std::isfinite(real_bias)) {
    throw std::invalid_argument("requantizer: non-finite multiplier or bias");
  }
  Requantizer r;
  r.lo = lo;
  r.hi = hi;
  const double bias = std::nearbyint(real_bias);
  r.bias = static_cast<std::int32_t>(std::fmax(INT32_MIN, std::fmin(INT32_MAX, bias)));
  if (real_multiplier == 0.0) {
    r.multiplier = 0;
    return r;
  }
  int exponent = 0;
  const double fraction = std::frexp(real_multiplier, &exponent);  // |fraction| in [0.5, 1)
  // multiplier = fraction * 2^30 keeps 31 bits; value = multiplier * 2^(exponent - 30).
  int shift = 30 - exponent;
  double multiplier = std::nearbyint(fraction * 1073741824.0);
  if (shift > 62) {  // tiny multipliers: drop precision rather than shift past int64
    multiplier = std::nearbyint(std::ldexp(multiplier, 62 - shift));
    shift = 62;
  }
  if (shift < 0) throw std::invalid_argument("requantizer: multiplier >= 2^30 is not supported");
  r.multiplier = static_cast<std::int32_t>(multiplier);
  r.shift = shift;
  return r;
}

}  // namespace qtb
