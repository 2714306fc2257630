// GCC 12 reports its own _mm512_undefined_* temporaries in the intrinsics headers as possibly
// uninitialized once they are inlined at -O2: a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "engine/onednn/requantize.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <stdexcept>

#include <omp.h>

#include "engine/integer_ops/add_rule.hpp"
#include "engine/onednn/avx512_levels.hpp"
#include "engine/onednn/simd.hpp"

namespace qtb::onednn {
namespace {

constexpr std::int64_t kLanes = 16;

std::int32_t add_rule(std::int32_t level, std::int32_t other, const FusedAdd& a) {
  const std::int64_t sum =
      std::int64_t{level} * a.self_multiplier + std::int64_t{other} * a.other_multiplier;
  return integer_ops::round_shift_clamp(sum, a.shift, a.lo, a.hi);
}

template <typename Out, typename Other>
void rows_scalar(const std::int32_t* acc, std::int64_t begin, std::int64_t end,
                 const RequantTable& t, const RequantTarget& target, const FusedAdd* add) {
  const std::int64_t channels = t.channels;
  for (std::int64_t p = begin; p < end; ++p) {
    const std::int32_t* a = acc + p * channels;
    Out* d = reinterpret_cast<Out*>(static_cast<char*>(target.dst) + p * target.dst_stride);
    if (add == nullptr) {
      for (std::int64_t c = 0; c < channels; ++c) {
        d[c] = static_cast<Out>(t.scalar[static_cast<std::size_t>(c)].apply(a[c]));
      }
      continue;
    }
    const Other* o = static_cast<const Other*>(add->other) + p * channels;
    for (std::int64_t c = 0; c < channels; ++c) {
      const std::int32_t level = t.scalar[static_cast<std::size_t>(c)].apply(a[c]);
      d[c] = static_cast<Out>(add_rule(level, o[c], *add));
    }
  }
}

template <typename Out>
void rows_scalar_out(const std::int32_t* acc, std::int64_t begin, std::int64_t end,
                     const RequantTable& t, const RequantTarget& target, const FusedAdd* add) {
  if (add != nullptr && add->other_signed) {
    rows_scalar<Out, std::int8_t>(acc, begin, end, t, target, add);
  } else {
    rows_scalar<Out, std::uint8_t>(acc, begin, end, t, target, add);
  }
}

#if defined(__x86_64__)
// One channel half-block (the 8 even or the 8 odd channels of 16) of a table, in registers.
struct Half {
  __m512i mul, offset, shift, lo, hi;
};

QTB_AVX512_TARGET inline Half load_half(const RequantTable& t, std::int64_t i) {
  return {_mm512_loadu_si512(t.multiplier.data() + i), _mm512_loadu_si512(t.offset.data() + i),
          _mm512_loadu_si512(t.shift.data() + i), _mm512_loadu_si512(t.lo.data() + i),
          _mm512_loadu_si512(t.hi.data() + i)};
}

// clamp((acc * multiplier + offset) >> shift, lo, hi) for int64 lanes holding int32 accumulators
// in their low halves.
QTB_AVX512_TARGET inline __m512i requant8(__m512i acc, const Half& h) {
  const __m512i x = _mm512_add_epi64(_mm512_mul_epi32(acc, h.mul), h.offset);
  return avx512::clamp64(_mm512_srav_epi64(x, h.shift), h.lo, h.hi);
}

// Rows are taken 4 at a time (4 sequential streams for the prefetchers), and each 16-channel
// block's table is loaded once for the 4: reloading it per row would make the loads the
// bottleneck, and a wide layer's tables do not fit in L1.
constexpr std::int64_t kRows = 4;

// The fused residual add's constants, broadcast once per call (both kernels use them).
struct AddConstants {
  __m512i ms{}, mo{}, round{}, lo{}, hi{};
  __m128i count{};
  AddConstants() = default;
  QTB_AVX512_TARGET explicit AddConstants(const FusedAdd& add)
      : ms(_mm512_set1_epi64(add.self_multiplier)),
        mo(_mm512_set1_epi64(add.other_multiplier)),
        round(_mm512_set1_epi64(integer_ops::rounding_term(add.shift))),
        lo(_mm512_set1_epi64(add.lo)),
        hi(_mm512_set1_epi64(add.hi)),
        count(_mm_cvtsi32_si128(add.shift)) {}
};

template <bool kAdd>
QTB_AVX512_TARGET void rows_avx512(const std::int32_t* acc, std::int64_t begin, std::int64_t end,
                                   const RequantTable& t, const RequantTarget& target,
                                   const FusedAdd* add) {
  using namespace avx512;
  const std::int64_t channels = t.channels;
  const AddConstants k = kAdd ? AddConstants(*add) : AddConstants();
  const __m512i ms = k.ms, mo = k.mo, round = k.round, add_lo = k.lo, add_hi = k.hi;
  const __m128i count = k.count;
  for (std::int64_t p0 = begin; p0 < end; p0 += kRows) {
    const std::int64_t rows = std::min(kRows, end - p0);
    for (std::int64_t c = 0; c < channels; c += kLanes) {
      const __mmask16 mask = tail_mask(channels - c);
      const Half he = load_half(t, c);
      const Half ho = load_half(t, c + 8);
      for (std::int64_t r = 0; r < rows; ++r) {
        const std::int64_t p = p0 + r;
        const __m512i x = _mm512_maskz_loadu_epi32(mask, acc + p * channels + c);
        __m512i even = requant8(x, he);
        __m512i odd = requant8(odd_lanes(x), ho);
        if constexpr (kAdd) {
          const __m512i o = load_levels(static_cast<const char*>(add->other) + p * channels + c,
                                        add->other_signed, mask);
          even = clamp64(add_rule8(even, o, ms, mo, round, count), add_lo, add_hi);
          odd = clamp64(add_rule8(odd, odd_lanes(o), ms, mo, round, count), add_lo, add_hi);
        }
        store_levels(static_cast<char*>(target.dst) + p * target.dst_stride + c,
                     interleave(even, odd), mask);
      }
    }
  }
}

// The pre-clamped kernel (see requantize.hpp): 16 int32 clamps instead of 2 x 8 int64 clamps, and
// one VBMI byte permute that takes byte 0 of each 64-bit lane, even and odd channels alternating,
// instead of shift + blend + narrowing.
template <bool kAdd>
QTB_AVX512_VBMI_TARGET void rows_preclamped(const std::int32_t* acc, std::int64_t begin,
                                            std::int64_t end, const RequantTable& t,
                                            const RequantTarget& target, const FusedAdd* add) {
  using namespace avx512;
  const std::int64_t channels = t.channels;
  alignas(64) std::uint8_t order[64] = {};
  for (int j = 0; j < 16; ++j) order[j] = static_cast<std::uint8_t>(j / 2 * 8 + (j % 2) * 64);
  const __m512i pack = _mm512_load_si512(order);
  const AddConstants k = kAdd ? AddConstants(*add) : AddConstants();
  const __m512i ms = k.ms, mo = k.mo, round = k.round, add_lo = k.lo, add_hi = k.hi;
  const __m128i count = k.count;
  for (std::int64_t p0 = begin; p0 < end; p0 += kRows) {
    const std::int64_t rows = std::min(kRows, end - p0);
    for (std::int64_t c = 0; c < channels; c += kLanes) {
      const __mmask16 mask = tail_mask(channels - c);
      const Half he = load_half(t, c);
      const Half ho = load_half(t, c + 8);
      const __m512i alo = _mm512_loadu_si512(t.acc_lo.data() + c);
      const __m512i ahi = _mm512_loadu_si512(t.acc_hi.data() + c);
      for (std::int64_t r = 0; r < rows; ++r) {
        const std::int64_t p = p0 + r;
        __m512i x = _mm512_maskz_loadu_epi32(mask, acc + p * channels + c);
        x = _mm512_min_epi32(_mm512_max_epi32(x, alo), ahi);
        __m512i even =
            _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, he.mul), he.offset), he.shift);
        __m512i odd = _mm512_srav_epi64(
            _mm512_add_epi64(_mm512_mul_epi32(odd_lanes(x), ho.mul), ho.offset), ho.shift);
        if constexpr (kAdd) {
          const __m512i o = load_levels(static_cast<const char*>(add->other) + p * channels + c,
                                        add->other_signed, mask);
          even = clamp64(add_rule8(even, o, ms, mo, round, count), add_lo, add_hi);
          odd = clamp64(add_rule8(odd, odd_lanes(o), ms, mo, round, count), add_lo, add_hi);
        }
        const __m512i bytes = _mm512_permutex2var_epi8(even, pack, odd);
        _mm_mask_storeu_epi8(static_cast<char*>(target.dst) + p * target.dst_stride + c, mask,
                             _mm512_castsi512_si128(bytes));
      }
    }
  }
}
#endif

