#pragma once
// AVX-512 helpers shared by the popcount and VNNI kernels: horizontal sums of 8 accumulators and
// the vectorized epilogue (GemmArgs: out = scale * raw + w_coef * SUw[m] + x_coef * SUx[n] +
// constant, 8 outputs at a time).
// Compiled only inside functions whose target includes these extensions.
#if defined(__x86_64__)
#include <immintrin.h>

#include "engine/lowbit/kernels/internal.hpp"

#define QTB_LB_AVX512_COMMON __attribute__((target("avx512f,avx512bw,avx512vl")))

namespace qtb::lowbit::detail {

// Adds adjacent lanes of a and b: lanes 0-3 from a, 4-7 from b (vpermt2q; no _mm512_undefined,
// which GCC 12 warns about).
QTB_LB_AVX512_COMMON QTB_LB_INLINE __m512i pair_sums64(__m512i a, __m512i b) {
  const __m512i even = _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1);
  return _mm512_add_epi64(_mm512_permutex2var_epi64(a, even, b),
                          _mm512_permutex2var_epi64(a, odd, b));
}

// Same on 32-bit lanes: lanes 0-7 from a, 8-15 from b.
QTB_LB_AVX512_COMMON QTB_LB_INLINE __m512i pair_sums32(__m512i a, __m512i b) {
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  return _mm512_add_epi32(_mm512_permutex2var_epi32(a, even, b),
                          _mm512_permutex2var_epi32(a, odd, b));
}

// Lane r of the result = sum of the 64-bit lanes of v[r], truncated to 32 bits.
QTB_LB_AVX512_COMMON QTB_LB_INLINE __m256i reduce8_epi64(const __m512i (&v)[8]) {
  const __m512i b0 = pair_sums64(pair_sums64(v[0], v[1]), pair_sums64(v[2], v[3]));
  const __m512i b1 = pair_sums64(pair_sums64(v[4], v[5]), pair_sums64(v[6], v[7]));
  return _mm512_maskz_cvtepi64_epi32(0xFF, pair_sums64(b0, b1));
}

// Lane r of the result = sum of the 32-bit lanes of v[r].
QTB_LB_AVX512_COMMON QTB_LB_INLINE __m256i reduce8_epi32(const __m512i (&v)[8]) {
  const __m512i b0 = pair_sums32(pair_sums32(v[0], v[1]), pair_sums32(v[2], v[3]));
  const __m512i b1 = pair_sums32(pair_sums32(v[4], v[5]), pair_sums32(v[6], v[7]));
  // 8 sums of 2 lanes each; one more round against zero leaves them in lanes 0-7.
  return _mm512_maskz_extracti64x4_epi64(
      0xF, pair_sums32(pair_sums32(b0, b1), _mm512_setzero_si512()), 0);
}

QTB_LB_AVX512_COMMON QTB_LB_INLINE __mmask8 first_lanes(int count) {
  return count >= 8 ? static_cast<__mmask8>(0xFF) : static_cast<__mmask8>((1u << count) - 1u);
}

QTB_LB_AVX512_COMMON QTB_LB_INLINE __m256i scaled_plus(const GemmArgs& a, __m256i raw,
                                                       std::uint32_t coef, __m256i sums,
                                                       std::uint32_t term) {
  const __m256i v =
      _mm256_add_epi32(_mm256_mullo_epi32(raw, _mm256_set1_epi32(static_cast<int>(a.scale))),
                       _mm256_mullo_epi32(sums, _mm256_set1_epi32(static_cast<int>(coef))));
  return _mm256_add_epi32(v, _mm256_set1_epi32(static_cast<int>(term)));
}

