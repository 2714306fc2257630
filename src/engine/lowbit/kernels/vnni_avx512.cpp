// Unpack to INT8 + AVX-512 VNNI: the bit-planes of 64 codes become 64 bytes with one masked byte
// add per plane (vpaddb under the plane's 64-bit mask), then vpdpbusd multiplies u8 X codes by s8
// W codes (8-bit W codes minus 128, corrected in gemm()'s epilogue) into int32 lanes.
//  - X is unpacked once per call into a thread-local buffer (N x 64 * words bytes);
//  - N <= 4: W is unpacked in registers and used at once ("direct" tiles, GEMV streams W);
//  - N > 4: 3 rows of W are unpacked into an L1 panel and reused for every column of X, so the
//    inner loop is loads and vpdpbusd only;
//  - N >= 16 (a multiple of 16, or >= 64): up to 12 rows in the panel, X re-laid out with 16
//    columns per register (one per 32-bit lane), W broadcast 4 bytes at a time: no horizontal
//    sums (~10 % faster than the 3 x 8 panel tiles for W4A4 at N = 256 on Zen 4).
#include <cstring>
#include <vector>

#include "engine/lowbit/kernels/internal.hpp"

#if defined(__x86_64__)
#include <immintrin.h>

#include "engine/lowbit/kernels/avx512_common.hpp"

#define QTB_LB_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,popcnt")))

