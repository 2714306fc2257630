#include "train/quantizers.hpp"

#include <algorithm>
#include <cmath>

#include "core/quantization.hpp"
#include "train/parallel.hpp"

namespace qtb::train_detail {

float weight_scale(int bits, std::span<const float> channel) {
  // The same statistics, in the same arithmetic, as lower(): float max, double sum.
  float max_abs = 0.0f;
  double sum_abs = 0.0;
  for (float w : channel) {
    max_abs = std::max(max_abs, std::fabs(w));
    sum_abs += std::fabs(w);
  }
  const float mean_abs = static_cast<float>(sum_abs / static_cast<double>(channel.size()));
  return ChannelQuantizer::scale_for(bits, max_abs, mean_abs);
}

void quantize_weights(int bits, std::span<const float> master, std::int64_t out_channels,
                      std::span<float> effective) {
  const auto channels = static_cast<std::size_t>(out_channels);
  const std::size_t per_channel = master.size() / channels;
  const float max_level = bits == 1 ? 1.0f : static_cast<float>((1 << (bits - 1)) - 1);
#pragma omp parallel for schedule(static) if (master.size() >= kMinParallelValues)
  for (std::size_t c = 0; c < channels; ++c) {
    const float* w = master.data() + c * per_channel;
    float* out = effective.data() + c * per_channel;
    const float scale = weight_scale(bits, master.subspan(c * per_channel, per_channel));
    if (bits == 1) {
      for (std::size_t i = 0; i < per_channel; ++i) out[i] = w[i] >= 0.0f ? scale : -scale;
      continue;
    }
    for (std::size_t i = 0; i < per_channel; ++i) {
      out[i] = round_to_level(w[i] / scale, -max_level, max_level) * scale;
    }
  }
}

float fake_quantize(const QuantizerAttrs& q, float x) {
  const UniformQuantizer u{q.bits, q.is_signed, q.scale, 0};
  if (u.is_binary()) return x >= 0.0f ? q.scale : -q.scale;
  return round_to_level(x / q.scale, static_cast<float>(u.min_level()),
                        static_cast<float>(u.max_level())) *
         q.scale;
}

QuantizerAttrs relu_quantizer(int bits) {
  // Clip values 1.5 (A2: 0, .5, 1, 1.5), 3.75 (A4), 7.97 (A8): a batchnorm output is about
  // N(beta, gamma^2) with gamma near 1, so 2 bits cover up to 1.5 sigma, 4 bits most of the
  // ReLU's range at a step of sigma / 4, 8 bits all of it; gamma adapts the rest during training.
  if (bits == 1) return binary_quantizer();
  const float scale = bits == 2 ? 0.5f : bits == 4 ? 0.25f : 1.0f / 32.0f;
  return QuantizerAttrs{bits, false, scale};
}

QuantizerAttrs hardtanh_quantizer(int bits) {
  if (bits == 1) return binary_quantizer();
  return QuantizerAttrs{bits, true, 1.0f / static_cast<float>((1 << (bits - 1)) - 1)};
}

QuantizerAttrs binary_quantizer() {
  return QuantizerAttrs{1, true, 1.0f};
}

}  // namespace qtb::train_detail
