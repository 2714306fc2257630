// Bit-plane AND + popcount with AVX-512 for N >= 8 (compute bound), "columns in lanes": X is
// re-laid out per call so that one register holds the same 64-bit word of 8 different columns, and
// each W word is broadcast to all lanes. A lane then accumulates one output by itself, so there is
// no horizontal reduction (with K = 2048 the reductions of the row-dot tiles in popcount_avx512.cpp
// cost about a fifth of the run), and one register tile covers MR rows x 8 * NV columns.
//
// Per 64-bit word and (row, 8 columns) pair the instructions are:
//  - XOR form (both binary): vpxorq, vpopcntq, vpaddq;
//  - ternary W (signed 2-bit, codes 1..3): the code u = 1 + u' with u' = b0 + 2 b1, b0 = (u == 2),
//    b1 = (u == 3) disjoint bits, so sum u x = sum u' x + SUx and the two weight-2^(j+1) terms
//    b0 & x_{j+1} and b1 & x_j never overlap: one word u1 & (u0 ? x_j : x_{j+1}) counts both.
//    BX + 1 words per pair instead of 2 * BX, each made by one or two vpternlogq from the planes
//    u0, u1 directly;
//  - otherwise the BW * BX words w_i & x_j.
// Weighted words are counted with vpopcntb and accumulated with vpdpbusd against the constant
// weight 2^s in every byte (the multiply is free, one accumulator per output, int32 lanes: a
// column's sum is its two halves).
#include <vector>

#include "engine/lowbit/kernels/internal.hpp"

#if defined(__x86_64__)
#include <immintrin.h>

#include "engine/lowbit/kernels/avx512_common.hpp"

#define QTB_LB_COLS \
  __attribute__((   \
      target("avx512f,avx512bw,avx512vl,avx512vpopcntdq,avx512bitalg,avx512vnni,popcnt")))

