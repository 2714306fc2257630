#include "engine/gemmlowp/kernels.hpp"

#include <algorithm>
#include <cstring>

namespace qtb::gemmlowp_backend {
namespace {

std::size_t at(std::int64_t i) {
  return static_cast<std::size_t>(i);
}

std::uint8_t to_byte(std::int32_t level, int zero_byte) {
  return static_cast<std::uint8_t>(level + zero_byte);
}

// The first input pixel of a window and the valid kernel range along one axis.
struct Window {
  std::int64_t begin, end;  // valid input coordinates [begin, end)
};
Window window(std::int64_t out, int stride, int pad, int kernel, std::int64_t size) {
  const std::int64_t first = out * stride - pad;
  return {std::max<std::int64_t>(first, 0), std::min<std::int64_t>(first + kernel, size)};
}

}  // namespace

void im2col(const ConvPlan& conv, const ConstByteView& in, std::int64_t batch, std::uint8_t* col) {
  const std::int64_t height = in.shape.height, width = in.shape.width, channels = in.shape.channels;
  const std::size_t per_group = at(conv.in_per_group());
  const std::size_t k = at(conv.k_per_group());
  const auto zero = static_cast<std::uint8_t>(in.zero_byte);
  std::uint8_t* row = col;
  for (std::int64_t b = 0; b < batch; ++b) {
    for (std::int64_t oy = 0; oy < conv.out.height; ++oy) {
      for (std::int64_t ox = 0; ox < conv.out.width; ++ox) {
        for (int ky = 0; ky < conv.kernel_h; ++ky) {
          const std::int64_t iy = oy * conv.stride_h - conv.pad_h + ky;
          for (int kx = 0; kx < conv.kernel_w; ++kx) {
            const std::int64_t ix = ox * conv.stride_w - conv.pad_w + kx;
            const bool inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
            const std::uint8_t* src =
                inside ? in.data + at(((b * height + iy) * width + ix) * channels) : nullptr;
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
                const std::vector<Requantizer>& requant, const ByteView& out) {
  const std::size_t channels = requant.size();
  for (std::int64_t p = 0; p < pixels; ++p) {
    const std::int32_t* a = acc + at(p) * channels;
    std::uint8_t* o = out.data + at(p) * channels;
    for (std::size_t c = 0; c < channels; ++c)
      o[c] = to_byte(requant[c].apply(a[c]), out.zero_byte);
  }
}

void max_pool(const PoolAttrs& pool, const ConstByteView& in, const ByteView& out,
              std::int64_t batch) {
  const std::int64_t height = in.shape.height, width = in.shape.width;
  const std::size_t channels = at(in.shape.channels);
  std::uint8_t* o = out.data;
  for (std::int64_t b = 0; b < batch; ++b) {
    for (std::int64_t oy = 0; oy < out.shape.height; ++oy) {
      const Window wy = window(oy, pool.stride, pool.pad, pool.kernel, height);
      for (std::int64_t ox = 0; ox < out.shape.width; ++ox, o += channels) {
        const Window wx = window(ox, pool.stride, pool.pad, pool.kernel, width);
        std::fill(o, o + channels, std::uint8_t{0});  // the smallest byte; windows are never empty
        for (std::int64_t iy = wy.begin; iy < wy.end; ++iy) {
          for (std::int64_t ix = wx.begin; ix < wx.end; ++ix) {
            const std::uint8_t* src = in.data + at((b * height + iy) * width + ix) * channels;
            for (std::size_t c = 0; c < channels; ++c) o[c] = std::max(o[c], src[c]);
          }
        }
        if (in.zero_byte != out.zero_byte) {
          for (std::size_t c = 0; c < channels; ++c) {
            o[c] = to_byte(o[c] - in.zero_byte, out.zero_byte);
          }
        }
      }
    }
  }
}

void avg_pool(const PoolAttrs& pool, const Requantizer& requant, const ConstByteView& in,
              const ByteView& out, std::int64_t batch) {
  const std::int64_t height = in.shape.height, width = in.shape.width;
  const std::size_t channels = at(in.shape.channels);
  std::vector<std::int32_t> sum(channels);
  std::uint8_t* o = out.data;
  for (std::int64_t b = 0; b < batch; ++b) {
    for (std::int64_t oy = 0; oy < out.shape.height; ++oy) {
      const Window wy = window(oy, pool.stride, pool.pad, pool.kernel, height);
      for (std::int64_t ox = 0; ox < out.shape.width; ++ox, o += channels) {
        const Window wx = window(ox, pool.stride, pool.pad, pool.kernel, width);
        const auto taps = static_cast<std::int32_t>(std::max<std::int64_t>(wy.end - wy.begin, 0) *
                                                    std::max<std::int64_t>(wx.end - wx.begin, 0));
        std::fill(sum.begin(), sum.end(), -taps * in.zero_byte);  // padding adds level 0
        for (std::int64_t iy = wy.begin; iy < wy.end; ++iy) {
          for (std::int64_t ix = wx.begin; ix < wx.end; ++ix) {
            const std::uint8_t* src = in.data + at((b * height + iy) * width + ix) * channels;
            for (std::size_t c = 0; c < channels; ++c) sum[c] += src[c];
          }
        }
        for (std::size_t c = 0; c < channels; ++c) {
          o[c] = to_byte(requant.apply(sum[c]), out.zero_byte);
        }
      }
    }
  }
}

void global_avg_pool(const Requantizer& requant, const ConstByteView& in, const ByteView& out,
                     std::int64_t batch) {
  const std::int64_t plane = in.shape.height * in.shape.width;
  const std::size_t channels = at(in.shape.channels);
  std::vector<std::int64_t> sum(channels);
  for (std::int64_t b = 0; b < batch; ++b) {
    std::fill(sum.begin(), sum.end(), -plane * in.zero_byte);
    const std::uint8_t* src = in.data + at(b * plane) * channels;
    for (std::int64_t p = 0; p < plane; ++p, src += channels) {
      for (std::size_t c = 0; c < channels; ++c) sum[c] += src[c];
    }
    std::uint8_t* o = out.data + at(b) * channels;
    for (std::size_t c = 0; c < channels; ++c) {
      o[c] = to_byte(requant.apply(static_cast<std::int32_t>(sum[c])), out.zero_byte);
    }
  }
}

void add(const QOp& op, const std::vector<ConstByteView>& inputs, const ByteView& out,
         std::int64_t batch) {
  const Requantizer& clamp = op.pool_requant;
  const std::size_t count = at(out.shape.elements() * batch);
  for (std::size_t e = 0; e < count; ++e) {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      sum += std::int64_t{inputs[i].data[e] - inputs[i].zero_byte} * op.add_multipliers[i];
    }
    std::int32_t y;
    if (clamp.binary) {
      y = sum >= 0 ? 1 : -1;
    } else {
      const std::int64_t rounded =
          op.add_shift > 0 ? (sum + (std::int64_t{1} << (op.add_shift - 1))) >> op.add_shift : sum;
      y = static_cast<std::int32_t>(std::clamp<std::int64_t>(rounded, clamp.lo, clamp.hi));
    }
    out.data[e] = to_byte(y, out.zero_byte);
  }
}

template <typename T>
void concat(const std::vector<const T*>& inputs, const std::vector<TensorPlan>& in_plans, T* out,
            const TensorPlan& out_plan, std::int64_t batch) {
  const std::int64_t pixels = batch * out_plan.shape.height * out_plan.shape.width;
  const std::size_t out_channels = at(out_plan.shape.channels);
  std::size_t first = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::size_t channels = at(in_plans[i].shape.channels);
    const int shift = out_plan.zero_byte - in_plans[i].zero_byte;
    for (std::int64_t p = 0; p < pixels; ++p) {
      const T* src = inputs[i] + at(p) * channels;
      T* dst = out + at(p) * out_channels + first;
      if (shift == 0) {
        std::memcpy(dst, src, channels * sizeof(T));
      } else {
        for (std::size_t c = 0; c < channels; ++c) dst[c] = static_cast<T>(src[c] + shift);
      }
    }
    first += channels;
  }
}

template <typename T>
void flatten(const T* in, const TensorPlan& in_plan, T* out, const TensorPlan& out_plan,
             std::int64_t batch) {
  const Shape& s = in_plan.shape;
  const std::int64_t plane = s.height * s.width;
  const std::size_t elements = at(s.elements());
  const int shift = out_plan.zero_byte - in_plan.zero_byte;
  for (std::int64_t b = 0; b < batch; ++b) {
    const T* src = in + at(b) * elements;
    T* dst = out + at(b) * elements;
    if (shift == 0 && (plane == 1 || s.channels == 1)) {
      std::memcpy(dst, src, elements * sizeof(T));
      continue;
    }
    for (std::int64_t p = 0; p < plane; ++p) {
      for (std::int64_t c = 0; c < s.channels; ++c) {
        dst[at(c * plane + p)] = static_cast<T>(src[at(p * s.channels + c)] + shift);
      }
    }
  }
}

template void concat<std::uint8_t>(const std::vector<const std::uint8_t*>&,
                                   const std::vector<TensorPlan>&, std::uint8_t*, const TensorPlan&,
                                   std::int64_t);
template void concat<std::int32_t>(const std::vector<const std::int32_t*>&,
                                   const std::vector<TensorPlan>&, std::int32_t*, const TensorPlan&,
                                   std::int64_t);
template void flatten<std::uint8_t>(const std::uint8_t*, const TensorPlan&, std::uint8_t*,
                                    const TensorPlan&, std::int64_t);
template void flatten<std::int32_t>(const std::int32_t*, const TensorPlan&, std::int32_t*,
                                    const TensorPlan&, std::int64_t);

void nchw_to_nhwc_levels(const float* pixels, const UniformQuantizer& quant, const Shape& shape,
                         std::int64_t batch, int zero_byte, std::uint8_t* out) {
  const std::int64_t plane = shape.height * shape.width;
  for (std::int64_t b = 0; b < batch; ++b) {
    const float* src = pixels + at(b * shape.elements());
    std::uint8_t* dst = out + at(b * shape.elements());
    for (std::int64_t c = 0; c < shape.channels; ++c) {
      for (std::int64_t p = 0; p < plane; ++p) {
        dst[at(p * shape.channels + c)] =
            to_byte(quant.quantize(src[at(c * plane + p)]), zero_byte);
      }
    }
  }
}

void nhwc_to_nchw(const std::int32_t* in, const Shape& shape, std::int64_t batch,
                  std::int32_t* out) {
  const TensorPlan plan{shape, Storage::Int32, 0, -1};
  flatten(in, plan, out, plan, batch);
}

}  // namespace qtb::gemmlowp_backend
