// Bit-plane AND + popcount with AVX2: a 512-bit block of a plane is two 256-bit halves; the
// popcount of each byte comes from a 16-entry nibble table (vpshufb), the weights 2^(i+j) are
// applied Horner-style on the byte counts (flushed to 64-bit lanes with vpsadbw before a byte
// could overflow).
#include <array>

#include "engine/lowbit/kernels/internal.hpp"

#if defined(__x86_64__)
#include <immintrin.h>

#define QTB_LB_AVX2 __attribute__((target("avx2,popcnt")))

namespace qtb::lowbit::detail {
namespace {

// flush[s]: before adding the byte counts of weight 2^s, move the running byte sums (weight
// 2^(s+1)) to the 64-bit accumulators, because doubling them could pass 255.
template <int BW, int BX>
constexpr std::array<bool, 16> flush_plan() {
  std::array<bool, 16> flush{};
  int bound = 0;
  for (int s = BW + BX - 2; s >= 0; --s) {
    int pairs = 0;
    for (int i = 0; i < BW; ++i) pairs += (s - i >= 0 && s - i < BX) ? 1 : 0;
    if (s != BW + BX - 2) {
      if (2 * bound + 8 * pairs > 255) {
        flush[static_cast<std::size_t>(s)] = true;
        bound = 0;
      } else {
        bound *= 2;
      }
    }
    bound += 8 * pairs;
  }
  return flush;
}

template <bool kMasked>
QTB_LB_AVX2 QTB_LB_INLINE __m256i load_half(const std::uint64_t* p, __m256i mask) {
  if constexpr (kMasked) {
    return _mm256_maskload_epi64(reinterpret_cast<const long long*>(p), mask);
  } else {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  }
}

struct Consts {
  __m256i lut;
  __m256i low4;
  __m256i zero;
};

template <bool kXor>
QTB_LB_AVX2 QTB_LB_INLINE __m256i byte_counts(__m256i w, __m256i x, const Consts& c) {
  const __m256i v = kXor ? _mm256_xor_si256(w, x) : _mm256_and_si256(w, x);
  const __m256i lo = _mm256_shuffle_epi8(c.lut, _mm256_and_si256(v, c.low4));
  const __m256i hi = _mm256_shuffle_epi8(c.lut, _mm256_and_si256(_mm256_srli_epi16(v, 4), c.low4));
  return _mm256_add_epi8(lo, hi);
}

// One half block (4 words per plane at `off`, planes `stride` words apart).
template <int BW, int BX, int MR, int NR, bool kXor, bool kMasked>
QTB_LB_AVX2 QTB_LB_INLINE void half_step(const std::uint64_t* const (&wr)[MR],
                                         const std::uint64_t* const (&xr)[NR], std::size_t woff,
                                         std::size_t xoff, int stride, __m256i mask,
                                         const Consts& c, __m256i (&acc)[MR][NR]) {
  constexpr std::array<bool, 16> kFlush = flush_plan<BW, BX>();
  __m256i wv[MR][BW];
  QTB_LB_UNROLL
  for (int m = 0; m < MR; ++m) {
    QTB_LB_UNROLL
    for (int i = 0; i < BW; ++i) wv[m][i] = load_half<kMasked>(wr[m] + woff + i * stride, mask);
  }
  QTB_LB_UNROLL
  for (int n = 0; n < NR; ++n) {
    __m256i xv[BX];
    QTB_LB_UNROLL
    for (int j = 0; j < BX; ++j) xv[j] = load_half<kMasked>(xr[n] + xoff + j * stride, mask);
    QTB_LB_UNROLL
    for (int m = 0; m < MR; ++m) {
      __m256i t = byte_counts<kXor>(wv[m][BW - 1], xv[BX - 1], c);
      QTB_LB_UNROLL
      for (int s = BW + BX - 3; s >= 0; --s) {
        if (kFlush[static_cast<std::size_t>(s)]) {
          acc[m][n] =
              _mm256_add_epi64(acc[m][n], _mm256_slli_epi64(_mm256_sad_epu8(t, c.zero), s + 1));
          t = c.zero;
        } else {
          t = _mm256_add_epi8(t, t);
        }
        QTB_LB_UNROLL
        for (int i = 0; i < BW; ++i) {
          const int j = s - i;
          if (j >= 0 && j < BX) t = _mm256_add_epi8(t, byte_counts<kXor>(wv[m][i], xv[j], c));
        }
      }
      acc[m][n] = _mm256_add_epi64(acc[m][n], _mm256_sad_epu8(t, c.zero));
    }
  }
}

template <int BW, int BX, int MR, int NR, bool kXor>
QTB_LB_AVX2 void tile_avx2(const GemmArgs& a, int m0, int m_end, int n0) {
  if constexpr (NR == 1 && MR > 1) {
    // GEMV: one row after the other, so W is read in address order (prefetcher friendly).
    for (int m = m0; m < std::min(m0 + MR, m_end); ++m) {
      tile_avx2<BW, BX, 1, 1, kXor>(a, m, m_end, n0);
    }
    return;
  }
  const std::uint64_t* wr[MR];
  const std::uint64_t* xr[NR];
  tile_rows<MR, NR>(a, m0, m_end, n0, wr, xr);
  Consts c;
  c.lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3,
                           1, 2, 2, 3, 2, 3, 3, 4);
  c.low4 = _mm256_set1_epi8(0x0F);
  c.zero = _mm256_setzero_si256();
  __m256i acc[MR][NR];
  QTB_LB_UNROLL
  for (int m = 0; m < MR; ++m) {
    QTB_LB_UNROLL
    for (int n = 0; n < NR; ++n) acc[m][n] = c.zero;
  }
  const int words = a.words;
  const int full = words - words % kBlockWords;
  for (int first = 0; first < full; first += kBlockWords) {
    const std::size_t wo = static_cast<std::size_t>(first) * BW;
    const std::size_t xo = static_cast<std::size_t>(first) * BX;
    half_step<BW, BX, MR, NR, kXor, false>(wr, xr, wo, xo, kBlockWords, c.zero, c, acc);
    half_step<BW, BX, MR, NR, kXor, false>(wr, xr, wo + 4, xo + 4, kBlockWords, c.zero, c, acc);
  }
  if (full < words) {
    const int tail = words - full;
    const std::size_t wo = static_cast<std::size_t>(full) * BW;
    const std::size_t xo = static_cast<std::size_t>(full) * BX;
    const __m256i lanes = _mm256_setr_epi64x(0, 1, 2, 3);
    const __m256i lo_mask = _mm256_cmpgt_epi64(_mm256_set1_epi64x(tail), lanes);
    half_step<BW, BX, MR, NR, kXor, true>(wr, xr, wo, xo, tail, lo_mask, c, acc);
    if (tail > 4) {
      const __m256i hi_mask = _mm256_cmpgt_epi64(_mm256_set1_epi64x(tail - 4), lanes);
      half_step<BW, BX, MR, NR, kXor, true>(wr, xr, wo + 4, xo + 4, tail, hi_mask, c, acc);
    }
  }
  for (int m = 0; m < MR; ++m) {
    if (m0 + m >= m_end) break;
    for (int n = 0; n < NR && n0 + n < a.N; ++n) {
      alignas(32) std::uint64_t lanes[4];
      _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), acc[m][n]);
      store_result(a, m0 + m, n0 + n, lanes[0] + lanes[1] + lanes[2] + lanes[3]);
    }
  }
}

struct Avx2Tiles {
  template <int BW, int BX>
  static constexpr TileShape shape() {
    // 16 ymm registers: 2 x 2 tiles; GEMV 4 rows for narrow operands.
    return TileShape{2, 2, BW * BX <= 4 ? 4 : 2};
  }
  template <int BW, int BX, int MR, int NR, bool kXor>
  QTB_LB_AVX2 static void tile(const GemmArgs& a, int m0, int m_end, int n0) {
    tile_avx2<BW, BX, MR, NR, kXor>(a, m0, m_end, n0);
  }
};

}  // namespace

void popcount_avx2(const GemmArgs& a, int m_begin, int m_end) {
  run_tiles<Avx2Tiles>(a, m_begin, m_end);
}

}  // namespace qtb::lowbit::detail

#else  // not x86-64: never called (the CPU checks fail)

namespace qtb::lowbit::detail {
void popcount_avx2(const GemmArgs&, int, int) {}
}  // namespace qtb::lowbit::detail

#endif
