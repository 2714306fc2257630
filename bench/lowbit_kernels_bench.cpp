// The low-bit GEMM kernels (src/engine/lowbit/kernels) on the peers' dense shape, 2048 x 2048
// (M = K = 2048) at batch N = 1, 16 and 256: W1A1 (binary x binary), W2A2 (ternary x unsigned
// 2-bit) and W4A4 (signed x unsigned 4-bit) with every method this CPU runs, single-threaded, plus
// the best method with 2 threads; N = 1 with the packed weights warm in cache and streamed from
// DRAM (cycling through copies_for_dram copies). Cases are named like peer_dense_bench.cpp's, so
// the ratio table compares them with oneDNN u8s8 on the same shape. Extra counters: W_GBs (packed
// weight bytes streamed per second, N = 1). Also: a few mixed precisions with the two AVX-512
// methods, a plain DRAM read of the same bytes (the bandwidth a GEMV can reach), and activation
// packing (int8 levels to bit-planes).
#include <fmt/format.h>

#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "engine/lowbit/kernels/lowbit_gemm.hpp"

namespace qtb::bench {
namespace {

using lowbit::Method;
using lowbit::PackedOperand;

constexpr int kRows = kDenseRows;
constexpr int kDepth = kDenseDepth;

struct LowbitPrecision {
  const char* name;
  int wbits;
  bool wsigned;
  int abits;
  bool asigned;
};

const char* short_name(Method m) {
  switch (m) {
    case Method::kPopcountPortable:
      return "popcount_portable";
    case Method::kPopcountScalar:
      return "popcount_scalar";
    case Method::kPopcountAvx2:
      return "popcount_avx2";
    case Method::kPopcountAvx512:
      return "popcount_avx512";
    case Method::kVnniAvx512:
      return "vnni_avx512";
  }
  return "?";
}

std::vector<std::int8_t> random_levels(int bits, bool is_signed, int rows, unsigned seed) {
  std::mt19937 rng(seed);
  const int lo = !is_signed ? 0 : (bits == 1 ? -1 : -((1 << (bits - 1)) - 1));
  const int hi =
      !is_signed ? std::min(127, (1 << bits) - 1) : (bits == 1 ? 1 : (1 << (bits - 1)) - 1);
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<std::int8_t> v(static_cast<std::size_t>(rows) * kDepth);
  for (auto& x : v) {
    int level = dist(rng);
    if (is_signed && bits == 1) level = level < 0 ? -1 : 1;
    x = static_cast<std::int8_t>(level);
  }
  return v;
}

PackedOperand make_operand(int bits, bool is_signed, int rows, unsigned seed) {
  const auto levels = random_levels(bits, is_signed, rows, seed);
  return lowbit::pack(std::span<const std::int8_t>(levels), rows, kDepth, bits, is_signed);
}

void lowbit_dense(benchmark::State& state, LowbitPrecision p, Method method, int batch, int threads,
                  WeightSource source) {
  std::vector<PackedOperand> weights;
  weights.push_back(make_operand(p.wbits, p.wsigned, kRows, 1));
  const std::size_t weight_bytes = weights.front().bytes();
  const std::size_t copies = source == WeightSource::Warm ? 1 : copies_for_dram(weight_bytes);
  for (std::size_t c = 1; c < copies; ++c) weights.push_back(weights.front());
  const PackedOperand x = make_operand(p.abits, p.asigned, batch, 2);
  std::vector<std::int32_t> out(static_cast<std::size_t>(kRows) * batch);
  std::size_t next = 0;
  for (auto _ : state) {
    lowbit::gemm(weights[next], x, out, method, threads);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
    next = (next + 1) % copies;
  }
  set_gops(state, 2.0 * kRows * kDepth * batch);
  if (batch == 1) {
    state.counters["W_GBs"] = benchmark::Counter(static_cast<double>(weight_bytes) * 1e-9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
  }
  state.SetLabel(std::string(lowbit::method_name(method)));
}

// Reading the same number of bytes from DRAM with plain loads: the bandwidth a GEMV can reach.
void dram_read(benchmark::State& state, std::size_t bytes) {
  const std::size_t words = bytes / 8;
  const std::size_t copies = copies_for_dram(bytes);
  std::vector<std::vector<std::uint64_t>> data(copies, std::vector<std::uint64_t>(words, 1));
  std::size_t next = 0;
  for (auto _ : state) {
    const std::uint64_t* p = data[next].data();
    std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (std::size_t i = 0; i + 4 <= words; i += 4) {
      s0 += p[i];
      s1 += p[i + 1];
      s2 += p[i + 2];
      s3 += p[i + 3];
    }
    benchmark::DoNotOptimize(s0 + s1 + s2 + s3);
    next = (next + 1) % copies;
  }
  state.counters["GBs"] = benchmark::Counter(static_cast<double>(bytes) * 1e-9,
                                             benchmark::Counter::kIsIterationInvariantRate);
}

void pack_activations(benchmark::State& state, int bits, int batch, bool portable) {
  const bool is_signed = bits == 1;
  const auto levels = random_levels(bits, is_signed, batch, 3);
  PackedOperand x;
  for (auto _ : state) {
    lowbit::pack_into(x, std::span<const std::int8_t>(levels), batch, kDepth, bits, is_signed,
                      portable);
    benchmark::DoNotOptimize(x.words().data());
  }
  state.counters["Glevels_s"] = benchmark::Counter(static_cast<double>(batch) * kDepth * 1e-9,
                                                   benchmark::Counter::kIsIterationInvariantRate);
}

void register_lowbit() {
  const LowbitPrecision main_precisions[] = {
      {"W1A1", 1, true, 1, true},
      {"W2A2", 2, true, 2, false},
      {"W4A4", 4, true, 4, false},
  };
  const LowbitPrecision mixes[] = {
      {"W1A2", 1, true, 2, false}, {"W2A1", 2, true, 1, true},  {"W1A4", 1, true, 4, false},
      {"W2A4", 2, true, 4, false}, {"W2A8", 2, true, 8, false}, {"W4A8", 4, true, 8, false},
      {"W8A8", 8, true, 8, false},
  };
  auto add = [](const LowbitPrecision& p, Method m, int batch, int threads, WeightSource source) {
    const std::string implementation = fmt::format("lowbit_{}_{}", p.name, short_name(m));
    benchmark::RegisterBenchmark(
        case_name(dense_shape(batch, threads, source), implementation).c_str(), lowbit_dense, p, m,
        batch, threads, source)
        ->UseRealTime();
  };
  auto add_batches = [&](const LowbitPrecision& p, Method m, int threads,
                         std::initializer_list<int> batches) {
    for (const int batch : batches) {
      add(p, m, batch, threads, WeightSource::Warm);
      if (batch == 1) add(p, m, batch, threads, WeightSource::Dram);
    }
  };
  for (const LowbitPrecision& p : main_precisions) {
    for (const Method m : lowbit::kAllMethods) {
      if (lowbit::method_available(m)) add_batches(p, m, 1, {1, 16, 256});
    }
    for (const int batch : {1, 16, 256}) {
      const Method best = lowbit::best_method(p.wbits, p.abits, false, batch);
      add(p, best, batch, 2, WeightSource::Warm);
      if (batch == 1) add(p, best, batch, 2, WeightSource::Dram);
    }
  }
  for (const LowbitPrecision& p : mixes) {
    for (const Method m : {Method::kPopcountAvx512, Method::kVnniAvx512}) {
      if (lowbit::method_available(m)) add_batches(p, m, 1, {1, 256});
    }
  }
  for (const int bits : {1, 2, 4}) {
    const std::size_t bytes = static_cast<std::size_t>(kRows) * kDepth * bits / 8;
    benchmark::RegisterBenchmark(
        case_name(fmt::format("dram read {} KiB", bytes >> 10), "plain_loads").c_str(), dram_read,
        bytes)
        ->UseRealTime();
  }
  for (const int bits : {1, 2, 4, 8}) {
    for (const bool portable : {false, true}) {
      benchmark::RegisterBenchmark(case_name(fmt::format("pack A{} {}x{}", bits, 256, kDepth),
                                             portable ? "lowbit_pack_portable" : "lowbit_pack")
                                       .c_str(),
                                   pack_activations, bits, 256, portable)
          ->UseRealTime();
    }
  }
}

const bool registered = (register_lowbit(), true);

}  // namespace
}  // namespace qtb::bench
