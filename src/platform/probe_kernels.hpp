#pragma once
// Internal to the host probe and its tests: the measured kernels, one per instruction
// set, each doing a fixed amount of arithmetic and returning a checksum of what it computed, so
// the compiler cannot drop the work and a test can check the arithmetic against a scalar model.
// Only methods compiled for this architecture are listed; `supported()` says whether this CPU
// (and OS) runs one.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace qtb::probe_detail {

// ---- FP32 FMA peak ------------------------------------------------------------------------------

inline constexpr int kMaxFp32Lanes = 16;

// Accumulator (chain k, lane l) starts at init[l] + k and does acc = acc * mul[l] + add[l] once
// per iteration. A method with L lanes uses entries [0, L).
struct Fp32Inputs {
  std::array<float, kMaxFp32Lanes> mul{};
  std::array<float, kMaxFp32Lanes> add{};
  std::array<float, kMaxFp32Lanes> init{};
};

struct Fp32Method {
  std::string_view name;  // "avx512f fma", "avx2 fma", "scalar"
  int lanes;              // FP32 lanes per instruction
  int chains;             // independent accumulators (hide the FMA latency)
  bool (*supported)();
  // Runs `iterations` iterations (chains x lanes FMAs each); returns the sum of all accumulators,
  // chain-major, lane-minor, in double.
  double (*kernel)(std::uint64_t iterations, const Fp32Inputs& inputs);
};

std::span<const Fp32Method> fp32_methods();
// The scalar model of any FP32 method: what a method of `lanes` x `chains` must return. Rounds
// after the multiply and after the add, so it agrees with a fused kernel exactly only when every
// intermediate is exactly representable (the tests choose such inputs).
double fp32_model(std::uint64_t iterations, int lanes, int chains, const Fp32Inputs& inputs);

// ---- INT8 dot-product peak ----------------------------------------------------------------------

inline constexpr int kMaxInt32Lanes = 16;

// vpdpbusd convention: a unsigned, b signed. Int32 lane i of chain k starts at k and adds
// a[4i..4i+3] . b[4i..4i+3] once per iteration, wrapping modulo 2^32. A method with L int32 lanes
// uses bytes [0, 4L). The AVX2 method saturates each pair a[2j]b[2j] + a[2j+1]b[2j+1] to int16
// (vpmaddubsw); the model does not, so it agrees only where the pair sums fit in int16.
struct Int8Inputs {
  std::array<std::uint8_t, 4 * kMaxInt32Lanes> a{};
  std::array<std::int8_t, 4 * kMaxInt32Lanes> b{};
};

struct Int8Method {
  std::string_view name;  // "avx512 vnni vpdpbusd", "avx-vnni vpdpbusd", "avx2 vpmaddubsw", ...
  int lanes;              // int32 lanes, 4 multiply-accumulates each, per instruction (chain step)
  int chains;
  bool (*supported)();
  // Runs `iterations` iterations (chains x lanes x 4 MACs each); returns the sum of all int32
  // accumulator lanes (each read as signed) in int64.
  std::int64_t (*kernel)(std::uint64_t iterations, const Int8Inputs& inputs);
};

std::span<const Int8Method> int8_methods();
std::int64_t int8_model(std::uint64_t iterations, int lanes, int chains, const Int8Inputs& inputs);

// ---- memory -------------------------------------------------------------------------------------

struct ReadMethod {
  std::string_view name;
  bool (*supported)();
  // Sum of data[0, count) modulo 2^64; any alignment and count.
  std::uint64_t (*kernel)(const std::uint64_t* data, std::size_t count);
};

struct TriadMethod {
  std::string_view name;
  bool (*supported)();
  // a[i] = b[i] + scalar * c[i] for i in [0, count); any alignment and count.
  void (*kernel)(double* a, const double* b, const double* c, double scalar, std::size_t count);
};

std::span<const ReadMethod> read_methods();    // widest first; the probe uses the first supported
std::span<const TriadMethod> triad_methods();  // widest first; the probe uses the first supported

}  // namespace qtb::probe_detail
