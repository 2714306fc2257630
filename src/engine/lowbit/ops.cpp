#include "engine/lowbit/ops.hpp"

#include <algorithm>
#include <cstring>

namespace qtb::lowbit {
namespace {

std::size_t at(std::int64_t i) {
  return static_cast<std::size_t>(i);
}

std::int32_t load(const std::uint8_t* p, bool is_signed, std::size_t i) {
  return is_signed ? std::int32_t{static_cast<std::int8_t>(p[i])} : std::int32_t{p[i]};
}

std::uint8_t store(std::int32_t level) {
  return static_cast<std::uint8_t>(level);  // modular: int8 levels keep their two's complement
}

}  // namespace

const std::uint8_t* x_rows(const ConvStep& c, const std::uint8_t* in, int g, std::int64_t n0,
                           std::int64_t n1, std::uint8_t* cols) {
  const std::int64_t pixels = c.out.height * c.out.width;
  const std::int64_t in_elems = c.in.elements();
  if (c.direct) return in + n0 * c.k;
  if (c.dense_gather) {
    const std::int64_t plane = c.in.height * c.in.width, channels = c.in.channels;
    for (std::int64_t n = n0; n < n1; ++n) {
      const std::uint8_t* img = in + n * in_elems;
      std::uint8_t* row = cols + (n - n0) * c.k;
      for (std::int64_t ch = 0; ch < channels; ++ch) {
        for (std::int64_t p = 0; p < plane; ++p) row[ch * plane + p] = img[p * channels + ch];
      }
    }
    return cols;
  }
  const auto run = at(c.in_pg);
  for (std::int64_t n = n0; n < n1; ++n) {
    const std::int64_t b = n / pixels, p = n % pixels;
    const std::int64_t oy = p / c.out.width, ox = p % c.out.width;
    const std::uint8_t* img = in + b * in_elems + std::int64_t{g} * c.in_pg;
    std::uint8_t* row = cols + (n - n0) * c.k;
    for (int ky = 0; ky < c.kh; ++ky) {
      const std::int64_t iy = oy * c.sh - c.ph + ky;
      for (int kx = 0; kx < c.kw; ++kx) {
        const std::int64_t ix = ox * c.sw - c.pw + kx;
        std::uint8_t* dst = row + (ky * c.kw + kx) * c.in_pg;
        if (iy < 0 || iy >= c.in.height || ix < 0 || ix >= c.in.width) {
          std::memset(dst, 0, run);
        } else {
          std::memcpy(dst, img + (iy * c.in.width + ix) * c.in.channels, run);
        }
      }
    }
  }
  return cols;
}

void pack_x(const ConvStep& c, PackedOperand& x, const std::uint8_t* levels, std::int64_t rows,
            bool portable) {
  const std::size_t count = at(rows) * at(c.k);
  if (c.a_signed) {
    pack_into(x, std::span(reinterpret_cast<const std::int8_t*>(levels), count),
              static_cast<int>(rows), c.k, c.abits, true, portable);
  } else {
    pack_into(x, std::span(levels, count), static_cast<int>(rows), c.k, c.abits, false, portable);
  }
}

void epilogue(const ConvStep& c, void* out, std::int64_t oc0, std::int64_t rows, std::int64_t n0,
              std::int64_t cols, const std::int32_t* acc) {
  const std::int64_t channels = c.out.channels;
  if (c.requant.empty()) {
    std::int32_t* dst = static_cast<std::int32_t*>(out) + n0 * channels + oc0;
    for (std::int64_t n = 0; n < cols; ++n) {
      for (std::int64_t m = 0; m < rows; ++m) dst[n * channels + m] = acc[m * cols + n];
    }
    return;
  }
  std::uint8_t* dst = static_cast<std::uint8_t*>(out) + n0 * channels + oc0;
  const Requantizer* rq = c.requant.data() + oc0;
  // Requantizer::apply with its per-channel branches hoisted out of the pixel loop; pixels in
  // blocks of 16 so that the strided stores stay within a few L1 sets.
  constexpr std::int64_t kBlock = 16;
  for (std::int64_t nb = 0; nb < cols; nb += kBlock) {
    const std::int64_t ne = std::min(cols, nb + kBlock);
    for (std::int64_t m = 0; m < rows; ++m) {
      const Requantizer& r = rq[m];
      const std::int32_t* a = acc + m * cols;
      std::uint8_t* d = dst + m;
      const std::int64_t bias = r.bias, mult = r.multiplier;
      if (r.binary) {  // sign of (acc + bias) * multiplier, +1 at 0
        const std::uint8_t plus = store(1), minus = store(-1);
        for (std::int64_t n = nb; n < ne; ++n) {
          const std::int64_t v = a[n] + bias;
          d[n * channels] = (mult > 0 ? v >= 0 : (mult < 0 ? v <= 0 : true)) ? plus : minus;
        }
        continue;
      }
      const int shift = r.shift;
      const std::int64_t round = shift > 0 ? std::int64_t{1} << (shift - 1) : 0;
      const std::int64_t lo = r.lo, hi = r.hi;
      for (std::int64_t n = nb; n < ne; ++n) {
        const std::int64_t v = ((a[n] + bias) * mult + round) >> shift;
        d[n * channels] = store(static_cast<std::int32_t>(std::clamp(v, lo, hi)));
      }
    }
  }
}

void depthwise(const ConvStep& c, const std::uint8_t* in, void* out, std::int64_t n_begin,
               std::int64_t n_end, std::int32_t* acc) {
  const std::int64_t pixels = c.out.height * c.out.width;
  const std::int64_t channels = c.out.channels, in_channels = c.in.channels;
  const bool is_signed = c.a_signed;
  for (std::int64_t n = n_begin; n < n_end; ++n) {
    const std::int64_t b = n / pixels, p = n % pixels;
    const std::int64_t oy = p / c.out.width, ox = p % c.out.width;
    std::fill(acc, acc + channels, 0);
    for (int ky = 0; ky < c.kh; ++ky) {
      const std::int64_t iy = oy * c.sh - c.ph + ky;
      if (iy < 0 || iy >= c.in.height) continue;
      for (int kx = 0; kx < c.kw; ++kx) {
        const std::int64_t ix = ox * c.sw - c.pw + kx;
        if (ix < 0 || ix >= c.in.width) continue;
        const std::uint8_t* px = in + b * c.in.elements() + (iy * c.in.width + ix) * in_channels;
        const std::int8_t* w = c.dw_weights.data() + (ky * c.kw + kx) * channels;
        if (c.out_pg == 1 && is_signed) {
          const auto* v = reinterpret_cast<const std::int8_t*>(px);
          for (std::int64_t oc = 0; oc < channels; ++oc) acc[oc] += w[oc] * v[oc];
        } else if (c.out_pg == 1) {
          for (std::int64_t oc = 0; oc < channels; ++oc) acc[oc] += w[oc] * px[oc];
        } else {
          for (std::int64_t oc = 0; oc < channels; ++oc) {
            acc[oc] += w[oc] * load(px, is_signed, at(oc / c.out_pg));
          }
        }
      }
    }
    if (c.requant.empty()) {
      std::copy(acc, acc + channels, static_cast<std::int32_t*>(out) + n * channels);
    } else {
      std::uint8_t* dst = static_cast<std::uint8_t*>(out) + n * channels;
      for (std::int64_t oc = 0; oc < channels; ++oc) {
        dst[oc] = store(c.requant[at(oc)].apply(acc[oc]));
      }
    }
  }
}

}  // namespace qtb::lowbit