// 128-bit integers (a GCC/Clang extension, hence __extension__ under -Wpedantic) for the exact
// bounds: (acc + bias) * multiplier + round may leave int64 for extreme biases.
__extension__ typedef __int128 Wide;

// The unclamped requantized value of `acc` in 128-bit arithmetic (no overflow possible).
Wide unclamped(const Requantizer& r, std::int64_t acc) {
  const Wide product = (static_cast<Wide>(acc) + r.bias) * r.multiplier;
  return r.shift > 0 ? (product + (static_cast<Wide>(1) << (r.shift - 1))) >> r.shift : product;
}

// The least int32 accumulator for which `pred` holds (pred false, then true, as acc grows), or
// INT32_MAX + 1 when none does.
template <typename Pred>
std::int64_t first_true(Pred pred) {
  std::int64_t lo = INT32_MIN, hi = std::int64_t{INT32_MAX} + 1;  // answer in [lo, hi]
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (pred(mid)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

struct Bounds {
  bool ok = false;
  std::int32_t acc_lo = INT32_MIN, acc_hi = INT32_MAX;
};

// Pre-clamp bounds of one channel whose output is not constant over the int32 accumulators (see
// requantize.hpp); ok = false when the output skips a level at a bound.
Bounds preclamp_bounds(const Requantizer& r) {
  // The 64-bit kernels compute acc * multiplier + offset; outside int64 they would wrap where
  // Requantizer::apply's own 64-bit product does too, so such channels keep the clamping path.
  const Wide limit = static_cast<Wide>(1) << 63;
  for (std::int64_t a : {std::int64_t{INT32_MIN}, std::int64_t{INT32_MAX}}) {
    const Wide product = (static_cast<Wide>(a) + r.bias) * r.multiplier;
    const Wide rounded = product + (r.shift > 0 ? static_cast<Wide>(1) << (r.shift - 1) : 0);
    if (product >= limit || product < -limit || rounded >= limit) return {};
  }
  auto f = [&](std::int64_t a) { return unclamped(r, a); };
  Bounds b;
  std::int64_t first = 0, last = 0;  // the accumulators where the clamp stops / starts again
  std::int32_t first_level = 0, last_level = 0;
  if (r.multiplier > 0) {  // non-decreasing: from lo up to hi
    first = first_true([&](std::int64_t a) { return f(a) >= r.lo; });
    last = first_true([&](std::int64_t a) { return f(a) > r.hi; }) - 1;
    first_level = r.lo;
    last_level = r.hi;
  } else {  // non-increasing: from hi down to lo
    first = first_true([&](std::int64_t a) { return f(a) <= r.hi; });
    last = first_true([&](std::int64_t a) { return f(a) < r.lo; }) - 1;
    first_level = r.hi;
    last_level = r.lo;
  }
  if (first > last || first > INT32_MAX || last < INT32_MIN) return {};
  if (first != INT32_MIN && f(first) != first_level) return {};
  if (last != INT32_MAX && f(last) != last_level) return {};
  b.ok = true;
  b.acc_lo = static_cast<std::int32_t>(first);
  b.acc_hi = static_cast<std::int32_t>(last);
  return b;
}

}  // namespace

RequantTable::RequantTable(const std::vector<Requantizer>& requant)
    : channels(static_cast<std::int64_t>(requant.size())), scalar(requant) {
  const std::size_t padded = (requant.size() + kLanes - 1) / kLanes * kLanes;
  multiplier.assign(padded, 0);
  offset.assign(padded, 0);
  shift.assign(padded, 0);
  lo.assign(padded, 0);
  hi.assign(padded, 0);
  acc_lo.assign(padded, 0);
  acc_hi.assign(padded, 0);
  preclamp = true;
  for (std::size_t c = 0; c < requant.size(); ++c) {
    const Requantizer& r = requant[c];
    const std::size_t i = c / kLanes * kLanes + (c % 2) * 8 + (c % kLanes) / 2;  // even|odd
    if (r.binary) throw std::invalid_argument("onednn requantize: binary outputs are not INT8");
    if (r.shift < 0 || r.shift > 62) {
      throw std::invalid_argument("onednn requantize: shift outside 0..62");
    }
    lo[i] = r.lo;
    hi[i] = r.hi;
    // A channel whose output is the same level for every int32 accumulator (multiplier 0, or a
    // bias that saturates it) becomes that constant: multiplier 0, offset = the level, shift 0.
    const Wide at_min = unclamped(r, INT32_MIN);
    const Wide at_max = unclamped(r, INT32_MAX);
    const Wide low = std::min(at_min, at_max), high = std::max(at_min, at_max);
    if (r.multiplier == 0 || high <= r.lo || low >= r.hi) {
      multiplier[i] = 0;
      offset[i] = high <= r.lo ? r.lo : (low >= r.hi ? r.hi : static_cast<std::int64_t>(low));
      shift[i] = 0;
      acc_lo[c] = INT32_MIN;
      acc_hi[c] = INT32_MAX;
      continue;
    }
    multiplier[i] = r.multiplier;
    offset[i] =
        std::int64_t{r.bias} * r.multiplier + (r.shift > 0 ? std::int64_t{1} << (r.shift - 1) : 0);
    shift[i] = r.shift;
    const Bounds b = preclamp_bounds(r);
    preclamp = preclamp && b.ok;
    acc_lo[c] = b.acc_lo;
    acc_hi[c] = b.acc_hi;
  }
}

bool requantize_uses_preclamp(const RequantTable& table) {
  return table.preclamp && has_avx512_vbmi_kernels();
}

bool requantize_uses_avx512() {
  return has_avx512_kernels();
}

void requantize(const std::int32_t* acc, std::int64_t pixels, const RequantTable& table,
                const RequantTarget& target, int threads, const FusedAdd* add, KernelIsa isa) {
  // Below ~32k values a parallel region costs more than it saves.
  const std::int64_t work = pixels * table.channels;
  const int team = static_cast<int>(std::clamp<std::int64_t>(work / 32768, 1, threads));
  const bool wide = isa == KernelIsa::Best && has_avx512_kernels();
  const bool preclamped = isa == KernelIsa::Best && requantize_uses_preclamp(table);
#pragma omp parallel num_threads(team) if (team > 1)
  {
    const int n = omp_get_num_threads();
    const int i = omp_get_thread_num();
    const std::int64_t begin = pixels * i / n;
    const std::int64_t end = pixels * (i + 1) / n;
#if defined(__x86_64__)
    if (preclamped) {
      if (add != nullptr) {
        rows_preclamped<true>(acc, begin, end, table, target, add);
      } else {
        rows_preclamped<false>(acc, begin, end, table, target, add);
      }
    } else if (wide) {
      if (add != nullptr) {
        rows_avx512<true>(acc, begin, end, table, target, add);
      } else {
        rows_avx512<false>(acc, begin, end, table, target, add);
      }
    } else
#endif
        if (target.is_signed) {
      rows_scalar_out<std::int8_t>(acc, begin, end, table, target, add);
    } else {
      rows_scalar_out<std::uint8_t>(acc, begin, end, table, target, add);
    }
  }
}

}  // namespace qtb::onednn
