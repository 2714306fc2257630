// The low-bit GEMM kernels against a naive int32 triple loop on levels: every method this CPU
// runs x every (weight bits, activation bits, signedness), odd shapes, extreme levels, binary
// padding, packing paths and threads.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/thread_pool.hpp"
#include "engine/lowbit/kernels/lowbit_gemm.hpp"

namespace qtb::lowbit {
namespace {

struct Kind {
  int bits;
  bool is_signed;
  int lo() const { return !is_signed ? 0 : (bits == 1 ? -1 : -((1 << (bits - 1)) - 1)); }
  int hi() const { return !is_signed ? (1 << bits) - 1 : (bits == 1 ? 1 : (1 << (bits - 1)) - 1); }
};

std::vector<std::int32_t> random_levels(Kind kind, int rows, int depth, std::mt19937& rng) {
  std::vector<std::int32_t> v(static_cast<std::size_t>(rows) * depth);
  std::uniform_int_distribution<int> dist(kind.lo(), kind.hi());
  for (auto& x : v) {
    x = dist(rng);
    if (kind.is_signed && kind.bits == 1) x = x < 0 ? -1 : 1;  // binary: no zero
  }
  return v;
}

std::vector<std::int32_t> reference(const std::vector<std::int32_t>& w,
                                    const std::vector<std::int32_t>& x, int M, int N, int K) {
  std::vector<std::int32_t> out(static_cast<std::size_t>(M) * N);
  for (int m = 0; m < M; ++m) {
    for (int n = 0; n < N; ++n) {
      std::int32_t acc = 0;
      for (int k = 0; k < K; ++k) {
        acc += w[static_cast<std::size_t>(m) * K + k] * x[static_cast<std::size_t>(n) * K + k];
      }
      out[static_cast<std::size_t>(m) * N + n] = acc;
    }
  }
  return out;
}

std::vector<std::int8_t> to_int8(const std::vector<std::int32_t>& v) {
  return {v.begin(), v.end()};
}

// Packs levels (int8 where they fit, else int32) and runs one GEMM.
std::vector<std::int32_t> run(Method method, Kind wk, const std::vector<std::int32_t>& w, Kind xk,
                              const std::vector<std::int32_t>& x, int M, int N, int K,
                              int threads = 1) {
  auto packed = [](Kind k, const std::vector<std::int32_t>& levels, int rows, int depth) {
    return k.hi() > 127
               ? pack(std::span<const std::int32_t>(levels), rows, depth, k.bits, k.is_signed)
               : pack(std::span<const std::int8_t>(to_int8(levels)), rows, depth, k.bits,
                      k.is_signed);
  };
  const PackedOperand pw = packed(wk, w, M, K);
  const PackedOperand px = packed(xk, x, N, K);
  std::vector<std::int32_t> out(static_cast<std::size_t>(M) * N, 0x5A5A5A5A);
  gemm(pw, px, out, method, threads);
  return out;
}

std::string kind_name(Kind k) {
  return std::to_string(k.bits) + (k.is_signed ? (k.bits == 1 ? "b" : "s") : "u");
}

struct Shape {
  int M, N, K;
};

// Odd shapes: M, N, K from {1, 3, 7, 17, 63, 65, 130} and K across the 64- and 512-bit
// boundaries, N covering every column-tile remainder, GEMV with M not a multiple of 8, K = 0.
const Shape kShapes[] = {
    {1, 1, 1},    {1, 1, 65},    {3, 7, 17},   {7, 3, 63},    {17, 1, 130},   {1, 17, 130},
    {63, 17, 65}, {65, 63, 7},   {130, 65, 3}, {17, 130, 17}, {7, 7, 1},      {3, 1, 511},
    {5, 9, 512},  {9, 5, 513},   {3, 2, 577},  {66, 1, 1000}, {13, 11, 1100}, {17, 4, 130},
    {10, 6, 63},  {11, 13, 575}, {130, 1, 65}, {4, 12, 2049}, {3, 5, 0},
};

using Combo = std::tuple<Method, int, int>;  // method, weight bits, activation bits

class LowbitGemm : public ::testing::TestWithParam<Combo> {};

TEST_P(LowbitGemm, MatchesNaiveLoopOnOddShapes) {
  const auto [method, wbits, abits] = GetParam();
  if (!method_available(method)) GTEST_SKIP() << method_name(method) << " not on this CPU";
  std::mt19937 rng(1234u + static_cast<unsigned>(wbits * 16 + abits));
  for (const bool wsigned : {true, false}) {
    for (const bool asigned : {false, true}) {
      const Kind wk{wbits, wsigned}, xk{abits, asigned};
      for (const Shape& s : kShapes) {
        const auto w = random_levels(wk, s.M, s.K, rng);
        const auto x = random_levels(xk, s.N, s.K, rng);
        ASSERT_EQ(run(method, wk, w, xk, x, s.M, s.N, s.K), reference(w, x, s.M, s.N, s.K))
            << method_name(method) << " W" << kind_name(wk) << " A" << kind_name(xk) << " M " << s.M
            << " N " << s.N << " K " << s.K;
      }
    }
  }
}

TEST_P(LowbitGemm, ExtremeLevels) {
  const auto [method, wbits, abits] = GetParam();
  if (!method_available(method)) GTEST_SKIP() << method_name(method) << " not on this CPU";
  const int M = 9, N = 7, K = 1100;
  for (const bool wsigned : {true, false}) {
    for (const bool asigned : {false, true}) {
      const Kind wk{wbits, wsigned}, xk{abits, asigned};
      for (const int wl : {wk.lo(), wk.hi()}) {
        for (const int xl : {xk.lo(), xk.hi()}) {
          const std::vector<std::int32_t> w(static_cast<std::size_t>(M) * K, wl);
          const std::vector<std::int32_t> x(static_cast<std::size_t>(N) * K, xl);
          const auto out = run(method, wk, w, xk, x, M, N, K);
          for (const std::int32_t v : out) {
            ASSERT_EQ(v, wl * xl * K) << method_name(method) << " W" << kind_name(wk) << "=" << wl
                                      << " A" << kind_name(xk) << "=" << xl;
          }
        }
      }
    }
  }
}

std::vector<Combo> all_combos() {
  std::vector<Combo> combos;
  for (const Method m : kAllMethods) {
    for (const int wb : {1, 2, 4, 8}) {
      for (const int ab : {1, 2, 4, 8}) combos.emplace_back(m, wb, ab);
    }
  }
  return combos;
}

std::string combo_name(const ::testing::TestParamInfo<Combo>& info) {
  static const char* const kNames[] = {"portable", "scalar", "avx2", "avx512", "vnni"};
  const auto [m, wb, ab] = info.param;
  return std::string(kNames[static_cast<int>(m)]) + "_W" + std::to_string(wb) + "A" +
         std::to_string(ab);
}

INSTANTIATE_TEST_SUITE_P(AllMethods, LowbitGemm, ::testing::ValuesIn(all_combos()), combo_name);

class LowbitMethod : public ::testing::TestWithParam<Method> {};

// Binary operands are padded with 0 bits (-1 as a code): the padding must add nothing, in the
// XOR form (both binary) and mixed with multi-bit operands.
TEST_P(LowbitMethod, BinaryPaddingAddsNothing) {
  const Method method = GetParam();
  if (!method_available(method)) GTEST_SKIP() << method_name(method) << " not on this CPU";
  for (const int K : {1, 63, 65, 130, 511, 513}) {
    const Kind bin{1, true};
    const std::vector<std::int32_t> w(static_cast<std::size_t>(3) * K, -1);
    const std::vector<std::int32_t> x(static_cast<std::size_t>(5) * K, -1);
    for (const std::int32_t v : run(method, bin, w, bin, x, 3, 5, K)) EXPECT_EQ(v, K);
    const Kind u2{2, false};
    const std::vector<std::int32_t> x2(static_cast<std::size_t>(5) * K, 3);
    for (const std::int32_t v : run(method, bin, w, u2, x2, 3, 5, K)) EXPECT_EQ(v, -3 * K);
  }
}

TEST_P(LowbitMethod, ThreadsSplitRowsExactly) {
  const Method method = GetParam();
  if (!method_available(method)) GTEST_SKIP() << method_name(method) << " not on this CPU";
  std::mt19937 rng(7);
  const Kind wk{2, true}, xk{4, false};
  const int M = 100, N = 9, K = 300;
  const auto w = random_levels(wk, M, K, rng);
  const auto x = random_levels(xk, N, K, rng);
  const auto expected = reference(w, x, M, N, K);
  for (const int threads : {2, 3, 8}) {
    EXPECT_EQ(run(method, wk, w, xk, x, M, N, K, threads), expected) << threads << " threads";
  }
}

std::string method_param_name(const ::testing::TestParamInfo<Method>& info) {
  static const char* const kNames[] = {"portable", "scalar", "avx2", "avx512", "vnni"};
  return kNames[static_cast<int>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(AllMethods, LowbitMethod, ::testing::ValuesIn(kAllMethods),
                         method_param_name);

// The AVX-512 kernels' columns-in-lanes paths (popcount from N = 8, VNNI from N = 16) next to
// their other tiles, for every precision: M not a multiple of any tile's rows, N not a multiple
// of the lanes or of a tile's columns (and large enough for several column tiles), K across the
// 64- and 512-bit boundaries; N = 1 and 3 take the other tiles on the same data.
TEST(LowbitColumnsKernel, MatchesNaiveLoopOnOddShapes) {
  const Shape shapes[] = {{37, 8, 2049},  {13, 17, 513}, {25, 33, 1000}, {7, 64, 65},
                          {50, 100, 130}, {3, 9, 1},     {12, 24, 64},   {37, 1, 1000},
                          {37, 3, 1000},  {1, 41, 575},  {11, 16, 300},  {29, 32, 2049}};
  for (const Method method : {Method::kPopcountAvx512, Method::kVnniAvx512}) {
    if (!method_available(method)) continue;
    std::mt19937 rng(4321);
    for (const int wbits : {1, 2, 4, 8}) {
      for (const int abits : {1, 2, 4, 8}) {
        for (const bool wsigned : {true, false}) {
          for (const bool asigned : {false, true}) {
            const Kind wk{wbits, wsigned}, xk{abits, asigned};
            for (const Shape& s : shapes) {
              const auto w = random_levels(wk, s.M, s.K, rng);
              const auto x = random_levels(xk, s.N, s.K, rng);
              ASSERT_EQ(run(method, wk, w, xk, x, s.M, s.N, s.K), reference(w, x, s.M, s.N, s.K))
                  << method_name(method) << " W" << kind_name(wk) << " A" << kind_name(xk) << " M "
                  << s.M << " N " << s.N << " K " << s.K;
            }
          }
        }
      }
    }
  }
}

// Extreme levels with N >= 8 (the ternary rewrite u = 1 + u' must hold for every code, and the
// per-class sums must not overflow), and X blocks (a long K: several blocks of column tiles).
TEST(LowbitColumnsKernel, ExtremeLevelsAndLongK) {
  const Method method = Method::kPopcountAvx512;
  if (!method_available(method)) GTEST_SKIP() << method_name(method) << " not on this CPU";
  const int M = 13, N = 19, K = 1100;
  for (const int wbits : {1, 2, 4}) {
    for (const int abits : {1, 2, 4}) {
      for (const bool wsigned : {true, false}) {
        const Kind wk{wbits, wsigned}, xk{abits, abits == 1};
        for (const int wl : {wk.lo(), 0, wk.hi()}) {
          if (wk.is_signed && wk.bits == 1 && wl == 0) continue;
          for (const int xl : {xk.lo(), xk.hi()}) {
            const std::vector<std::int32_t> w(static_cast<std::size_t>(M) * K, wl);
            const std::vector<std::int32_t> x(static_cast<std::size_t>(N) * K, xl);
            for (const std::int32_t v : run(method, wk, w, xk, x, M, N, K)) {
              ASSERT_EQ(v, wl * xl * K)
                  << "W" << kind_name(wk) << "=" << wl << " A" << kind_name(xk) << "=" << xl;
            }
          }
        }
      }
    }
  }
  std::mt19937 rng(55);
  for (const auto& [wk, xk] :
       {std::pair{Kind{1, true}, Kind{1, true}}, std::pair{Kind{2, true}, Kind{2, false}},
        std::pair{Kind{1, true}, Kind{4, false}}}) {
    const int m = 21, n = 200, k = 8200;
    const auto w = random_levels(wk, m, k, rng);
    const auto x = random_levels(xk, n, k, rng);
    EXPECT_EQ(run(method, wk, w, xk, x, m, n, k), reference(w, x, m, n, k))
        << "W" << kind_name(wk) << " A" << kind_name(xk);
  }
}

// The int-threads form reuses a pool per calling thread; the ThreadPool form takes the caller's.
TEST(LowbitGemmThreads, PersistentAndCallerPoolsGiveTheSameResult) {
  std::mt19937 rng(8);
  const Kind wk{2, true}, xk{2, false};
  const int M = 70, N = 17, K = 700;
  const auto w = random_levels(wk, M, K, rng);
  const auto x = random_levels(xk, N, K, rng);
  const auto expected = reference(w, x, M, N, K);
  const Method method = best_method(2, 2, false, N);
  for (int repeat = 0; repeat < 3; ++repeat) {
    for (const int threads : {1, 2, 3, 2}) {
      EXPECT_EQ(run(method, wk, w, xk, x, M, N, K, threads), expected) << threads << " threads";
    }
  }
  const PackedOperand pw = pack(std::span<const std::int32_t>(w), M, K, 2, true);
  const PackedOperand px = pack(std::span<const std::int32_t>(x), N, K, 2, false);
  ThreadPool pool(3);
  std::vector<std::int32_t> out(static_cast<std::size_t>(M) * N);
  gemm(pw, px, out, method, pool);
  EXPECT_EQ(out, expected);
  EXPECT_THROW(gemm(pw, px, out, method, 0), std::invalid_argument);
}

TEST(LowbitPack, FastAndPortablePathsAgreeAndRoundTrip) {
  std::mt19937 rng(99);
  for (const int bits : {1, 2, 4, 8}) {
    for (const bool is_signed : {true, false}) {
      const Kind k{bits, is_signed};
      for (const int depth : {1, 63, 64, 65, 511, 512, 513, 1000}) {
        const int rows = 3;
        const auto levels = random_levels(k, rows, depth, rng);
        const PackedOperand ref = pack(std::span<const std::int32_t>(levels), rows, depth, bits,
                                       is_signed, /*portable=*/true);
        const PackedOperand fast32 =
            pack(std::span<const std::int32_t>(levels), rows, depth, bits, is_signed);
        EXPECT_TRUE(std::equal(ref.words().begin(), ref.words().end(), fast32.words().begin()));
        EXPECT_TRUE(
            std::equal(ref.code_sums().begin(), ref.code_sums().end(), fast32.code_sums().begin()));
        if (k.hi() <= 127) {
          const auto bytes = to_int8(levels);
          const PackedOperand fast8 =
              pack(std::span<const std::int8_t>(bytes), rows, depth, bits, is_signed);
          EXPECT_TRUE(std::equal(ref.words().begin(), ref.words().end(), fast8.words().begin()));
          EXPECT_TRUE(std::equal(ref.code_sums().begin(), ref.code_sums().end(),
                                 fast8.code_sums().begin()));
        }
        if (!is_signed) {
          const std::vector<std::uint8_t> ubytes(levels.begin(), levels.end());
          for (const bool portable : {false, true}) {
            const PackedOperand u8 =
                pack(std::span<const std::uint8_t>(ubytes), rows, depth, bits, is_signed, portable);
            EXPECT_TRUE(std::equal(ref.words().begin(), ref.words().end(), u8.words().begin()));
          }
        }
        EXPECT_EQ(ref.bytes(), static_cast<std::size_t>(rows) * bits * ((depth + 63) / 64) * 8);
        for (int r = 0; r < rows; ++r) {
          for (int kk = 0; kk < depth; ++kk) {
            ASSERT_EQ(unpack_level(ref, r, kk), levels[static_cast<std::size_t>(r) * depth + kk]);
          }
        }
      }
    }
  }
}

TEST(LowbitPack, RejectsLevelsOutOfRange) {
  for (const bool portable : {false, true}) {
    const std::vector<std::int8_t> zero_binary = {1, -1, 0, 1};
    EXPECT_THROW(pack(std::span<const std::int8_t>(zero_binary), 1, 4, 1, true, portable),
                 std::invalid_argument);
    const std::vector<std::int8_t> ternary = {1, -1, 2};
    EXPECT_THROW(pack(std::span<const std::int8_t>(ternary), 1, 3, 2, true, portable),
                 std::invalid_argument);
    const std::vector<std::int8_t> minus128 = {-128};
    EXPECT_THROW(pack(std::span<const std::int8_t>(minus128), 1, 1, 8, true, portable),
                 std::invalid_argument);
    const std::vector<std::int32_t> big = {0, 256};
    EXPECT_THROW(pack(std::span<const std::int32_t>(big), 1, 2, 8, false, portable),
                 std::invalid_argument);
    const std::vector<std::uint8_t> u = {16};
    EXPECT_THROW(pack(std::span<const std::uint8_t>(u), 1, 1, 4, false, portable),
                 std::invalid_argument);
    const std::vector<std::int8_t> negative_unsigned = {-1};
    EXPECT_THROW(pack(std::span<const std::int8_t>(negative_unsigned), 1, 1, 2, false, portable),
                 std::invalid_argument);
  }
  const std::vector<std::int8_t> ok = {1, 1};
  EXPECT_THROW(pack(std::span<const std::int8_t>(ok), 1, 2, 3, true), std::invalid_argument);
  EXPECT_THROW(pack(std::span<const std::int8_t>(ok), 1, 3, 2, true), std::invalid_argument);
}

TEST(LowbitGemmApi, ChecksShapesAndReportsMethods) {
  const std::vector<std::int8_t> w(6, 1), x(4, 1);
  const PackedOperand pw = pack(std::span<const std::int8_t>(w), 2, 3, 2, true);
  const PackedOperand px = pack(std::span<const std::int8_t>(x), 2, 2, 2, true);
  std::vector<std::int32_t> out(4);
  EXPECT_THROW(gemm(pw, px, out, Method::kPopcountPortable), std::invalid_argument);
  const PackedOperand px3 = pack(std::span<const std::int8_t>(w), 2, 3, 2, true);
  std::vector<std::int32_t> small(3);
  EXPECT_THROW(gemm(pw, px3, small, Method::kPopcountPortable), std::invalid_argument);
  gemm(pw, px3, out, Method::kPopcountPortable);
  EXPECT_EQ(out, (std::vector<std::int32_t>{3, 3, 3, 3}));

  EXPECT_EQ(best_method(1, 1, /*portable=*/true), Method::kPopcountPortable);
  for (const int wb : {1, 2, 4, 8}) {
    for (const int ab : {1, 2, 4, 8}) {
      for (const int batch : {1, 16, 256}) {
        const Method m = best_method(wb, ab, false, batch);
        EXPECT_TRUE(method_available(m)) << method_name(m);
      }
    }
  }
  for (const Method m : kAllMethods) EXPECT_FALSE(method_name(m).empty());
  EXPECT_TRUE(method_available(Method::kPopcountPortable));
}

}  // namespace
}  // namespace qtb::lowbit
