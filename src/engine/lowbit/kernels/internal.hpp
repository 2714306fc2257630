#pragma once
// Shared by the kernel files of the low-bit GEMM (not part of the public API).
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "engine/lowbit/kernels/lowbit_gemm.hpp"

#if defined(__GNUC__)
#define QTB_LB_INLINE inline __attribute__((always_inline))
#define QTB_LB_UNROLL _Pragma("GCC unroll 64")
#else
#define QTB_LB_INLINE inline
#define QTB_LB_UNROLL
#endif

namespace qtb::lowbit::detail {

constexpr int kBlockWords = 8;  // words per plane in a full 512-bit block

// Words of the block starting at word `first` of a plane with `words` words.
constexpr int block_words(int words, int first) {
  return std::min(kBlockWords, words - first);
}

// Index, within a row of `bits` planes of `words` words, of word w of plane p.
constexpr std::size_t word_index(int bits, int words, int w, int p) {
  const int first = w - w % kBlockWords;
  return static_cast<std::size_t>(first) * bits +
         static_cast<std::size_t>(p) * block_words(words, first) + (w - first);
}

// What a kernel computes for rows [m_begin, m_end) of W: for every (m, n) a raw integer r (the
// code dot sum_k uw ux, or popcount(w ^ x) summed for the XOR form), written as
//   out[m * N + n] = int32(scale * r + w_coef * SUw[m] + x_coef * SUx[n] + constant)
// (mod 2^32, which is exact), SU = the operands' per-row code sums.
struct GemmArgs {
  const PackedOperand* w = nullptr;
  const PackedOperand* x = nullptr;
  std::int32_t* out = nullptr;
  int M = 0, N = 0, K = 0;
  int words = 0;          // words per plane
  bool xor_form = false;  // both binary: r = sum popcount(w ^ x)
  const std::int32_t* w_sums = nullptr;
  const std::int32_t* x_sums = nullptr;
  std::uint32_t scale = 1, w_coef = 0, x_coef = 0, constant = 0;
};

QTB_LB_INLINE void store_result(const GemmArgs& a, int m, int n, std::uint64_t raw) {
  const std::uint32_t v = a.scale * static_cast<std::uint32_t>(raw) +
                          a.w_coef * static_cast<std::uint32_t>(a.w_sums[m]) +
                          a.x_coef * static_cast<std::uint32_t>(a.x_sums[n]) + a.constant;
  a.out[static_cast<std::size_t>(m) * a.N + n] = static_cast<std::int32_t>(v);
}

// Kernel entry points, one per method; each computes rows [m_begin, m_end) of out.
void popcount_portable(const GemmArgs& a, int m_begin, int m_end);
void popcount_scalar(const GemmArgs& a, int m_begin, int m_end);
void popcount_avx2(const GemmArgs& a, int m_begin, int m_end);
void popcount_avx512(const GemmArgs& a, int m_begin, int m_end);
// The N >= 8 part of popcount_avx512 (columns in lanes, popcount_avx512_cols.cpp): false where it
// does not apply (N < 8, weights beyond 2^6, CPU without BITALG / VNNI) and nothing was written.
bool popcount_avx512_cols(const GemmArgs& a, int m_begin, int m_end);
// VNNI: x_coef must include scale * 128 when wbits == 8 (W codes are shifted to s8 by -128);
// gemm() does.
void vnni_avx512(const GemmArgs& a, int m_begin, int m_end);
// Row granularity of the split of M across threads.
constexpr int kThreadRowGrain = 16;

// ---- register tiles of the popcount kernels ----------------------------------------------------
// A tile computes rows m0 .. m0 + MR - 1 (rows at or past m_end alias row m_end - 1 and are not
// stored) against columns n0 .. n0 + NR - 1 over the whole K.
using TileFn = void (*)(const GemmArgs& a, int m0, int m_end, int n0);
struct TileShape {
  int mr = 1;       // rows of W per tile
  int nr = 1;       // columns of X per tile (at most 8)
  int gemv_mr = 1;  // rows per tile when N == 1
  // Remainder tiles of c < nr columns: false: a tile of exactly c columns; true: one of
  // bit_ceil(c) columns (the extra ones alias column N - 1 and are not stored).
  bool pow2_columns = false;
};
struct TileSet {
  TileShape shape;
  std::array<TileFn, 8> tiles{};  // tiles[c - 1] handles c columns
  TileFn gemv = nullptr;          // gemv_mr x 1
};

// Runs the tiles over rows [m_begin, m_end): X in column blocks that stay in L2, W row tiles
// inside, column tiles innermost.
void drive_tiles(const GemmArgs& a, int m_begin, int m_end, const TileSet& set);

// Tiles: a struct with `template <int BW, int BX> static constexpr TileShape shape()` and
// `template <int BW, int BX, int MR, int NR, bool kXor> static void tile(...)`.
template <class Tiles, int BW, int BX, bool kXor>
TileSet make_tile_set() {
  constexpr TileShape shape = Tiles::template shape<BW, BX>();
  static_assert(shape.nr >= 1 && shape.nr <= 8);
  TileSet set;
  set.shape = shape;
  [&]<int... I>(std::integer_sequence<int, I...>) {
    ((set.tiles[I] =
          &Tiles::template tile<BW, BX, shape.mr,
                                static_cast<int>(shape.pow2_columns ? std::bit_ceil(unsigned{I + 1})
                                                                    : unsigned{I + 1}),
                                kXor>),
     ...);
  }
  (std::make_integer_sequence<int, shape.nr>{});
  set.gemv = &Tiles::template tile<BW, BX, shape.gemv_mr, 1, kXor>;
  return set;
}

// Calls f(std::integral_constant<int, BW>, std::integral_constant<int, BX>) for bits in
// {1, 2, 4, 8}.
template <class F>
void dispatch_bits(int bw, int bx, F&& f) {
  auto with_bw = [&]<int BW>(std::integral_constant<int, BW> w) {
    switch (bx) {
      case 1:
        return f(w, std::integral_constant<int, 1>{});
      case 2:
        return f(w, std::integral_constant<int, 2>{});
      case 4:
        return f(w, std::integral_constant<int, 4>{});
      default:
        return f(w, std::integral_constant<int, 8>{});
    }
  };
  switch (bw) {
    case 1:
      return with_bw(std::integral_constant<int, 1>{});
    case 2:
      return with_bw(std::integral_constant<int, 2>{});
    case 4:
      return with_bw(std::integral_constant<int, 4>{});
    default:
      return with_bw(std::integral_constant<int, 8>{});
  }
}

template <class Tiles>
void run_tiles(const GemmArgs& a, int m_begin, int m_end) {
  if (a.xor_form) {
    static const TileSet set = make_tile_set<Tiles, 1, 1, true>();
    drive_tiles(a, m_begin, m_end, set);
    return;
  }
  dispatch_bits(a.w->bits(), a.x->bits(), [&](auto bw, auto bx) {
    static const TileSet set =
        make_tile_set<Tiles, decltype(bw)::value, decltype(bx)::value, false>();
    drive_tiles(a, m_begin, m_end, set);
  });
}

// Pointers to the MR rows of a W tile (aliasing the last row past m_end) and NR rows of X
// (aliasing row N - 1 past the end).
template <int MR, int NR>
QTB_LB_INLINE void tile_rows(const GemmArgs& a, int m0, int m_end, int n0,
                             const std::uint64_t* (&wr)[MR], const std::uint64_t* (&xr)[NR]) {
  for (int r = 0; r < MR; ++r) wr[r] = a.w->row(std::min(m0 + r, m_end - 1));
  for (int c = 0; c < NR; ++c) xr[c] = a.x->row(std::min(n0 + c, a.N - 1));
}

// Packing one row of levels into its planes and code sum with AVX-512BW (false: a level out of
// range). Only where cpu_has_avx512_pack().
bool pack_row_avx512(const std::int8_t* levels, int depth, int bits, bool is_signed,
                     std::uint64_t* row, std::int32_t* code_sum);
bool pack_row_avx512(const std::uint8_t* levels, int depth, int bits, bool is_signed,
                     std::uint64_t* row, std::int32_t* code_sum);
bool pack_row_avx512(const std::int32_t* levels, int depth, int bits, bool is_signed,
                     std::uint64_t* row, std::int32_t* code_sum);

bool cpu_has_avx512_pack();

}  // namespace qtb::lowbit::detail
