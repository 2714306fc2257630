#include "engine/integer_ops/nhwc_levels.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

namespace qtb::integer_ops {
namespace {

std::size_t at(std::int64_t i) {
  return static_cast<std::size_t>(i);
}

std::uint8_t byte_of(std::int32_t level, int zero) {
  return static_cast<std::uint8_t>(level + zero);  // modular: s8 levels keep their two's complement
}

std::int32_t level_at(const ByteLevels& t, std::int64_t i) {
  const std::int32_t byte = t.signed_bytes
                                ? std::int32_t{static_cast<const std::int8_t*>(t.data)[i]}
                                : std::int32_t{static_cast<const std::uint8_t*>(t.data)[i]};
  return byte - t.zero;
}

bool same_encoding(const ByteLevels& a, const ByteLevels& b) {
  return a.signed_bytes == b.signed_bytes && a.zero == b.zero;
}

// The input coordinates [begin, end) of a window along one axis.
struct Window {
  std::int64_t begin, end;
};
Window window(std::int64_t out, int stride, int pad, int kernel, std::int64_t size) {
  const std::int64_t first = out * stride - pad;
  return {std::max<std::int64_t>(first, 0), std::min<std::int64_t>(first + kernel, size)};
}

// Calls body.template operator()<T>() with T the C++ type of t's bytes.
template <class Body>
void with_byte_type(const ByteLevels& t, const Body& body) {
  if (t.signed_bytes) {
    body.template operator()<std::int8_t>();
  } else {
    body.template operator()<std::uint8_t>();
  }
}

template <class In>
void max_pool_rows(const ByteLevels& in, const PoolAttrs& pool, const ByteLevels& out, Range rows) {
  const Shape& is = in.shape;
  const Shape& os = out.shape;
  const std::size_t channels = at(is.channels);
  const auto* src = static_cast<const In*>(in.data);
  std::vector<In> max(channels);
  const bool recode = !same_encoding(in, out);
  for (std::int64_t r = rows.begin; r < rows.end; ++r) {
    const std::int64_t n = r / os.height, oy = r % os.height;
    const Window wy = window(oy, pool.stride, pool.pad, pool.kernel, is.height);
    for (std::int64_t ox = 0; ox < os.width; ++ox) {
      const Window wx = window(ox, pool.stride, pool.pad, pool.kernel, is.width);
      std::fill(max.begin(), max.end(), std::numeric_limits<In>::min());  // windows are never empty
      for (std::int64_t iy = wy.begin; iy < wy.end; ++iy) {
        for (std::int64_t ix = wx.begin; ix < wx.end; ++ix) {
          const In* px = src + at((n * is.height + iy) * is.width + ix) * channels;
          for (std::size_t c = 0; c < channels; ++c) max[c] = std::max(max[c], px[c]);
        }
      }
      auto* dst = static_cast<std::uint8_t*>(out.data) + at(r * os.width + ox) * channels;
      if (!recode) {
        std::memcpy(dst, max.data(), channels);
      } else {
        for (std::size_t c = 0; c < channels; ++c) {
          dst[c] = byte_of(std::int32_t{max[c]} - in.zero, out.zero);
        }
      }
    }
  }
}

template <class In>
void avg_pool_rows(const ByteLevels& in, const PoolAttrs& pool, const Requantizer& requant,
                   const ByteLevels& out, Range rows) {
  const Shape& is = in.shape;
  const Shape& os = out.shape;
  const std::size_t channels = at(is.channels);
  const auto* src = static_cast<const In*>(in.data);
  std::vector<std::int32_t> sum(channels);
  for (std::int64_t r = rows.begin; r < rows.end; ++r) {
    const std::int64_t n = r / os.height, oy = r % os.height;
    const Window wy = window(oy, pool.stride, pool.pad, pool.kernel, is.height);
    for (std::int64_t ox = 0; ox < os.width; ++ox) {
      const Window wx = window(ox, pool.stride, pool.pad, pool.kernel, is.width);
      const auto taps = static_cast<std::int32_t>(std::max<std::int64_t>(wy.end - wy.begin, 0) *
                                                  std::max<std::int64_t>(wx.end - wx.begin, 0));
      std::fill(sum.begin(), sum.end(), -taps * in.zero);  // levels, not bytes; padding adds 0
      for (std::int64_t iy = wy.begin; iy < wy.end; ++iy) {
        for (std::int64_t ix = wx.begin; ix < wx.end; ++ix) {
          const In* px = src + at((n * is.height + iy) * is.width + ix) * channels;
          for (std::size_t c = 0; c < channels; ++c) sum[c] += px[c];
        }
      }
      auto* dst = static_cast<std::uint8_t*>(out.data) + at(r * os.width + ox) * channels;
      for (std::size_t c = 0; c < channels; ++c) dst[c] = byte_of(requant.apply(sum[c]), out.zero);
    }
  }
}

template <class In>
void global_avg_pool_images(const ByteLevels& in, const Requantizer& requant, const ByteLevels& out,
                            Range images) {
  const std::int64_t plane = in.shape.height * in.shape.width;
  const std::size_t channels = at(in.shape.channels);
  const auto* src = static_cast<const In*>(in.data);
  std::vector<std::int64_t> sum(channels);
  for (std::int64_t n = images.begin; n < images.end; ++n) {
    std::fill(sum.begin(), sum.end(), -plane * in.zero);
    const In* px = src + at(n * plane) * channels;
    for (std::int64_t p = 0; p < plane; ++p, px += channels) {
      for (std::size_t c = 0; c < channels; ++c) sum[c] += px[c];
    }
    auto* dst = static_cast<std::uint8_t*>(out.data) + at(n) * channels;
    for (std::size_t c = 0; c < channels; ++c) {
      // The sum of a plane of bytes fits int32 for planes up to 2^23 pixels (the backends that
      // could see larger ones refuse them at compile time).
      dst[c] = byte_of(requant.apply(static_cast<std::int32_t>(sum[c])), out.zero);
    }
  }
}

// Two inputs of known byte types, the common (residual) case: a loop the compiler can vectorize.
// The zero offsets fold into the constant: (a - za) * ma + (b - zb) * mb + round
// = a * ma + b * mb + (round - za * ma - zb * mb), exactly, in int64.
template <class A, class B>
void add2(const ByteLevels& a, const ByteLevels& b, const AddRule& rule, const ByteLevels& out,
          Range elements) {
  const auto* pa = static_cast<const A*>(a.data);
  const auto* pb = static_cast<const B*>(b.data);
  auto* dst = static_cast<std::uint8_t*>(out.data);
  const std::int64_t ma = rule.multipliers[0];
  const std::int64_t mb = rule.multipliers[1];
  const std::int64_t zeros = a.zero * ma + b.zero * mb;
  const int zero = out.zero;
  if (rule.binary) {
    for (std::int64_t i = elements.begin; i < elements.end; ++i) {
      const std::int64_t s = std::int64_t{pa[i]} * ma + std::int64_t{pb[i]} * mb - zeros;
      dst[i] = byte_of(s >= 0 ? 1 : -1, zero);
    }
    return;
  }
  const std::int64_t offset = rounding_term(rule.shift) - zeros;
  const int shift = rule.shift;
  const std::int64_t lo = rule.lo, hi = rule.hi;
  for (std::int64_t i = elements.begin; i < elements.end; ++i) {
    const std::int64_t s = (std::int64_t{pa[i]} * ma + std::int64_t{pb[i]} * mb + offset) >> shift;
    dst[i] = byte_of(static_cast<std::int32_t>(std::clamp(s, lo, hi)), zero);
  }
}

}  // namespace

Range all_pixels(const ByteLevels& t) {
  return {0, t.images * t.shape.height * t.shape.width};
}

std::int64_t pool_rows(const ByteLevels& out) {
  return out.images * out.shape.height;
}

void max_pool(const ByteLevels& in, const PoolAttrs& pool, const ByteLevels& out, Range rows) {
  with_byte_type(in, [&]<class In>() { max_pool_rows<In>(in, pool, out, rows); });
}

void avg_pool(const ByteLevels& in, const PoolAttrs& pool, const Requantizer& requant,
              const ByteLevels& out, Range rows) {
  with_byte_type(in, [&]<class In>() { avg_pool_rows<In>(in, pool, requant, out, rows); });
}

void global_avg_pool(const ByteLevels& in, const Requantizer& requant, const ByteLevels& out,
                     Range images) {
  with_byte_type(in, [&]<class In>() { global_avg_pool_images<In>(in, requant, out, images); });
}

void add(std::span<const ByteLevels> in, const AddRule& rule, const ByteLevels& out,
         Range elements) {
  if (in.size() == 2) {
    with_byte_type(in[0], [&]<class A>() {
      with_byte_type(in[1], [&]<class B>() { add2<A, B>(in[0], in[1], rule, out, elements); });
    });
    return;
  }
  auto* dst = static_cast<std::uint8_t*>(out.data);
  for (std::int64_t e = elements.begin; e < elements.end; ++e) {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
      sum += std::int64_t{level_at(in[i], e)} * rule.multipliers[i];
    }
    dst[e] = byte_of(rule.apply(sum), out.zero);
  }
}