// Row m, columns n0 .. n0 + 7 (those < N) from their 8 raw sums.
QTB_LB_AVX512_COMMON QTB_LB_INLINE void store_row8(const GemmArgs& a, int m, int n0, __m256i raw) {
  const __mmask8 mask = first_lanes(a.N - n0);
  const std::uint32_t row_term = a.w_coef * static_cast<std::uint32_t>(a.w_sums[m]) + a.constant;
  const __m256i v =
      scaled_plus(a, raw, a.x_coef, _mm256_maskz_loadu_epi32(mask, a.x_sums + n0), row_term);
  _mm256_mask_storeu_epi32(a.out + static_cast<std::size_t>(m) * a.N + n0, mask, v);
}

// Rows m0 .. m0 + 7 (those < m_end), column n, from their 8 raw sums.
QTB_LB_AVX512_COMMON QTB_LB_INLINE void store_col8(const GemmArgs& a, int m0, int m_end, int n,
                                                   __m256i raw) {
  const __mmask8 mask = first_lanes(m_end - m0);
  const std::uint32_t col_term = a.x_coef * static_cast<std::uint32_t>(a.x_sums[n]) + a.constant;
  const __m256i v =
      scaled_plus(a, raw, a.w_coef, _mm256_maskz_loadu_epi32(mask, a.w_sums + m0), col_term);
  if (a.N == 1) {
    _mm256_mask_storeu_epi32(a.out + m0, mask, v);
    return;
  }
  alignas(32) std::int32_t values[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(values), v);
  for (int r = 0; r < 8 && m0 + r < m_end; ++r) {
    a.out[static_cast<std::size_t>(m0 + r) * a.N + n] = values[r];
  }
}

template <bool kLanes32>
QTB_LB_AVX512_COMMON QTB_LB_INLINE __m256i reduce8(const __m512i (&v)[8]) {
  if constexpr (kLanes32) {
    return reduce8_epi32(v);
  } else {
    return reduce8_epi64(v);
  }
}

// Epilogue of an MR x NR tile of accumulators (32- or 64-bit lanes): NR == 8: one row at a time;
// NR == 1 and MR a multiple of 8: 8 rows at a time; otherwise groups of 8 through memory.
template <int MR, int NR, bool kLanes32>
QTB_LB_AVX512_COMMON QTB_LB_INLINE void store_tile(const GemmArgs& a, int m0, int m_end, int n0,
                                                   const __m512i (&acc)[MR][NR]) {
  if constexpr (NR == 8) {
    QTB_LB_UNROLL
    for (int m = 0; m < MR; ++m) {
      __m512i v[8];  // a copy: passing acc[m] itself makes GCC keep acc in memory
      QTB_LB_UNROLL
      for (int r = 0; r < 8; ++r) v[r] = acc[m][r];
      if (m0 + m < m_end) store_row8(a, m0 + m, n0, reduce8<kLanes32>(v));
    }
  } else if constexpr (MR % 8 == 0 && NR == 1) {
    QTB_LB_UNROLL
    for (int g = 0; g < MR / 8; ++g) {
      __m512i v[8];
      QTB_LB_UNROLL
      for (int r = 0; r < 8; ++r) v[r] = acc[8 * g + r][0];
      if (m0 + 8 * g < m_end) store_col8(a, m0 + 8 * g, m_end, n0, reduce8<kLanes32>(v));
    }
  } else {
    constexpr int kCount = MR * NR;
    QTB_LB_UNROLL
    for (int g = 0; g < (kCount + 7) / 8; ++g) {
      __m512i v[8];
      QTB_LB_UNROLL
      for (int r = 0; r < 8; ++r) {
        const int idx = g * 8 + r;
        v[r] = idx < kCount ? acc[idx / NR][idx % NR] : _mm512_setzero_si512();
      }
      alignas(32) std::uint32_t sums[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(sums), reduce8<kLanes32>(v));
      for (int r = 0; r < 8 && g * 8 + r < kCount; ++r) {
        const int m = (g * 8 + r) / NR, n = (g * 8 + r) % NR;
        if (m0 + m < m_end && n0 + n < a.N) store_result(a, m0 + m, n0 + n, sums[r]);
      }
    }
  }
}

}  // namespace qtb::lowbit::detail

#endif
