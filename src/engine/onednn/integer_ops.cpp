// GCC 12 reports its own _mm512_undefined_* temporaries in the intrinsics headers as possibly
// uninitialized once they are inlined at -O2: a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/onednn/integer_ops.hpp"

#include <algorithm>
#include <cstring>

#include "engine/onednn/avx512_levels.hpp"
#include "engine/onednn/simd.hpp"

namespace qtb::onednn {
namespace {

std::int32_t level_at(const Levels8& t, std::int64_t i) {
  return t.is_signed ? std::int32_t{static_cast<const std::int8_t*>(t.data)[i]}
                     : std::int32_t{static_cast<const std::uint8_t*>(t.data)[i]};
}

void store(const Levels8& t, std::int64_t i, std::int32_t level) {
  if (t.is_signed) {
    static_cast<std::int8_t*>(t.data)[i] = static_cast<std::int8_t>(level);
  } else {
    static_cast<std::uint8_t*>(t.data)[i] = static_cast<std::uint8_t>(level);
  }
}

int team(std::int64_t work, int threads) {
  return static_cast<int>(std::clamp<std::int64_t>(work / 16384, 1, threads));
}

template <typename In>
void avg_pool_typed(const Levels8& in, const PoolAttrs& a, const Requantizer& requant,
                    const Levels8& out, int threads) {
  const Shape& is = in.shape;
  const Shape& os = out.shape;
  const std::int64_t c_count = is.channels;
  const std::int64_t rows = in.images * os.height;
  const auto* src = static_cast<const In*>(in.data);
#pragma omp parallel for num_threads(team(rows* os.width* c_count* a.kernel* a.kernel, threads))
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::int64_t n = r / os.height;
    const std::int64_t oy = r % os.height;
    std::vector<std::int32_t> sum(static_cast<std::size_t>(c_count));
    for (std::int64_t ox = 0; ox < os.width; ++ox) {
      std::fill(sum.begin(), sum.end(), 0);
      for (int ky = 0; ky < a.kernel; ++ky) {
        const std::int64_t iy = oy * a.stride - a.pad + ky;
        if (iy < 0 || iy >= is.height) continue;
        for (int kx = 0; kx < a.kernel; ++kx) {
          const std::int64_t ix = ox * a.stride - a.pad + kx;
          if (ix < 0 || ix >= is.width) continue;
          const In* px = src + ((n * is.height + iy) * is.width + ix) * c_count;
          for (std::int64_t c = 0; c < c_count; ++c) sum[static_cast<std::size_t>(c)] += px[c];
        }
      }
      const std::int64_t base = ((n * os.height + oy) * os.width + ox) * c_count;
      for (std::int64_t c = 0; c < c_count; ++c) {
        store(out, base + c, requant.apply(sum[static_cast<std::size_t>(c)]));
      }
    }
  }
}

template <typename In>
void global_pool_typed(const Levels8& in, const Requantizer& requant, const Levels8& out,
                       int threads) {
  const std::int64_t c_count = in.shape.channels;
  const std::int64_t plane = in.shape.height * in.shape.width;
  const auto* src = static_cast<const In*>(in.data);
#pragma omp parallel for num_threads(team(in.images* plane* c_count, threads))
  for (std::int64_t n = 0; n < in.images; ++n) {
    std::vector<std::int64_t> sum(static_cast<std::size_t>(c_count), 0);
    for (std::int64_t p = 0; p < plane; ++p) {
      const In* px = src + (n * plane + p) * c_count;
      for (std::int64_t c = 0; c < c_count; ++c) sum[static_cast<std::size_t>(c)] += px[c];
    }
    for (std::int64_t c = 0; c < c_count; ++c) {
      // Fits: the model checks plane * 255 <= INT32_MAX at compile time.
      store(out, n * c_count + c,
            requant.apply(static_cast<std::int32_t>(sum[static_cast<std::size_t>(c)])));
    }
  }
}

// Two inputs of known types, the common (ResNet) case: a loop the compiler can vectorize.
template <typename A, typename B, typename Out>
void add2_typed(const A* a, const B* b, Out* out, std::int64_t count, const AddRule& rule,
                int threads) {
  const std::int64_t ma = rule.multipliers[0];
  const std::int64_t mb = rule.multipliers[1];
  const std::int64_t round = rule.shift > 0 ? std::int64_t{1} << (rule.shift - 1) : 0;
  const int shift = rule.shift;
  const std::int64_t lo = rule.lo;
  const std::int64_t hi = rule.hi;
#pragma omp parallel for num_threads(team(count, threads))
  for (std::int64_t i = 0; i < count; ++i) {
    const std::int64_t s = (std::int64_t{a[i]} * ma + std::int64_t{b[i]} * mb + round) >> shift;
    out[i] = static_cast<Out>(std::clamp(s, lo, hi));
  }
}

template <typename A, typename B>
void add2_out(const Levels8& a, const Levels8& b, const Levels8& out, std::int64_t count,
              const AddRule& rule, int threads) {
  if (out.is_signed) {
    add2_typed(static_cast<const A*>(a.data), static_cast<const B*>(b.data),
               static_cast<std::int8_t*>(out.data), count, rule, threads);
  } else {
    add2_typed(static_cast<const A*>(a.data), static_cast<const B*>(b.data),
               static_cast<std::uint8_t*>(out.data), count, rule, threads);
  }
}

#if defined(__x86_64__)
QTB_AVX512_TARGET void add2_avx512(const Levels8& a, const Levels8& b, const Levels8& out,
                                   std::int64_t count, const AddRule& rule, int threads) {
  using namespace avx512;
  const __m512i ma = _mm512_set1_epi64(rule.multipliers[0]);
  const __m512i mb = _mm512_set1_epi64(rule.multipliers[1]);
  const __m512i round = _mm512_set1_epi64(rule.shift > 0 ? std::int64_t{1} << (rule.shift - 1) : 0);
  const __m128i shift = _mm_cvtsi32_si128(rule.shift);
  const __m512i lo = _mm512_set1_epi64(rule.lo);
  const __m512i hi = _mm512_set1_epi64(rule.hi);
  const auto* pa = static_cast<const char*>(a.data);
  const auto* pb = static_cast<const char*>(b.data);
  auto* py = static_cast<char*>(out.data);
  const std::int64_t blocks = (count + 15) / 16;
#pragma omp parallel for num_threads(team(count, threads))
  for (std::int64_t k = 0; k < blocks; ++k) {
    const std::int64_t i = k * 16;
    const __mmask16 mask = tail_mask(count - i);
    const __m512i x = load_levels(pa + i, a.is_signed, mask);
    const __m512i y = load_levels(pb + i, b.is_signed, mask);
    const __m512i even = clamp64(add_rule8(x, y, ma, mb, round, shift), lo, hi);
    const __m512i odd =
        clamp64(add_rule8(odd_lanes(x), odd_lanes(y), ma, mb, round, shift), lo, hi);
    store_levels(py + i, interleave(even, odd), mask);
  }
}
#endif

template <typename A>
void add2_b(const Levels8& a, const Levels8& b, const Levels8& out, std::int64_t count,
            const AddRule& rule, int threads) {
  if (b.is_signed) {
    add2_out<A, std::int8_t>(a, b, out, count, rule, threads);
  } else {
    add2_out<A, std::uint8_t>(a, b, out, count, rule, threads);
  }
}

}  // namespace