void copy_channels(const ByteLevels& in, const ByteLevels& out, std::int64_t channel_offset,
                   Range pixels) {
  const std::int64_t c_in = in.shape.channels, c_out = out.shape.channels;
  const auto* src = static_cast<const std::uint8_t*>(in.data);
  auto* dst = static_cast<std::uint8_t*>(out.data) + channel_offset;
  if (same_encoding(in, out)) {
    for (std::int64_t p = pixels.begin; p < pixels.end; ++p) {
      std::memcpy(dst + p * c_out, src + p * c_in, at(c_in));
    }
    return;
  }
  for (std::int64_t p = pixels.begin; p < pixels.end; ++p) {
    for (std::int64_t c = 0; c < c_in; ++c)
      dst[p * c_out + c] = byte_of(level_at(in, p * c_in + c), out.zero);
  }
}

void copy_channels(const std::int32_t* in, const Shape& in_shape, std::int32_t* out,
                   const Shape& out_shape, std::int64_t channel_offset, Range pixels) {
  const std::int64_t c_in = in_shape.channels, c_out = out_shape.channels;
  for (std::int64_t p = pixels.begin; p < pixels.end; ++p) {
    std::memcpy(out + p * c_out + channel_offset, in + p * c_in, at(c_in) * sizeof(std::int32_t));
  }
}

