// Bit-plane AND + popcount on 64-bit words: the portable kernel (std::popcount, no ISA extension)
// and the same code compiled for the POPCNT instruction.
#include <bit>

#include "engine/lowbit/kernels/internal.hpp"

namespace qtb::lowbit::detail {
namespace {

// One tile over the whole K: acc[m][n] += sum_ij 2^(i+j) popcount(w_i & x_j) per word.
template <int BW, int BX, int MR, int NR, bool kXor>
QTB_LB_INLINE void tile_body(const GemmArgs& a, int m0, int m_end, int n0) {
  if constexpr (NR == 1 && MR > 1) {
    // GEMV: one row after the other, so W is read in address order (prefetcher friendly).
    for (int m = m0; m < std::min(m0 + MR, m_end); ++m) {
      tile_body<BW, BX, 1, 1, kXor>(a, m, m_end, n0);
    }
    return;
  }
  const std::uint64_t* wr[MR];
  const std::uint64_t* xr[NR];
  tile_rows<MR, NR>(a, m0, m_end, n0, wr, xr);
  std::uint64_t acc[MR][NR] = {};
  const int words = a.words;
  for (int first = 0; first < words; first += kBlockWords) {
    const int count = block_words(words, first);
    const std::size_t wbase = static_cast<std::size_t>(first) * BW;
    const std::size_t xbase = static_cast<std::size_t>(first) * BX;
    for (int e = 0; e < count; ++e) {
      std::uint64_t wv[MR][BW];
      std::uint64_t xv[NR][BX];
      QTB_LB_UNROLL
      for (int m = 0; m < MR; ++m) {
        QTB_LB_UNROLL
        for (int i = 0; i < BW; ++i) wv[m][i] = wr[m][wbase + i * count + e];
      }
      QTB_LB_UNROLL
      for (int n = 0; n < NR; ++n) {
        QTB_LB_UNROLL
        for (int j = 0; j < BX; ++j) xv[n][j] = xr[n][xbase + j * count + e];
      }
      QTB_LB_UNROLL
      for (int m = 0; m < MR; ++m) {
        QTB_LB_UNROLL
        for (int n = 0; n < NR; ++n) {
          std::uint64_t s = 0;
          QTB_LB_UNROLL
          for (int i = 0; i < BW; ++i) {
            QTB_LB_UNROLL
            for (int j = 0; j < BX; ++j) {
              const std::uint64_t bits = kXor ? (wv[m][i] ^ xv[n][j]) : (wv[m][i] & xv[n][j]);
              s += static_cast<std::uint64_t>(std::popcount(bits)) << (i + j);
            }
          }
          acc[m][n] += s;
        }
      }
    }
  }
  for (int m = 0; m < MR; ++m) {
    if (m0 + m >= m_end) break;
    for (int n = 0; n < NR && n0 + n < a.N; ++n) store_result(a, m0 + m, n0 + n, acc[m][n]);
  }
}

template <int BW, int BX>
constexpr TileShape scalar_shape() {
  // 16 general registers: a 2 x 2 tile of accumulators, 4 rows for GEMV.
  return TileShape{2, 2, BW * BX <= 4 ? 4 : 2};
}

struct PortableTiles {
  template <int BW, int BX>
  static constexpr TileShape shape() {
    return scalar_shape<BW, BX>();
  }
  template <int BW, int BX, int MR, int NR, bool kXor>
  static void tile(const GemmArgs& a, int m0, int m_end, int n0) {
    tile_body<BW, BX, MR, NR, kXor>(a, m0, m_end, n0);
  }
};

#if defined(__x86_64__)
struct PopcntTiles {
  template <int BW, int BX>
  static constexpr TileShape shape() {
    return scalar_shape<BW, BX>();
  }
  template <int BW, int BX, int MR, int NR, bool kXor>
  __attribute__((target("popcnt"))) static void tile(const GemmArgs& a, int m0, int m_end, int n0) {
    tile_body<BW, BX, MR, NR, kXor>(a, m0, m_end, n0);
  }
};
#else
using PopcntTiles = PortableTiles;
#endif

}  // namespace

void popcount_portable(const GemmArgs& a, int m_begin, int m_end) {
  run_tiles<PortableTiles>(a, m_begin, m_end);
}

void popcount_scalar(const GemmArgs& a, int m_begin, int m_end) {
  run_tiles<PopcntTiles>(a, m_begin, m_end);
}

}  // namespace qtb::lowbit::detail
