// Bit-plane AND + popcount with AVX-512 VPOPCNTDQ (one 512-bit block of a plane per register),
// and the AVX-512BW packing of levels into bit-planes. Enabled per function: the library is built
// for baseline x86-64, and gemm() / pack() only call these where the CPU has the extensions.
#include "engine/lowbit/kernels/internal.hpp"

#if defined(__x86_64__)
#include <immintrin.h>

#include "engine/lowbit/kernels/avx512_common.hpp"

#define QTB_LB_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vpopcntdq,popcnt")))
#define QTB_LB_AVX512BW __attribute__((target("avx512f,avx512bw,popcnt")))

namespace qtb::lowbit::detail {
namespace {

template <bool kMasked>
QTB_LB_AVX512 QTB_LB_INLINE __m512i load_block(const std::uint64_t* p, __mmask8 mask) {
  if constexpr (kMasked) {
    return _mm512_maskz_loadu_epi64(mask, p);
  } else {
    return _mm512_loadu_si512(p);
  }
}

template <bool kXor>
QTB_LB_AVX512 QTB_LB_INLINE __m512i count(__m512i w, __m512i x) {
  return _mm512_popcnt_epi64(kXor ? _mm512_xor_si512(w, x) : _mm512_and_si512(w, x));
}

// sum_ij 2^(i+j) popcount(w_i & x_j) for one (row, column) pair, Horner-style over i + j.
template <int BW, int BX, bool kXor>
QTB_LB_AVX512 QTB_LB_INLINE __m512i pair_dot(const __m512i (&wv)[BW], const __m512i (&xv)[BX]) {
  __m512i t = count<kXor>(wv[BW - 1], xv[BX - 1]);
  QTB_LB_UNROLL
  for (int s = BW + BX - 3; s >= 0; --s) {
    t = _mm512_add_epi64(t, t);
    QTB_LB_UNROLL
    for (int i = 0; i < BW; ++i) {
      const int j = s - i;
      if (j >= 0 && j < BX) t = _mm512_add_epi64(t, count<kXor>(wv[i], xv[j]));
    }
  }
  return t;
}

// One block (8 words per plane, or the `stride` < 8 words of the last block, masked) of a tile.
template <int BW, int BX, int MR, int NR, bool kXor, bool kMasked>
QTB_LB_AVX512 QTB_LB_INLINE void block_step(const std::uint64_t* const (&wr)[MR],
                                            const std::uint64_t* const (&xr)[NR], std::size_t woff,
                                            std::size_t xoff, int stride, __mmask8 mask,
                                            __m512i (&acc)[MR][NR]) {
  __m512i wv[MR][BW];
  QTB_LB_UNROLL
  for (int m = 0; m < MR; ++m) {
    QTB_LB_UNROLL
    for (int i = 0; i < BW; ++i) wv[m][i] = load_block<kMasked>(wr[m] + woff + i * stride, mask);
  }
  QTB_LB_UNROLL
  for (int n = 0; n < NR; ++n) {
    __m512i xv[BX];
    QTB_LB_UNROLL
    for (int j = 0; j < BX; ++j) xv[j] = load_block<kMasked>(xr[n] + xoff + j * stride, mask);
    QTB_LB_UNROLL
    for (int m = 0; m < MR; ++m) {
      acc[m][n] = _mm512_add_epi64(acc[m][n], pair_dot<BW, BX, kXor>(wv[m], xv));
    }
  }
}

// One row of W against one row of X over the whole K (8 lanes of partial sums).
template <int BW, int BX, bool kXor>
QTB_LB_AVX512 QTB_LB_INLINE __m512i row_dot(const std::uint64_t* w, const std::uint64_t* x,
                                            int words) {
  __m512i acc = _mm512_setzero_si512();
  const int full = words - words % kBlockWords;
  for (int first = 0; first < full; first += kBlockWords) {
    __m512i wv[BW], xv[BX];
    QTB_LB_UNROLL
    for (int j = 0; j < BX; ++j) xv[j] = load_block<false>(x + first * BX + j * kBlockWords, 0);
    QTB_LB_UNROLL
    for (int i = 0; i < BW; ++i) wv[i] = load_block<false>(w + first * BW + i * kBlockWords, 0);
    acc = _mm512_add_epi64(acc, pair_dot<BW, BX, kXor>(wv, xv));
  }
  if (full < words) {
    const int tail = words - full;
    const auto mask = static_cast<__mmask8>((1u << tail) - 1u);
    __m512i wv[BW], xv[BX];
    QTB_LB_UNROLL
    for (int j = 0; j < BX; ++j) xv[j] = load_block<true>(x + full * BX + j * tail, mask);
    QTB_LB_UNROLL
    for (int i = 0; i < BW; ++i) wv[i] = load_block<true>(w + full * BW + i * tail, mask);
    acc = _mm512_add_epi64(acc, pair_dot<BW, BX, kXor>(wv, xv));
  }
  return acc;
}

template <int BW, int BX, int MR, int NR, bool kXor>
QTB_LB_AVX512 void tile_avx512(const GemmArgs& a, int m0, int m_end, int n0) {
  const std::uint64_t* wr[MR];
  const std::uint64_t* xr[NR];
  tile_rows<MR, NR>(a, m0, m_end, n0, wr, xr);
  __m512i acc[MR][NR];
  QTB_LB_UNROLL
  for (int m = 0; m < MR; ++m) {
    QTB_LB_UNROLL
    for (int n = 0; n < NR; ++n) acc[m][n] = _mm512_setzero_si512();
  }
  const int words = a.words;
  const int full = words - words % kBlockWords;
  if constexpr (NR == 1) {
    // GEMV: one row after the other, so W is read in address order (interleaving the rows'
    // blocks defeats the hardware prefetcher: half the DRAM bandwidth on Zen 4).
    QTB_LB_UNROLL
    for (int m = 0; m < MR; ++m) acc[m][0] = row_dot<BW, BX, kXor>(wr[m], xr[0], words);
    store_tile<MR, NR, false>(a, m0, m_end, n0, acc);
    return;
  }
  for (int first = 0; first < full; first += kBlockWords) {
    block_step<BW, BX, MR, NR, kXor, false>(wr, xr, static_cast<std::size_t>(first) * BW,
                                            static_cast<std::size_t>(first) * BX, kBlockWords, 0xFF,
                                            acc);
  }
  if (full < words) {
    const int tail = words - full;
    block_step<BW, BX, MR, NR, kXor, true>(wr, xr, static_cast<std::size_t>(full) * BW,
                                           static_cast<std::size_t>(full) * BX, tail,
                                           static_cast<__mmask8>((1u << tail) - 1u), acc);
  }
  store_tile<MR, NR, false>(a, m0, m_end, n0, acc);
}

// Register budget (32 zmm): tiles of MR rows x 8 columns (the epilogue stores 8 columns of a row
// at once) with MR * BW plane registers of W, BX of X, 8 * MR accumulators and two temporaries;
// GEMV: 8 rows, one after the other (the epilogue stores 8 rows at once).
template <int BW, int BX>
constexpr TileShape avx512_shape() {
  const int mr = std::max(1, std::min(4, (29 - BX) / (BW + 8)));
  return TileShape{mr, 8, 8, /*pow2_columns=*/true};
}

struct Avx512Tiles {
  template <int BW, int BX>
  static constexpr TileShape shape() {
    return avx512_shape<BW, BX>();
  }
  template <int BW, int BX, int MR, int NR, bool kXor>
  QTB_LB_AVX512 static void tile(const GemmArgs& a, int m0, int m_end, int n0) {
    tile_avx512<BW, BX, MR, NR, kXor>(a, m0, m_end, n0);
  }
};

// ---- packing ---------------------------------------------------------------------------------

// Plane masks of 64 codes in bytes (bit p of byte e = bit e of plane p), written at word w.
QTB_LB_AVX512BW QTB_LB_INLINE std::int64_t store_planes(__m512i codes, int bits, int words, int w,
                                                        __mmask64 valid, std::uint64_t* row) {
  const int first = w - w % kBlockWords;
  const int stride = block_words(words, first);
  std::uint64_t* dst = row + static_cast<std::size_t>(first) * bits + (w - first);
  std::int64_t sum = 0;
  for (int p = 0; p < bits; ++p) {
    const std::uint64_t plane =
        _mm512_mask_test_epi8_mask(valid, codes, _mm512_set1_epi8(static_cast<char>(1 << p)));
    dst[static_cast<std::size_t>(p) * stride] = plane;
    sum += static_cast<std::int64_t>(_mm_popcnt_u64(plane)) << p;
  }
  return sum;
}

// Codes of 64 signed bytes; `bad` collects lanes out of range.
QTB_LB_AVX512BW QTB_LB_INLINE __m512i codes_from_i8(__m512i v, int bits, bool is_signed,
                                                    __mmask64 valid, __mmask64& bad) {
  if (is_signed && bits == 1) {
    bad |= _mm512_mask_cmpneq_epi8_mask(valid, _mm512_abs_epi8(v),
                                        _mm512_set1_epi8(1));  // binary: exactly -1 or +1
    return _mm512_maskz_mov_epi8(_mm512_cmpgt_epi8_mask(v, _mm512_setzero_si512()),
                                 _mm512_set1_epi8(1));
  }
  if (!is_signed && bits == 8) {  // 0 .. 255 in int8: only 0 .. 127 can be given
    bad |= _mm512_mask_cmplt_epi8_mask(valid, v, _mm512_setzero_si512());
    return v;
  }
  const int lo = is_signed ? -((1 << (bits - 1)) - 1) : 0;
  const int hi = is_signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
  bad |= _mm512_mask_cmplt_epi8_mask(valid, v, _mm512_set1_epi8(static_cast<char>(lo)));
  bad |= _mm512_mask_cmpgt_epi8_mask(valid, v, _mm512_set1_epi8(static_cast<char>(hi)));
  if (!is_signed) return v;
  return _mm512_add_epi8(v, _mm512_set1_epi8(static_cast<char>(1 << (bits - 1))));
}

template <class T>
QTB_LB_AVX512BW QTB_LB_INLINE __m512i load_codes(const T* p, int count, int bits, bool is_signed,
                                                 __mmask64 valid, __mmask64& bad) {
  if constexpr (sizeof(T) == 1) {
    const __m512i v = _mm512_maskz_loadu_epi8(valid, p);
    if constexpr (std::is_same_v<T, std::uint8_t>) {
      // Unsigned levels (signed ones are routed to the int8 view by the caller).
      if (bits < 8) {
        bad |= _mm512_mask_cmpgt_epu8_mask(valid, v,
                                           _mm512_set1_epi8(static_cast<char>((1 << bits) - 1)));
      }
      (void)is_signed;
      return v;
    } else {
      return codes_from_i8(v, bits, is_signed, valid, bad);
    }
  } else {
    // int32: range-check in 32 bits, then narrow (the checked values fit a byte's bits).
    const bool binary = is_signed && bits == 1;
    const int offset = is_signed && !binary ? (1 << (bits - 1)) : 0;
    const int lo = !is_signed ? 0 : (binary ? -1 : -((1 << (bits - 1)) - 1));
    const int hi = !is_signed ? (1 << bits) - 1 : (binary ? 1 : (1 << (bits - 1)) - 1);
    __m128i part[4];
    for (int q = 0; q < 4; ++q) {
      const int left = count - 16 * q;
      if (left <= 0) {
        part[q] = _mm_setzero_si128();
        continue;
      }
      const __mmask16 m16 =
          left >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1u);
      const __m512i v = _mm512_maskz_loadu_epi32(m16, p + 16 * q);
      __mmask16 b = _mm512_mask_cmplt_epi32_mask(m16, v, _mm512_set1_epi32(lo)) |
                    _mm512_mask_cmpgt_epi32_mask(m16, v, _mm512_set1_epi32(hi));
      __m512i code;
      if (binary) {
        b |= _mm512_mask_cmpeq_epi32_mask(m16, v, _mm512_setzero_si512());
        code = _mm512_maskz_mov_epi32(_mm512_cmpgt_epi32_mask(v, _mm512_setzero_si512()),
                                      _mm512_set1_epi32(1));
      } else {
        code = _mm512_maskz_add_epi32(m16, v, _mm512_set1_epi32(offset));
      }
      bad |= static_cast<__mmask64>(b) << (16 * q);
      part[q] = _mm512_maskz_cvtepi32_epi8(static_cast<__mmask16>(0xFFFF), code);
    }
    const __m512i bytes = _mm512_inserti32x4(
        _mm512_inserti32x4(_mm512_inserti32x4(_mm512_castsi128_si512(part[0]), part[1], 1), part[2],
                           2),
        part[3], 3);
    return bytes;
  }
}

template <class T>
QTB_LB_AVX512BW bool pack_row(const T* levels, int depth, int bits, bool is_signed,
                              std::uint64_t* row, std::int32_t* code_sum) {
  const int words = (depth + 63) / 64;
  std::int64_t sum = 0;
  __mmask64 bad = 0;
  for (int w = 0; w < words; ++w) {
    const int count = std::min(64, depth - 64 * w);
    const __mmask64 valid = count == 64 ? ~__mmask64{0} : (__mmask64{1} << count) - 1;
    const __m512i codes = load_codes<T>(levels + static_cast<std::size_t>(64) * w, count, bits,
                                        is_signed, valid, bad);
    sum += store_planes(codes, bits, words, w, valid, row);
  }
  *code_sum = static_cast<std::int32_t>(sum);
  return bad == 0;
}

}  // namespace