namespace qtb::lowbit::detail {
namespace {

using Bytes = std::vector<std::uint8_t, AlignedAllocator<std::uint8_t>>;

constexpr int kDirectMr = 4;  // direct tiles: 4 rows x up to 4 columns
constexpr int kDirectMaxN = 4;
constexpr int kGemvMr = 8;   // N == 1: 8 rows
constexpr int kPanelMr = 3;  // panel tiles: 3 rows x 8 columns (24 accumulators)
constexpr int kPanelNr = 8;

// Byte b of the result: base + sum_p 2^p * bit b of plane p (mod 256). `planes` points at word e
// of plane 0 in its block; the planes are `stride` words apart.
template <int B>
QTB_LB_VNNI QTB_LB_INLINE __m512i unpack_chunk(const std::uint64_t* planes, int stride,
                                               __m512i base) {
  __m512i v = base;
  QTB_LB_UNROLL
  for (int p = 0; p < B; ++p) {
    const __mmask64 bits = planes[static_cast<std::size_t>(p) * stride];
    v = _mm512_mask_add_epi8(v, bits, v, _mm512_set1_epi8(static_cast<char>(1 << p)));
  }
  return v;
}

// Unpacks a whole row of codes (words chunks of 64 bytes) into dst.
template <int B>
QTB_LB_VNNI void unpack_row(const std::uint64_t* row, int words, __m512i base, std::uint8_t* dst) {
  for (int first = 0; first < words; first += kBlockWords) {
    const int stride = block_words(words, first);
    const std::uint64_t* block = row + static_cast<std::size_t>(first) * B;
    for (int e = 0; e < stride; ++e) {
      _mm512_store_si512(dst + static_cast<std::size_t>(first + e) * 64,
                         unpack_chunk<B>(block + e, stride, base));
    }
  }
}

QTB_LB_VNNI void unpack_operand(const PackedOperand& op, int row_begin, int row_end, int rows_to,
                                __m512i base, std::uint8_t* dst) {
  const int words = op.words_per_plane();
  const std::size_t row_bytes = static_cast<std::size_t>(words) * 64;
  for (int r = row_begin; r < rows_to; ++r) {
    const int src = std::min(r, row_end - 1);  // rows past the end alias the last one
    std::uint8_t* out = dst + static_cast<std::size_t>(r - row_begin) * row_bytes;
    switch (op.bits()) {
      case 1:
        unpack_row<1>(op.row(src), words, base, out);
        break;
      case 2:
        unpack_row<2>(op.row(src), words, base, out);
        break;
      case 4:
        unpack_row<4>(op.row(src), words, base, out);
        break;
      default:
        unpack_row<8>(op.row(src), words, base, out);
        break;
    }
  }
}

// One chunk (64 values of K) of a direct tile: W unpacked in registers, X from the buffer.
template <int BW, int MR, int NR>
QTB_LB_VNNI QTB_LB_INLINE void direct_chunk(const std::uint64_t* const (&wr)[MR], std::size_t woff,
                                            int stride, const std::uint8_t* xbytes,
                                            std::size_t x_row_bytes, std::size_t xoff, __m512i base,
                                            __m512i (&acc)[MR][NR]) {
  __m512i wv[MR];
  QTB_LB_UNROLL
  for (int m = 0; m < MR; ++m) wv[m] = unpack_chunk<BW>(wr[m] + woff, stride, base);
  QTB_LB_UNROLL
  for (int n = 0; n < NR; ++n) {
    const __m512i xv = _mm512_load_si512(xbytes + n * x_row_bytes + xoff);
    QTB_LB_UNROLL
    for (int m = 0; m < MR; ++m) acc[m][n] = _mm512_dpbusd_epi32(acc[m][n], xv, wv[m]);
  }
}

// Direct tile: W unpacked in registers chunk by chunk; X from the unpacked buffer.
template <int BW, int MR, int NR>
QTB_LB_VNNI void direct_tile(const GemmArgs& a, int m0, int m_end, const std::uint8_t* xbytes) {
  const int words = a.words;
  const std::size_t x_row_bytes = static_cast<std::size_t>(words) * 64;
  const std::uint64_t* wr[MR];
  for (int r = 0; r < MR; ++r) wr[r] = a.w->row(std::min(m0 + r, m_end - 1));
  const __m512i base = _mm512_set1_epi8(BW == 8 ? -128 : 0);
  __m512i acc[MR][NR];
  QTB_LB_UNROLL
  for (int m = 0; m < MR; ++m) {
    QTB_LB_UNROLL
    for (int n = 0; n < NR; ++n) acc[m][n] = _mm512_setzero_si512();
  }
  // Full blocks (planes 8 words apart: constant offsets), then the last, shorter block.
  const int full = words - words % kBlockWords;
  if constexpr (NR == 1) {
    // GEMV: one row after the other, so W is read in address order (the hardware prefetcher
    // loses half the DRAM bandwidth when the rows' blocks are interleaved).
    QTB_LB_UNROLL
    for (int m = 0; m < MR; ++m) {
      const std::uint64_t* const row[1] = {wr[m]};
      __m512i row_acc[1][1] = {{_mm512_setzero_si512()}};
      for (int first = 0; first < full; first += kBlockWords) {
        for (int e = 0; e < kBlockWords; ++e) {
          direct_chunk<BW, 1, 1>(row, static_cast<std::size_t>(first) * BW + e, kBlockWords, xbytes,
                                 x_row_bytes, static_cast<std::size_t>(first + e) * 64, base,
                                 row_acc);
        }
      }
      for (int e = 0; e < words - full; ++e) {
        direct_chunk<BW, 1, 1>(row, static_cast<std::size_t>(full) * BW + e, words - full, xbytes,
                               x_row_bytes, static_cast<std::size_t>(full + e) * 64, base, row_acc);
      }
      acc[m][0] = row_acc[0][0];
    }
    store_tile<MR, NR, true>(a, m0, m_end, 0, acc);
    return;
  }
  for (int first = 0; first < full; first += kBlockWords) {
    for (int e = 0; e < kBlockWords; ++e) {
      direct_chunk<BW, MR, NR>(wr, static_cast<std::size_t>(first) * BW + e, kBlockWords, xbytes,
                               x_row_bytes, static_cast<std::size_t>(first + e) * 64, base, acc);
    }
  }
  for (int e = 0; e < words - full; ++e) {
    direct_chunk<BW, MR, NR>(wr, static_cast<std::size_t>(full) * BW + e, words - full, xbytes,
                             x_row_bytes, static_cast<std::size_t>(full + e) * 64, base, acc);
  }
  store_tile<MR, NR, true>(a, m0, m_end, 0, acc);
}

// Panel tile: MR rows of W already unpacked (row stride = 64 * words bytes).
template <int MR, int NR>
QTB_LB_VNNI void panel_tile(const GemmArgs& a, int m0, int m_end, int n0, const std::uint8_t* panel,
                            const std::uint8_t* xbytes) {
  const std::size_t row_bytes = static_cast<std::size_t>(a.words) * 64;
  __m512i acc[MR][NR];
  QTB_LB_UNROLL
  for (int m = 0; m < MR; ++m) {
    QTB_LB_UNROLL
    for (int n = 0; n < NR; ++n) acc[m][n] = _mm512_setzero_si512();
  }
  const std::uint8_t* xr[NR];  // columns past N alias column N - 1 (not stored)
  for (int n = 0; n < NR; ++n) {
    xr[n] = xbytes + static_cast<std::size_t>(std::min(n0 + n, a.N - 1)) * row_bytes;
  }
  for (std::size_t off = 0; off < row_bytes; off += 64) {
    __m512i wv[MR];
    QTB_LB_UNROLL
    for (int m = 0; m < MR; ++m) wv[m] = _mm512_load_si512(panel + m * row_bytes + off);
    QTB_LB_UNROLL
    for (int n = 0; n < NR; ++n) {
      const __m512i xv = _mm512_load_si512(xr[n] + off);
      QTB_LB_UNROLL
      for (int m = 0; m < MR; ++m) acc[m][n] = _mm512_dpbusd_epi32(acc[m][n], xv, wv[m]);
    }
  }
  store_tile<MR, NR, true>(a, m0, m_end, n0, acc);
}

template <int MR, int NR>
QTB_LB_VNNI void panel_tile_fn(const GemmArgs& a, int m0, int m_end, int n0,
                               const std::uint8_t* panel, const std::uint8_t* xbytes) {
  panel_tile<MR, NR>(a, m0, m_end, n0, panel, xbytes);
}

// ---- N >= 16: columns in lanes -----------------------------------------------------------------
// X bytes re-laid out so that a register holds 4 consecutive k of 16 columns (one column per
// 32-bit lane) and 4 bytes of a W row are broadcast: every lane accumulates one output, with no
// horizontal sums, and a tile covers MR rows x 16 NV columns (W rows unpacked into an L1 panel).
constexpr int kColLanes = 16;
constexpr int kColsMaxNv = 4;

// Group g (columns 16g .. 16g+15), 4-k chunk q: 16 dwords at (g * chunks + q) * 64 bytes; columns
// past N are zero (never stored).
void relayout_x_cols(const std::uint8_t* xbytes, int N, std::size_t row_bytes, Bytes& dst) {
  const int groups = (N + kColLanes - 1) / kColLanes;
  const std::size_t chunks = row_bytes / 4;
  dst.assign(static_cast<std::size_t>(groups) * chunks * 64, 0);
  for (int n = 0; n < N; ++n) {
    const std::uint8_t* src = xbytes + static_cast<std::size_t>(n) * row_bytes;
    std::uint8_t* out = dst.data() + static_cast<std::size_t>(n / kColLanes) * chunks * 64 +
                        static_cast<std::size_t>(n % kColLanes) * 4;
    for (std::size_t q = 0; q < chunks; ++q) std::memcpy(out + q * 64, src + q * 4, 4);
  }
}

constexpr int cols_rows(int nv) {
  return nv == 1 ? 12 : (nv == 2 ? 8 : (nv == 3 ? 7 : 6));  // <= 24 accumulators
}

template <int MR, int NV>
QTB_LB_VNNI void cols_tile(const GemmArgs& a, int m0, int m_end, int g0, const std::uint8_t* panel,
                           std::size_t row_bytes, const std::uint8_t* xcols) {
  const std::size_t chunks = row_bytes / 4;
  const std::size_t group_bytes = chunks * 64;
  const std::uint8_t* xg = xcols + static_cast<std::size_t>(g0) * group_bytes;
  __m512i acc[MR][NV];
  QTB_LB_UNROLL
  for (int m = 0; m < MR; ++m) {
    QTB_LB_UNROLL
    for (int v = 0; v < NV; ++v) acc[m][v] = _mm512_setzero_si512();
  }
  for (std::size_t q = 0; q < chunks; ++q) {
    __m512i xv[NV];
    QTB_LB_UNROLL
    for (int v = 0; v < NV; ++v) xv[v] = _mm512_load_si512(xg + v * group_bytes + q * 64);
    QTB_LB_UNROLL
    for (int m = 0; m < MR; ++m) {
      std::int32_t w4;
      std::memcpy(&w4, panel + m * row_bytes + q * 4, 4);
      const __m512i wv = _mm512_set1_epi32(w4);
      QTB_LB_UNROLL
      for (int v = 0; v < NV; ++v) acc[m][v] = _mm512_dpbusd_epi32(acc[m][v], xv[v], wv);
    }
  }
  QTB_LB_UNROLL
  for (int m = 0; m < MR; ++m) {
    if (m0 + m >= m_end) break;
    QTB_LB_UNROLL
    for (int v = 0; v < NV; ++v) {
      const int n0 = (g0 + v) * kColLanes;
      store_row8(a, m0 + m, n0, _mm512_maskz_extracti64x4_epi64(0xF, acc[m][v], 0));
      if (n0 + 8 < a.N) {
        store_row8(a, m0 + m, n0 + 8, _mm512_maskz_extracti64x4_epi64(0xF, acc[m][v], 1));
      }
    }
  }
}

using ColsFn = void (*)(const GemmArgs&, int, int, int, const std::uint8_t*, std::size_t,
                        const std::uint8_t*);

template <int NVM>
QTB_LB_VNNI void run_cols(const GemmArgs& a, int m_begin, int m_end, const std::uint8_t* xcols,
                          __m512i base) {
  constexpr int kMr = cols_rows(NVM);
  static constexpr ColsFn kTiles[kColsMaxNv] = {
      cols_tile<kMr, 1>,  cols_tile < kMr, NVM >= 2 ? 2 : 1 >, cols_tile < kMr,
      NVM >= 3 ? 3 : 1 >, cols_tile < kMr, NVM >= 4 ? 4 : 1 > };
  const std::size_t row_bytes = static_cast<std::size_t>(a.words) * 64;
  const int groups = (a.N + kColLanes - 1) / kColLanes;
  thread_local Bytes panel;
  panel.resize(kMr * row_bytes);
  // Groups per block: about 256 KiB of X (stays in L2; W rows are unpacked once per block).
  const std::size_t group_bytes = row_bytes * kColLanes;
  const int block = std::max(NVM, static_cast<int>((256 * 1024) / group_bytes) / NVM * NVM);
  for (int g_begin = 0; g_begin < groups; g_begin += block) {
    const int g_end = std::min(groups, g_begin + block);
    for (int m0 = m_begin; m0 < m_end; m0 += kMr) {
      unpack_operand(*a.w, m0, m_end, m0 + kMr, base, panel.data());
      for (int g0 = g_begin; g0 < g_end; g0 += NVM) {
        kTiles[std::min(NVM, g_end - g0) - 1](a, m0, m_end, g0, panel.data(), row_bytes, xcols);
      }
    }
  }
}

template <int BW>
QTB_LB_VNNI void run_vnni(const GemmArgs& a, int m_begin, int m_end, const std::uint8_t* xbytes) {
  const int N = a.N;
  if (N <= kDirectMaxN) {
    if (N == 1) {
      for (int m0 = m_begin; m0 < m_end; m0 += kGemvMr) {
        direct_tile<BW, kGemvMr, 1>(a, m0, m_end, xbytes);
      }
      return;
    }
    for (int m0 = m_begin; m0 < m_end; m0 += kDirectMr) {
      switch (N) {
        case 2:
          direct_tile<BW, kDirectMr, 2>(a, m0, m_end, xbytes);
          break;
        case 3:
          direct_tile<BW, kDirectMr, 3>(a, m0, m_end, xbytes);
          break;
        default:
          direct_tile<BW, kDirectMr, 4>(a, m0, m_end, xbytes);
          break;
      }
    }
    return;
  }
  // Columns in lanes where little of the last group is padding (else the panel tiles).
  if (N >= kColLanes && (N % kColLanes == 0 || N >= 4 * kColLanes)) {
    thread_local Bytes xcols;
    const std::size_t row_bytes = static_cast<std::size_t>(a.words) * 64;
    relayout_x_cols(xbytes, N, row_bytes, xcols);
    const __m512i base = _mm512_set1_epi8(BW == 8 ? -128 : 0);
    switch (std::min(kColsMaxNv, (N + kColLanes - 1) / kColLanes)) {
      case 1:
        return run_cols<1>(a, m_begin, m_end, xcols.data(), base);
      case 2:
        return run_cols<2>(a, m_begin, m_end, xcols.data(), base);
      case 3:
        return run_cols<3>(a, m_begin, m_end, xcols.data(), base);
      default:
        return run_cols<4>(a, m_begin, m_end, xcols.data(), base);
    }
  }
  using PanelFn =
      void (*)(const GemmArgs&, int, int, int, const std::uint8_t*, const std::uint8_t*);
  // Remainders of c columns run the tile of bit_ceil(c) columns.
  static constexpr PanelFn kPanels[kPanelNr] = {
      panel_tile_fn<kPanelMr, 1>, panel_tile_fn<kPanelMr, 2>, panel_tile_fn<kPanelMr, 4>,
      panel_tile_fn<kPanelMr, 4>, panel_tile_fn<kPanelMr, 8>, panel_tile_fn<kPanelMr, 8>,
      panel_tile_fn<kPanelMr, 8>, panel_tile_fn<kPanelMr, 8>};
  const std::size_t row_bytes = static_cast<std::size_t>(a.words) * 64;
  thread_local Bytes panel;
  panel.resize(kPanelMr * row_bytes);
  const __m512i base = _mm512_set1_epi8(BW == 8 ? -128 : 0);
  // Columns of X per block: about 256 KiB of unpacked X.
  const int block =
      std::max(kPanelNr, static_cast<int>((256 * 1024) / row_bytes) / kPanelNr * kPanelNr);
  for (int n_begin = 0; n_begin < N; n_begin += block) {
    const int n_end = std::min(N, n_begin + block);
    for (int m0 = m_begin; m0 < m_end; m0 += kPanelMr) {
      unpack_operand(*a.w, m0, m_end, m0 + kPanelMr, base, panel.data());
      for (int n0 = n_begin; n0 < n_end; n0 += kPanelNr) {
        kPanels[std::min(kPanelNr, n_end - n0) - 1](a, m0, m_end, n0, panel.data(), xbytes);
      }
    }
  }
}

}  // namespace

QTB_LB_VNNI void vnni_avx512(const GemmArgs& a, int m_begin, int m_end) {
  if (m_begin >= m_end) return;
  thread_local Bytes xbytes;
  xbytes.resize(static_cast<std::size_t>(a.N) * a.words * 64);
  unpack_operand(*a.x, 0, a.N, a.N, _mm512_setzero_si512(), xbytes.data());
  switch (a.w->bits()) {
    case 1:
      run_vnni<1>(a, m_begin, m_end, xbytes.data());
      break;
    case 2:
      run_vnni<2>(a, m_begin, m_end, xbytes.data());
      break;
    case 4:
      run_vnni<4>(a, m_begin, m_end, xbytes.data());
      break;
    default:
      run_vnni<8>(a, m_begin, m_end, xbytes.data());
      break;
  }
}

}  // namespace qtb::lowbit::detail

#else  // not x86-64: never called (the CPU checks fail)

namespace qtb::lowbit::detail {
void vnni_avx512(const GemmArgs&, int, int) {}
}  // namespace qtb::lowbit::detail

#endif
