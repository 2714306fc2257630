// GCC 12 reports its own _mm512_undefined_* temporaries in the intrinsics headers as possibly
// uninitialized once they are inlined at -O2: a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/onednn/integer_ops.hpp"

#include <algorithm>

#include <omp.h>

#include "engine/onednn/avx512_levels.hpp"
#include "engine/onednn/simd.hpp"

namespace qtb::onednn {
namespace {

using integer_ops::Range;

// Threads for `work` elementary steps: one per 16 Ki steps, at most `threads`.
int team(std::int64_t work, int threads) {
  return static_cast<int>(std::clamp<std::int64_t>(work / 16384, 1, threads));
}

// body(range) for [0, count) split into `team` contiguous ranges, one per OpenMP thread.
template <class Body>
void parallel_ranges(std::int64_t count, int team, const Body& body) {
  if (team <= 1) {
    body(Range{0, count});
    return;
  }
#pragma omp parallel num_threads(team)
  {
    const std::int64_t t = omp_get_thread_num(), n = omp_get_num_threads();
    body(Range{count * t / n, count * (t + 1) / n});
  }
}

#if defined(__x86_64__)
QTB_AVX512_TARGET void add2_avx512(const ByteLevels& a, const ByteLevels& b, const ByteLevels& out,
                                   std::int64_t count, const AddRule& rule, int threads) {
  using namespace avx512;
  const __m512i ma = _mm512_set1_epi64(rule.multipliers[0]);
  const __m512i mb = _mm512_set1_epi64(rule.multipliers[1]);
  const __m512i round = _mm512_set1_epi64(integer_ops::rounding_term(rule.shift));
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
    const __m512i x = load_levels(pa + i, a.signed_bytes, mask);
    const __m512i y = load_levels(pb + i, b.signed_bytes, mask);
    const __m512i even = clamp64(add_rule8(x, y, ma, mb, round, shift), lo, hi);
    const __m512i odd =
        clamp64(add_rule8(odd_lanes(x), odd_lanes(y), ma, mb, round, shift), lo, hi);
    store_levels(py + i, interleave(even, odd), mask);
  }
}
#endif

}  // namespace

void avg_pool(const ByteLevels& in, const PoolAttrs& pool, const Requantizer& requant,
              const ByteLevels& out, int threads) {
  const std::int64_t rows = integer_ops::pool_rows(out);
  const std::int64_t work = rows * out.shape.width * out.shape.channels * pool.kernel * pool.kernel;
  parallel_ranges(rows, team(work, threads),
                  [&](Range r) { integer_ops::avg_pool(in, pool, requant, out, r); });
}

void global_avg_pool(const ByteLevels& in, const Requantizer& requant, const ByteLevels& out,
                     int threads) {
  const std::int64_t work = in.images * in.shape.elements();
  parallel_ranges(in.images, team(work, threads),
                  [&](Range r) { integer_ops::global_avg_pool(in, requant, out, r); });
}

void add(const std::vector<ByteLevels>& in, const AddRule& rule, const ByteLevels& out,
         int threads) {
  const std::int64_t count = out.images * out.shape.elements();
#if defined(__x86_64__)
  if (in.size() == 2 && !rule.binary && has_avx512_kernels()) {
    add2_avx512(in[0], in[1], out, count, rule, threads);
    return;
  }
#endif
  const std::int64_t work = count * static_cast<std::int64_t>(in.size());
  parallel_ranges(count, team(work, threads), [&](Range r) { integer_ops::add(in, rule, out, r); });
}

void copy_channels(const ByteLevels& in, const ByteLevels& out, std::int64_t channel_offset,
                   int threads) {
  const std::int64_t pixels = in.images * in.shape.height * in.shape.width;
  parallel_ranges(pixels, team(pixels * in.shape.channels, threads),
                  [&](Range r) { integer_ops::copy_channels(in, out, channel_offset, r); });
}

void quantize_input(std::span<const float> pixels, const UniformQuantizer& quant,
                    const ByteLevels& out, int threads) {
  const std::int64_t rows = out.images * out.shape.height * out.shape.width;
  parallel_ranges(rows, team(rows * out.shape.channels, threads),
                  [&](Range r) { integer_ops::quantize_nchw(pixels.data(), quant, out, r); });
}

}  // namespace qtb::onednn