void popcount_avx512(const GemmArgs& a, int m_begin, int m_end) {
  if (popcount_avx512_cols(a, m_begin, m_end)) return;
  run_tiles<Avx512Tiles>(a, m_begin, m_end);
}

bool pack_row_avx512(const std::int8_t* levels, int depth, int bits, bool is_signed,
                     std::uint64_t* row, std::int32_t* code_sum) {
  return pack_row<std::int8_t>(levels, depth, bits, is_signed, row, code_sum);
}

bool pack_row_avx512(const std::uint8_t* levels, int depth, int bits, bool is_signed,
                     std::uint64_t* row, std::int32_t* code_sum) {
  if (is_signed) {
    // Signed levels in bytes above 127 are out of range anyway: check them as int8.
    for (int k = 0; k < depth; ++k) {
      if (levels[k] > 127) return false;
    }
    return pack_row<std::int8_t>(reinterpret_cast<const std::int8_t*>(levels), depth, bits,
                                 is_signed, row, code_sum);
  }
  return pack_row<std::uint8_t>(levels, depth, bits, is_signed, row, code_sum);
}

bool pack_row_avx512(const std::int32_t* levels, int depth, int bits, bool is_signed,
                     std::uint64_t* row, std::int32_t* code_sum) {
  return pack_row<std::int32_t>(levels, depth, bits, is_signed, row, code_sum);
}

}  // namespace qtb::lowbit::detail

#else  // not x86-64: never called (the CPU checks fail)

namespace qtb::lowbit::detail {
void popcount_avx512(const GemmArgs&, int, int) {}
bool pack_row_avx512(const std::int8_t*, int, int, bool, std::uint64_t*, std::int32_t*) {
  return false;
}
bool pack_row_avx512(const std::uint8_t*, int, int, bool, std::uint64_t*, std::int32_t*) {
  return false;
}
bool pack_row_avx512(const std::int32_t*, int, int, bool, std::uint64_t*, std::int32_t*) {
  return false;
}
}  // namespace qtb::lowbit::detail

#endif