void avg_pool(const Levels8& in, const PoolAttrs& pool, const Requantizer& requant,
              const Levels8& out, int threads) {
  if (in.is_signed) {
    avg_pool_typed<std::int8_t>(in, pool, requant, out, threads);
  } else {
    avg_pool_typed<std::uint8_t>(in, pool, requant, out, threads);
  }
}

void global_avg_pool(const Levels8& in, const Requantizer& requant, const Levels8& out,
                     int threads) {
  if (in.is_signed) {
    global_pool_typed<std::int8_t>(in, requant, out, threads);
  } else {
    global_pool_typed<std::uint8_t>(in, requant, out, threads);
  }
}

void add(const std::vector<Levels8>& in, const AddRule& rule, const Levels8& out, int threads) {
  const std::int64_t count = out.images * out.shape.elements();
  if (in.size() == 2) {
#if defined(__x86_64__)
    if (has_avx512_kernels()) {
      add2_avx512(in[0], in[1], out, count, rule, threads);
      return;
    }
#endif
    if (in[0].is_signed) {
      add2_b<std::int8_t>(in[0], in[1], out, count, rule, threads);
    } else {
      add2_b<std::uint8_t>(in[0], in[1], out, count, rule, threads);
    }
    return;
  }
  const std::int64_t round = rule.shift > 0 ? std::int64_t{1} << (rule.shift - 1) : 0;
#pragma omp parallel for num_threads(team(count* static_cast <std::int64_t>(in.size()), threads))
  for (std::int64_t e = 0; e < count; ++e) {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
      sum += std::int64_t{level_at(in[i], e)} * rule.multipliers[i];
    }
    store(out, e,
          static_cast<std::int32_t>(
              std::clamp<std::int64_t>((sum + round) >> rule.shift, rule.lo, rule.hi)));
  }
}

void copy_channels(const Levels8& in, const Levels8& out, std::int64_t channel_offset,
                   int threads) {
  const std::int64_t pixels = in.images * in.shape.height * in.shape.width;
  const std::int64_t c_in = in.shape.channels;
  const std::int64_t c_out = out.shape.channels;
  const auto* src = static_cast<const char*>(in.data);
  auto* dst = static_cast<char*>(out.data) + channel_offset;
#pragma omp parallel for num_threads(team(pixels* c_in, threads))
  for (std::int64_t p = 0; p < pixels; ++p) {
    std::memcpy(dst + p * c_out, src + p * c_in, static_cast<std::size_t>(c_in));
  }
}

void quantize_input(std::span<const float> pixels, const UniformQuantizer& quant,
                    const Levels8& out, int threads) {
  const Shape& s = out.shape;
  const std::int64_t plane = s.height * s.width;
  const std::int64_t rows = out.images * plane;
#pragma omp parallel for num_threads(team(rows* s.channels, threads))
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::int64_t n = r / plane;
    const std::int64_t p = r % plane;
    const float* img = pixels.data() + n * s.elements();
    for (std::int64_t c = 0; c < s.channels; ++c) {
      store(out, r * s.channels + c, quant.quantize(img[c * plane + p]));
    }
  }
}

void accumulators_to_nchw(const std::int32_t* in, const Shape& shape, std::int64_t images,
                          std::int32_t* out) {
  const std::int64_t plane = shape.height * shape.width;
  if (plane == 1) {
    std::memcpy(out, in, static_cast<std::size_t>(images * shape.channels) * sizeof(std::int32_t));
    return;
  }
  for (std::int64_t n = 0; n < images; ++n) {
    for (std::int64_t p = 0; p < plane; ++p) {
      for (std::int64_t c = 0; c < shape.channels; ++c) {
        out[(n * shape.channels + c) * plane + p] = in[(n * plane + p) * shape.channels + c];
      }
    }
  }
}

}  // namespace qtb::onednn