namespace qtb::lowbit::detail {
namespace {

using Words = std::vector<std::uint64_t, AlignedAllocator<std::uint64_t>>;

enum class Scheme { kXor, kTernary, kPlanes };

constexpr int kLanes = 8;  // columns per register

// The weight exponents of the words a scheme counts must fit vpdpbusd's s8 operand (<= 2^6).
constexpr bool fits_weights(int bw, int bx, Scheme s) {
  return s == Scheme::kXor || (s == Scheme::kTernary ? bx <= 6 : bw + bx - 2 <= 6);
}

// X re-laid out: for column group g (columns 8g .. 8g+7), word w, plane j, the 8 lanes are the
// columns' words, at ((g * words + w) * BX + j) * 8; columns past N are zero (and never stored).
void relayout_x(const GemmArgs& a, Words& buf) {
  const int bx = a.x->bits(), words = a.words;
  const int groups = (a.N + kLanes - 1) / kLanes;
  buf.assign(static_cast<std::size_t>(groups) * words * bx * kLanes, 0);
  for (int n = 0; n < a.N; ++n) {
    const std::uint64_t* row = a.x->row(n);
    std::uint64_t* dst =
        buf.data() + static_cast<std::size_t>(n / kLanes) * words * bx * kLanes + n % kLanes;
    for (int first = 0; first < words; first += kBlockWords) {
      const int stride = block_words(words, first);
      const std::uint64_t* block = row + static_cast<std::size_t>(first) * bx;
      for (int j = 0; j < bx; ++j) {
        for (int e = 0; e < stride; ++e) {
          dst[(static_cast<std::size_t>(first + e) * bx + j) * kLanes] = block[j * stride + e];
        }
      }
    }
  }
}

// Weight classes 2^0 .. 2^(C-1) of the words a scheme counts. With at most kMaxClasses, each class
// has its own accumulator, fed by vpopcntq + vpaddq (vpaddq runs on any of the 4 vector pipes;
// vpopcnt and vpdpbusd share 2 on Zen 4, so vpdpbusd as the accumulator costs a popcount's slot);
// more classes: one accumulator, vpopcntb + vpdpbusd against 2^s (saves registers).
template <int BW, int BX, Scheme kScheme>
constexpr int weight_classes() {
  return kScheme == Scheme::kXor ? 1 : (kScheme == Scheme::kTernary ? BX + 1 : BW + BX - 1);
}
constexpr int kMaxClasses = 3;

template <int BW, int BX, Scheme kScheme>
struct Accumulation {
  static constexpr bool kDp = weight_classes<BW, BX, kScheme>() > kMaxClasses;
  static constexpr int kAccs = kDp ? 1 : weight_classes<BW, BX, kScheme>();
};

// acc += 2^s * popcount(t) (s is a constant once the callers' loops are unrolled).
template <bool kDp, int C>
QTB_LB_COLS QTB_LB_INLINE void add_count(__m512i (&acc)[C], __m512i t, int s) {
  if constexpr (kDp) {
    // Per 32-bit half of each column's lane.
    acc[0] = _mm512_dpbusd_epi32(acc[0], _mm512_popcnt_epi8(t),
                                 _mm512_set1_epi8(static_cast<char>(1 << s)));
  } else {
    acc[s] = _mm512_add_epi64(acc[s], _mm512_popcnt_epi64(t));
  }
}

// One word of a (row, 8 columns) pair.
template <int BW, int BX, Scheme kScheme, int C>
QTB_LB_COLS QTB_LB_INLINE void pair_step(__m512i (&acc)[C], const __m512i (&wv)[BW],
                                         const __m512i* xv) {
  constexpr bool kDp = Accumulation<BW, BX, kScheme>::kDp;
  if constexpr (kScheme == Scheme::kXor) {
    add_count<kDp>(acc, _mm512_xor_si512(wv[0], xv[0]), 0);
  } else if constexpr (kScheme == Scheme::kTernary) {
    const __m512i u0 = wv[0], u1 = wv[1];
    // b0 & x0 = u1 & ~u0 & x0 (weight 1) and b1 & x_{BX-1} = u1 & u0 & x_{BX-1} (weight 2^BX).
    add_count<kDp>(acc, _mm512_ternarylogic_epi64(u1, u0, xv[0], 0x20), 0);
    add_count<kDp>(acc, _mm512_ternarylogic_epi64(u1, u0, xv[BX - 1], 0x80), BX);
    QTB_LB_UNROLL
    for (int j = 0; j + 1 < BX; ++j) {
      // u1 & (u0 ? x_j : x_{j+1}) (weight 2^(j+1)).
      const __m512i mux = _mm512_ternarylogic_epi64(u0, xv[j], xv[j + 1], 0xCA);
      add_count<kDp>(acc, _mm512_and_si512(u1, mux), j + 1);
    }
  } else {
    QTB_LB_UNROLL
    for (int i = 0; i < BW; ++i) {
      QTB_LB_UNROLL
      for (int j = 0; j < BX; ++j) add_count<kDp>(acc, _mm512_and_si512(wv[i], xv[j]), i + j);
    }
  }
}

// Rows m0 .. m0+MR-1 (past m_end: alias the last row, not stored) x column groups g0 .. g0+NV-1.
template <int BW, int BX, Scheme kScheme, int MR, int NV>
QTB_LB_COLS void cols_tile(const GemmArgs& a, const std::uint64_t* xbuf, int m0, int m_end,
                           int g0) {
  using Acc = Accumulation<BW, BX, kScheme>;
  constexpr int C = Acc::kAccs;
  const int words = a.words;
  const std::size_t group_words = static_cast<std::size_t>(words) * BX * kLanes;
  const std::uint64_t* wr[MR];
  QTB_LB_UNROLL
  for (int m = 0; m < MR; ++m) wr[m] = a.w->row(std::min(m0 + m, m_end - 1));
  const std::uint64_t* xg = xbuf + static_cast<std::size_t>(g0) * group_words;
  __m512i acc[MR][NV][C];
  QTB_LB_UNROLL
  for (int m = 0; m < MR; ++m) {
    QTB_LB_UNROLL
    for (int v = 0; v < NV; ++v) {
      QTB_LB_UNROLL
      for (int c = 0; c < C; ++c) acc[m][v][c] = _mm512_setzero_si512();
    }
  }
  for (int first = 0; first < words; first += kBlockWords) {
    const int stride = block_words(words, first);
    const std::size_t wbase = static_cast<std::size_t>(first) * BW;
    for (int e = 0; e < stride; ++e) {
      const std::size_t xoff = static_cast<std::size_t>(first + e) * BX * kLanes;
      __m512i xv[NV][BX];
      QTB_LB_UNROLL
      for (int v = 0; v < NV; ++v) {
        QTB_LB_UNROLL
        for (int j = 0; j < BX; ++j) {
          xv[v][j] = _mm512_load_si512(xg + v * group_words + xoff + j * kLanes);
        }
      }
      QTB_LB_UNROLL
      for (int m = 0; m < MR; ++m) {
        __m512i wv[BW];
        QTB_LB_UNROLL
        for (int i = 0; i < BW; ++i) {
          wv[i] = _mm512_set1_epi64(static_cast<long long>(wr[m][wbase + i * stride + e]));
        }
        QTB_LB_UNROLL
        for (int v = 0; v < NV; ++v) pair_step<BW, BX, kScheme>(acc[m][v], wv, xv[v]);
      }
    }
  }
  // Lane c of acc = column 8 (g0 + v) + c: sum_s 2^s acc[s], or the two 32-bit halves of the
  // vpdpbusd sums. (maskz forms: the plain ones make GCC 12 warn about _mm256_undefined.)
  QTB_LB_UNROLL
  for (int m = 0; m < MR; ++m) {
    if (m0 + m >= m_end) break;
    QTB_LB_UNROLL
    for (int v = 0; v < NV; ++v) {
      __m512i lanes = acc[m][v][0];
      if constexpr (Acc::kDp) {
        lanes = _mm512_add_epi32(lanes, _mm512_maskz_srli_epi64(0xFF, lanes, 32));
      } else {
        QTB_LB_UNROLL
        for (int c = 1; c < C; ++c) {
          lanes = _mm512_add_epi64(lanes, _mm512_maskz_slli_epi64(0xFF, acc[m][v][c], c));
        }
      }
      store_row8(a, m0 + m, (g0 + v) * kLanes, _mm512_maskz_cvtepi64_epi32(0xFF, lanes));
    }
  }
}

// Register budget (32 zmm): MR * NV * C accumulators, NV * BX words of X, BW broadcast words of W
// and a few temporaries / weight constants.
template <int BW, int BX, Scheme kScheme>
constexpr int rows_per_tile(int nv) {
  using Acc = Accumulation<BW, BX, kScheme>;
  const int budget = 32 - nv * BX - BW - (Acc::kDp ? 4 : 2);
  return std::max(1, std::min(12, budget / (nv * Acc::kAccs)));
}

using ColsFn = void (*)(const GemmArgs&, const std::uint64_t*, int, int, int);

constexpr int kMaxNv = 4;

// Tiles of the main width NVM (rows_per_tile(NVM) rows) and its narrower remainders.
template <int BW, int BX, Scheme kScheme, int NVM>
struct ColsSet {
  static constexpr int kMr = rows_per_tile<BW, BX, kScheme>(NVM);
  static ColsFn tile(int nv) {
    static constexpr ColsFn kTiles[kMaxNv] = {
        &cols_tile<BW, BX, kScheme, kMr, 1>,
        &cols_tile < BW,
        BX,
        kScheme,
        kMr,
        NVM >= 2 ? 2 : 1 >,
        &cols_tile < BW,
        BX,
        kScheme,
        kMr,
        NVM >= 3 ? 3 : 1 >
        , &cols_tile < BW, BX, kScheme, kMr, NVM >= 4 ? 4 : 1 > };
    return kTiles[nv - 1];
  }
};

template <int BW, int BX, Scheme kScheme, int NVM>
void drive(const GemmArgs& a, const std::uint64_t* xbuf, int m_begin, int m_end) {
  using Set = ColsSet<BW, BX, kScheme, NVM>;
  const int groups = (a.N + kLanes - 1) / kLanes;
  // Column groups per block: about 256 KiB of re-laid-out X (stays in L2 while W rows stream).
  const std::size_t group_bytes = static_cast<std::size_t>(a.words) * BX * kLanes * 8;
  const int block = std::max(NVM, static_cast<int>((256 * 1024) / group_bytes) / NVM * NVM);
  for (int g_begin = 0; g_begin < groups; g_begin += block) {
    const int g_end = std::min(groups, g_begin + block);
    for (int m0 = m_begin; m0 < m_end; m0 += Set::kMr) {
      for (int g0 = g_begin; g0 < g_end; g0 += NVM) {
        Set::tile(std::min(NVM, g_end - g0))(a, xbuf, m0, m_end, g0);
      }
    }
  }
}

// The widest useful tile: most outputs per tile (accumulators in use), then fewest loads per
// output (NV * BX X words + MR * BW broadcasts). Measured on Zen 4 at N = 256: W1A1 6 x 32
// columns, W2A2 (ternary) 4 x 16 columns, each within noise of the runner-up.
template <int BW, int BX, Scheme kScheme>
constexpr int main_nv() {
  int best = 1;
  double best_outputs = 0, best_loads = 0;
  for (int nv = 1; nv <= kMaxNv; ++nv) {
    const int mr = rows_per_tile<BW, BX, kScheme>(nv);
    const double outputs = mr * nv;
    const double loads = (nv * BX + mr * BW) / outputs;
    if (outputs > best_outputs || (outputs == best_outputs && loads < best_loads)) {
      best = nv;
      best_outputs = outputs;
      best_loads = loads;
    }
  }
  return best;
}

template <int BW, int BX, Scheme kScheme>
void run_scheme(const GemmArgs& a, const std::uint64_t* xbuf, int m_begin, int m_end) {
  constexpr int kBest = main_nv<BW, BX, kScheme>();
  const int groups = (a.N + kLanes - 1) / kLanes;
  switch (std::min(kBest, groups)) {
    case 1:
      return drive<BW, BX, kScheme, 1>(a, xbuf, m_begin, m_end);
    case 2:
      if constexpr (kBest >= 2) return drive<BW, BX, kScheme, 2>(a, xbuf, m_begin, m_end);
      break;
    case 3:
      if constexpr (kBest >= 3) return drive<BW, BX, kScheme, 3>(a, xbuf, m_begin, m_end);
      break;
    default:
      if constexpr (kBest >= 4) return drive<BW, BX, kScheme, 4>(a, xbuf, m_begin, m_end);
      break;
  }
}

}  // namespace

bool popcount_avx512_cols(const GemmArgs& a, int m_begin, int m_end) {
  static const bool cpu_ok = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bitalg") != 0 && __builtin_cpu_supports("avx512vnni") != 0;
  }();
  if (a.N < kLanes || !cpu_ok) return false;
  const bool ternary = !a.xor_form && a.w->bits() == 2 && a.w->is_signed();
  bool handled = false;
  thread_local Words xbuf;
  auto run = [&](auto bw, auto bx, auto scheme) {
    constexpr int BW = decltype(bw)::value, BX = decltype(bx)::value;
    constexpr Scheme S = decltype(scheme)::value;
    if constexpr (fits_weights(BW, BX, S)) {
      relayout_x(a, xbuf);
      GemmArgs args = a;
      // Ternary: the kernel counts sum u' x = sum u x - SUx.
      if constexpr (S == Scheme::kTernary) args.x_coef += args.scale;
      run_scheme<BW, BX, S>(args, xbuf.data(), m_begin, m_end);
      handled = true;
    }
  };
  if (a.xor_form) {
    run(std::integral_constant<int, 1>{}, std::integral_constant<int, 1>{},
        std::integral_constant<Scheme, Scheme::kXor>{});
    return handled;
  }
  dispatch_bits(a.w->bits(), a.x->bits(), [&](auto bw, auto bx) {
    if (ternary) {
      if constexpr (decltype(bw)::value == 2) {
        run(bw, bx, std::integral_constant<Scheme, Scheme::kTernary>{});
      }
    } else {
      run(bw, bx, std::integral_constant<Scheme, Scheme::kPlanes>{});
    }
  });
  return handled;
}

}  // namespace qtb::lowbit::detail

#else  // not x86-64: never called (the CPU checks fail)

namespace qtb::lowbit::detail {
bool popcount_avx512_cols(const GemmArgs&, int, int) {
  return false;
}
}  // namespace qtb::lowbit::detail

#endif
