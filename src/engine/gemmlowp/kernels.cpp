#include "engine/gemmlowp/kernels.hpp"

#include <cstring>

namespace qtb::gemmlowp_backend {
namespace {

std::size_t at(std::int64_t i) {
  return static_cast<std::size_t>(i);
}

}  // namespace

integer_ops::ByteLevels byte_levels(void* data, const TensorPlan& plan, std::int64_t images) {
  return {data, plan.shape, images, false, plan.zero_byte};
}

void im2col(const ConvPlan& conv, const integer_ops::ByteLevels& in, std::uint8_t* col) {
  const std::int64_t height = in.shape.height, width = in.shape.width, channels = in.shape.channels;
  const std::size_t per_group = at(conv.in_per_group());
  const std::size_t k = at(conv.k_per_group());
  const auto zero = static_cast<std::uint8_t>(in.zero);
  const auto* data = static_cast<const std::uint8_t*>(in.data);
  std::uint8_t* row = col;
  for (std::int64_t b = 0; b < in.images; ++b) {
    for (std::int64_t oy = 0; oy < conv.out.height; ++oy) {
      for (std::int64_t ox = 0; ox < conv.out.width; ++ox) {
        for (int ky = 0; ky < conv.kernel_h; ++ky) {
          const std::int64_t iy = oy * conv.stride_h - conv.pad_h + ky;
          for (int kx = 0; kx < conv.kernel_w; ++kx) {
            const std::int64_t ix = ox * conv.stride_w - conv.pad_w + kx;
            const bool inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
            const std::uint8_t* src =
                inside ? data + at(((b * height + iy) * width + ix) * channels) : nullptr;
            std::uint8_t* dst = row + at(ky * conv.kernel_w + kx) * per_group;
            for (int g = 0; g < conv.groups; ++g, dst += k) {
              if (inside) {
                std::memcpy(dst, src + at(g) * per_group, per_group);
              } else {
                std::memset(dst, zero, per_group);
              }
            }
          }
        }
        row += conv.patch_bytes();
      }
    }
  }
}

void requantize(const std::int32_t* acc, std::int64_t pixels,
                const std::vector<Requantizer>& requant, const integer_ops::ByteLevels& out) {
  const std::size_t channels = requant.size();
  auto* data = static_cast<std::uint8_t*>(out.data);
  for (std::int64_t p = 0; p < pixels; ++p) {
    const std::int32_t* a = acc + at(p) * channels;
    std::uint8_t* o = data + at(p) * channels;
    for (std::size_t c = 0; c < channels; ++c) {
      o[c] = static_cast<std::uint8_t>(requant[c].apply(a[c]) + out.zero);
    }
  }
}

}  // namespace qtb::gemmlowp_backend