void flatten(const ByteLevels& in, const ByteLevels& out, Range images) {
  const Shape& s = in.shape;
  const std::int64_t plane = s.height * s.width, elements = s.elements();
  const auto* src = static_cast<const std::uint8_t*>(in.data);
  auto* dst = static_cast<std::uint8_t*>(out.data);
  const bool same = same_encoding(in, out);
  for (std::int64_t n = images.begin; n < images.end; ++n) {
    const std::int64_t base = n * elements;
    if (same && (plane == 1 || s.channels == 1)) {
      std::memcpy(dst + base, src + base, at(elements));
      continue;
    }
    for (std::int64_t p = 0; p < plane; ++p) {
      for (std::int64_t c = 0; c < s.channels; ++c) {
        const std::int64_t from = base + p * s.channels + c;
        dst[base + c * plane + p] = same ? src[from] : byte_of(level_at(in, from), out.zero);
      }
    }
  }
}

void nhwc_to_nchw(const std::int32_t* in, const Shape& shape, std::int32_t* out, Range images) {
  const std::int64_t plane = shape.height * shape.width, elements = shape.elements();
  for (std::int64_t n = images.begin; n < images.end; ++n) {
    const std::int32_t* src = in + n * elements;
    std::int32_t* dst = out + n * elements;
    if (plane == 1 || shape.channels == 1) {
      std::memcpy(dst, src, at(elements) * sizeof(std::int32_t));
      continue;
    }
    for (std::int64_t p = 0; p < plane; ++p) {
      for (std::int64_t c = 0; c < shape.channels; ++c) {
        dst[c * plane + p] = src[p * shape.channels + c];
      }
    }
  }
}

void quantize_nchw(const float* pixels, const UniformQuantizer& quant, const ByteLevels& out,
                   Range pixel_range) {
  const Shape& s = out.shape;
  const std::int64_t plane = s.height * s.width;
  auto* dst = static_cast<std::uint8_t*>(out.data);
  for (std::int64_t r = pixel_range.begin; r < pixel_range.end; ++r) {
    const float* image = pixels + (r / plane) * s.elements();
    const std::int64_t p = r % plane;
    for (std::int64_t c = 0; c < s.channels; ++c) {
      dst[r * s.channels + c] = byte_of(quant.quantize(image[c * plane + p]), out.zero);
    }
  }
}

}  // namespace qtb::integer_ops
