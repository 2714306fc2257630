#include "platform/probe.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "core/error.hpp"
#include "platform/probe_kernels.hpp"

#ifndef QTB_VERSION
#define QTB_VERSION "dev"
#endif

// Makes the compiler forget what it knows about a value without emitting an instruction, so a
// loop-invariant product is recomputed every iteration (and not shared between chains).
#if defined(__GNUC__)
#define QTB_OPAQUE_REG(x) __asm__("" : "+r"(x))
#define QTB_OPAQUE_VEC(x) __asm__("" : "+x"(x))
#else
#define QTB_OPAQUE_REG(x) ((void)0)
#define QTB_OPAQUE_VEC(x) ((void)0)
#endif

#if defined(__GNUC__)
#define QTB_UNROLL _Pragma("GCC unroll 16")
#else
#define QTB_UNROLL
#endif

namespace qtb {
namespace probe_detail {
namespace {

bool always_supported() {
  return true;
}

template <class T>
double sum_as_double(const T* values, int count) {
  double sum = 0;
  for (int i = 0; i < count; ++i) sum += static_cast<double>(values[i]);
  return sum;
}

std::int64_t sum_int32_lanes(const std::int32_t* values, int count) {
  std::int64_t sum = 0;
  for (int i = 0; i < count; ++i) sum += values[i];
  return sum;
}

// ---- scalar (portable) kernels ------------------------------------------------------------------

constexpr int kScalarFp32Chains = 12;

double fp32_scalar(std::uint64_t iterations, const Fp32Inputs& in) {
  constexpr int kChains = kScalarFp32Chains;
  const float mul = in.mul[0];
  const float add = in.add[0];
  float acc[kChains];
  for (int k = 0; k < kChains; ++k) acc[k] = in.init[0] + static_cast<float>(k);
  for (std::uint64_t i = 0; i < iterations; ++i) {
    QTB_UNROLL
    for (int k = 0; k < kChains; ++k) acc[k] = acc[k] * mul + add;
  }
  return sum_as_double(acc, kChains);
}

constexpr int kScalarInt8Chains = 8;

std::int64_t int8_scalar(std::uint64_t iterations, const Int8Inputs& in) {
  constexpr int kChains = kScalarInt8Chains;
  std::int32_t a0 = in.a[0], a1 = in.a[1], a2 = in.a[2], a3 = in.a[3];
  const std::int32_t b0 = in.b[0], b1 = in.b[1], b2 = in.b[2], b3 = in.b[3];
  std::uint32_t acc[kChains];
  for (int k = 0; k < kChains; ++k) acc[k] = static_cast<std::uint32_t>(k);
  for (std::uint64_t i = 0; i < iterations; ++i) {
    QTB_UNROLL
    for (int k = 0; k < kChains; ++k) {
      QTB_OPAQUE_REG(a0);
      QTB_OPAQUE_REG(a1);
      QTB_OPAQUE_REG(a2);
      QTB_OPAQUE_REG(a3);
      acc[k] += static_cast<std::uint32_t>(a0 * b0 + a1 * b1 + a2 * b2 + a3 * b3);
    }
  }
  std::int32_t out[kChains];
  for (int k = 0; k < kChains; ++k) out[k] = static_cast<std::int32_t>(acc[k]);
  return sum_int32_lanes(out, kChains);
}

std::uint64_t read_scalar(const std::uint64_t* data, std::size_t count) {
  std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    s0 += data[i];
    s1 += data[i + 1];
    s2 += data[i + 2];
    s3 += data[i + 3];
  }
  for (; i < count; ++i) s0 += data[i];
  return s0 + s1 + s2 + s3;
}

void triad_scalar(double* a, const double* b, const double* c, double scalar, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) a[i] = b[i] + scalar * c[i];
}

#if defined(__x86_64__)

// ---- x86-64 kernels, enabled per function (the library is built for baseline x86-64) -----------

bool cpu_has(bool (*check)()) {
  __builtin_cpu_init();
  return check();
}
bool has_avx512f() {
  return cpu_has([] { return __builtin_cpu_supports("avx512f") != 0; });
}
bool has_avx2() {
  return cpu_has([] { return __builtin_cpu_supports("avx2") != 0; });
}
bool has_avx2_fma() {
  return cpu_has(
      [] { return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0; });
}
bool has_avx512_vnni() {
  return cpu_has([] {
    return __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512vnni") != 0;
  });
}
bool has_avx_vnni() {
  // Not every compiler's __builtin_cpu_supports knows "avxvnni": CPUID.(EAX=7,ECX=1):EAX[4],
  // with AVX2 (which also says the OS saves the ymm state).
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!has_avx2() || __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (eax & (1u << 4)) != 0;
}

constexpr int kAvx512Fp32Chains = 16;

__attribute__((target("avx512f"))) double fp32_avx512(std::uint64_t iterations,
                                                      const Fp32Inputs& in) {
  constexpr int kChains = kAvx512Fp32Chains;
  const __m512 mul = _mm512_loadu_ps(in.mul.data());
  const __m512 add = _mm512_loadu_ps(in.add.data());
  const __m512 init = _mm512_loadu_ps(in.init.data());
  __m512 acc[kChains];
  QTB_UNROLL
  for (int k = 0; k < kChains; ++k) {
    acc[k] = _mm512_add_ps(init, _mm512_set1_ps(static_cast<float>(k)));
  }
  for (std::uint64_t i = 0; i < iterations; ++i) {
    QTB_UNROLL
    for (int k = 0; k < kChains; ++k) acc[k] = _mm512_fmadd_ps(acc[k], mul, add);
  }
  alignas(64) float out[kChains * 16];
  QTB_UNROLL
  for (int k = 0; k < kChains; ++k) _mm512_store_ps(out + 16 * k, acc[k]);
  return sum_as_double(out, kChains * 16);
}

constexpr int kAvx2Fp32Chains = 12;

__attribute__((target("avx2,fma"))) double fp32_avx2(std::uint64_t iterations,
                                                     const Fp32Inputs& in) {
  constexpr int kChains = kAvx2Fp32Chains;
  const __m256 mul = _mm256_loadu_ps(in.mul.data());
  const __m256 add = _mm256_loadu_ps(in.add.data());
  const __m256 init = _mm256_loadu_ps(in.init.data());
  __m256 acc[kChains];
  QTB_UNROLL
  for (int k = 0; k < kChains; ++k) {
    acc[k] = _mm256_add_ps(init, _mm256_set1_ps(static_cast<float>(k)));
  }
  for (std::uint64_t i = 0; i < iterations; ++i) {
    QTB_UNROLL
    for (int k = 0; k < kChains; ++k) acc[k] = _mm256_fmadd_ps(acc[k], mul, add);
  }
  alignas(32) float out[kChains * 8];
  QTB_UNROLL
  for (int k = 0; k < kChains; ++k) _mm256_store_ps(out + 8 * k, acc[k]);
  return sum_as_double(out, kChains * 8);
}

constexpr int kVnni512Chains = 12;

__attribute__((target("avx512f,avx512vnni"))) std::int64_t int8_vnni512(std::uint64_t iterations,
                                                                        const Int8Inputs& in) {
  constexpr int kChains = kVnni512Chains;
  const __m512i a = _mm512_loadu_si512(in.a.data());
  const __m512i b = _mm512_loadu_si512(in.b.data());
  __m512i acc[kChains];
  QTB_UNROLL
  for (int k = 0; k < kChains; ++k) acc[k] = _mm512_set1_epi32(k);
  for (std::uint64_t i = 0; i < iterations; ++i) {
    QTB_UNROLL
    for (int k = 0; k < kChains; ++k) acc[k] = _mm512_dpbusd_epi32(acc[k], a, b);
  }
  alignas(64) std::int32_t out[kChains * 16];
  QTB_UNROLL
  for (int k = 0; k < kChains; ++k) _mm512_store_si512(out + 16 * k, acc[k]);
  return sum_int32_lanes(out, kChains * 16);
}

constexpr int kAvxVnniChains = 12;

__attribute__((target("avx2,avxvnni"))) std::int64_t int8_avx_vnni(std::uint64_t iterations,
                                                                   const Int8Inputs& in) {
  constexpr int kChains = kAvxVnniChains;
  const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in.a.data()));
  const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in.b.data()));
  __m256i acc[kChains];
  QTB_UNROLL
  for (int k = 0; k < kChains; ++k) acc[k] = _mm256_set1_epi32(k);
  for (std::uint64_t i = 0; i < iterations; ++i) {
    QTB_UNROLL
    for (int k = 0; k < kChains; ++k) acc[k] = _mm256_dpbusd_avx_epi32(acc[k], a, b);
  }
  alignas(32) std::int32_t out[kChains * 8];
  QTB_UNROLL
  for (int k = 0; k < kChains; ++k) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(out + 8 * k), acc[k]);
  }
  return sum_int32_lanes(out, kChains * 8);
}

// 10 accumulators + a, b, ones + 2 temporaries fill the 16 ymm registers.
constexpr int kAvx2Int8Chains = 10;

__attribute__((target("avx2"))) std::int64_t int8_avx2(std::uint64_t iterations,
                                                       const Int8Inputs& in) {
  constexpr int kChains = kAvx2Int8Chains;
  __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in.a.data()));
  const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in.b.data()));
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i acc[kChains];
  QTB_UNROLL
  for (int k = 0; k < kChains; ++k) acc[k] = _mm256_set1_epi32(k);
  for (std::uint64_t i = 0; i < iterations; ++i) {
    QTB_UNROLL
    for (int k = 0; k < kChains; ++k) {
      // vpmaddubsw does not read the accumulator: without this the product would be hoisted out
      // of the loop and shared by the chains.
      QTB_OPAQUE_VEC(a);
      const __m256i pairs = _mm256_maddubs_epi16(a, b);
      acc[k] = _mm256_add_epi32(acc[k], _mm256_madd_epi16(pairs, ones));
    }
  }
  alignas(32) std::int32_t out[kChains * 8];
  QTB_UNROLL
  for (int k = 0; k < kChains; ++k) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(out + 8 * k), acc[k]);
  }
  return sum_int32_lanes(out, kChains * 8);
}

__attribute__((target("avx512f"))) std::uint64_t read_avx512(const std::uint64_t* data,
                                                             std::size_t count) {
  __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0,
          s7 = s0;
  std::size_t i = 0;
  for (; i + 64 <= count; i += 64) {
    const std::uint64_t* p = data + i;
    s0 = _mm512_add_epi64(s0, _mm512_loadu_si512(p));
    s1 = _mm512_add_epi64(s1, _mm512_loadu_si512(p + 8));
    s2 = _mm512_add_epi64(s2, _mm512_loadu_si512(p + 16));
    s3 = _mm512_add_epi64(s3, _mm512_loadu_si512(p + 24));
    s4 = _mm512_add_epi64(s4, _mm512_loadu_si512(p + 32));
    s5 = _mm512_add_epi64(s5, _mm512_loadu_si512(p + 40));
    s6 = _mm512_add_epi64(s6, _mm512_loadu_si512(p + 48));
    s7 = _mm512_add_epi64(s7, _mm512_loadu_si512(p + 56));
  }
  const __m512i sum =
      _mm512_add_epi64(_mm512_add_epi64(_mm512_add_epi64(s0, s1), _mm512_add_epi64(s2, s3)),
                       _mm512_add_epi64(_mm512_add_epi64(s4, s5), _mm512_add_epi64(s6, s7)));
  alignas(64) std::uint64_t lanes[8];
  _mm512_store_si512(lanes, sum);
  std::uint64_t total = 0;
  for (std::uint64_t lane : lanes) total += lane;
  return total + read_scalar(data + i, count - i);
}

__attribute__((target("avx2"))) std::uint64_t read_avx2(const std::uint64_t* data,
                                                        std::size_t count) {
  __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0,
          s7 = s0;
  std::size_t i = 0;
  for (; i + 32 <= count; i += 32) {
    const auto* p = reinterpret_cast<const __m256i*>(data + i);
    s0 = _mm256_add_epi64(s0, _mm256_loadu_si256(p));
    s1 = _mm256_add_epi64(s1, _mm256_loadu_si256(p + 1));
    s2 = _mm256_add_epi64(s2, _mm256_loadu_si256(p + 2));
    s3 = _mm256_add_epi64(s3, _mm256_loadu_si256(p + 3));
    s4 = _mm256_add_epi64(s4, _mm256_loadu_si256(p + 4));
    s5 = _mm256_add_epi64(s5, _mm256_loadu_si256(p + 5));
    s6 = _mm256_add_epi64(s6, _mm256_loadu_si256(p + 6));
    s7 = _mm256_add_epi64(s7, _mm256_loadu_si256(p + 7));
  }
  const __m256i sum =
      _mm256_add_epi64(_mm256_add_epi64(_mm256_add_epi64(s0, s1), _mm256_add_epi64(s2, s3)),
                       _mm256_add_epi64(_mm256_add_epi64(s4, s5), _mm256_add_epi64(s6, s7)));
  alignas(32) std::uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), sum);
  std::uint64_t total = 0;
  for (std::uint64_t lane : lanes) total += lane;
  return total + read_scalar(data + i, count - i);
}

__attribute__((target("avx512f"))) void triad_avx512(double* a, const double* b, const double* c,
                                                     double scalar, std::size_t count) {
  const __m512d s = _mm512_set1_pd(scalar);
  std::size_t i = 0;
  for (; i + 32 <= count; i += 32) {
    QTB_UNROLL
    for (std::size_t j = 0; j < 32; j += 8) {
      const __m512d sc = _mm512_mul_pd(s, _mm512_loadu_pd(c + i + j));
      _mm512_storeu_pd(a + i + j, _mm512_add_pd(_mm512_loadu_pd(b + i + j), sc));
    }
  }
  triad_scalar(a + i, b + i, c + i, scalar, count - i);
}

__attribute__((target("avx2"))) void triad_avx2(double* a, const double* b, const double* c,
                                                double scalar, std::size_t count) {
  const __m256d s = _mm256_set1_pd(scalar);
  std::size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    QTB_UNROLL
    for (std::size_t j = 0; j < 16; j += 4) {
      const __m256d sc = _mm256_mul_pd(s, _mm256_loadu_pd(c + i + j));
      _mm256_storeu_pd(a + i + j, _mm256_add_pd(_mm256_loadu_pd(b + i + j), sc));
    }
  }
  triad_scalar(a + i, b + i, c + i, scalar, count - i);
}

#endif  // __x86_64__

// Best first within each family, scalar last.
constexpr Fp32Method kFp32Methods[] = {
#if defined(__x86_64__)
    {"avx512f fma", 16, kAvx512Fp32Chains, has_avx512f, fp32_avx512},
    {"avx2 fma", 8, kAvx2Fp32Chains, has_avx2_fma, fp32_avx2},
#endif
    {"scalar", 1, kScalarFp32Chains, always_supported, fp32_scalar},
};

constexpr Int8Method kInt8Methods[] = {
#if defined(__x86_64__)
    {"avx512 vnni vpdpbusd", 16, kVnni512Chains, has_avx512_vnni, int8_vnni512},
    {"avx-vnni vpdpbusd", 8, kAvxVnniChains, has_avx_vnni, int8_avx_vnni},
    {"avx2 vpmaddubsw", 8, kAvx2Int8Chains, has_avx2, int8_avx2},
#endif
    {"scalar", 1, kScalarInt8Chains, always_supported, int8_scalar},
};

constexpr ReadMethod kReadMethods[] = {
#if defined(__x86_64__)
    {"avx512f", has_avx512f, read_avx512},
    {"avx2", has_avx2, read_avx2},
#endif
    {"scalar", always_supported, read_scalar},
};

constexpr TriadMethod kTriadMethods[] = {
#if defined(__x86_64__)
    {"avx512f", has_avx512f, triad_avx512},
    {"avx2", has_avx2, triad_avx2},
#endif
    {"scalar", always_supported, triad_scalar},
};

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// The value of the first "key : value" line whose key is `key`, or nullopt-like empty + false.
bool find_field(std::string_view text, std::string_view key, std::string_view& value) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (trim(line.substr(0, colon)) == key) {
      value = trim(line.substr(colon + 1));
      return true;
    }
  }
  return false;
}

bool parse_unsigned(std::string_view text, std::uint64_t& value) {
  if (text.empty()) return false;
  value = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return false;
    value = value * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  return true;
}

}  // namespace

std::span<const Fp32Method> fp32_methods() {
  return kFp32Methods;
}
std::span<const Int8Method> int8_methods() {
  return kInt8Methods;
}
std::span<const ReadMethod> read_methods() {
  return kReadMethods;
}
std::span<const TriadMethod> triad_methods() {
  return kTriadMethods;
}

double fp32_model(std::uint64_t iterations, int lanes, int chains, const Fp32Inputs& inputs) {
  double sum = 0;
  for (int k = 0; k < chains; ++k) {
    for (int l = 0; l < lanes; ++l) {
      float acc = inputs.init[l] + static_cast<float>(k);
      for (std::uint64_t i = 0; i < iterations; ++i) acc = acc * inputs.mul[l] + inputs.add[l];
      sum += static_cast<double>(acc);
    }
  }
  return sum;
}

std::int64_t int8_model(std::uint64_t iterations, int lanes, int chains, const Int8Inputs& inputs) {
  std::int64_t sum = 0;
  for (int k = 0; k < chains; ++k) {
    for (int l = 0; l < lanes; ++l) {
      std::int32_t dot = 0;
      for (int j = 4 * l; j < 4 * l + 4; ++j) dot += std::int32_t{inputs.a[j]} * inputs.b[j];
      std::uint32_t acc = static_cast<std::uint32_t>(k);
      for (std::uint64_t i = 0; i < iterations; ++i) acc += static_cast<std::uint32_t>(dot);
      sum += static_cast<std::int32_t>(acc);
    }
  }
  return sum;
}

std::string parse_cpu_model(std::string_view cpuinfo) {
  std::string_view value;
  if (find_field(cpuinfo, "model name", value) && !value.empty()) return std::string(value);
  return "unknown";
}

double parse_mem_total(std::string_view meminfo) {
  std::string_view value;
  if (!find_field(meminfo, "MemTotal", value)) return 0;
  double scale = 1;
  if (value.ends_with("kB")) {
    scale = 1024;
    value = trim(value.substr(0, value.size() - 2));
  }
  std::uint64_t number = 0;
  if (!parse_unsigned(value, number)) return 0;
  return static_cast<double>(number) * scale;
}

int parse_cpu_list_count(std::string_view list) {
  list = trim(list);
  if (list.empty()) return 0;
  int count = 0;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view range = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    const auto dash = range.find('-');
    std::uint64_t first = 0, last = 0;
    if (dash == std::string_view::npos) {
      if (!parse_unsigned(range, first)) return 0;
      last = first;
    } else if (!parse_unsigned(range.substr(0, dash), first) ||
               !parse_unsigned(range.substr(dash + 1), last) || last < first) {
      return 0;
    }
    count += static_cast<int>(last - first + 1);
  }
  return count;
}

std::size_t parse_cache_size(std::string_view text) {
  text = trim(text);
  std::size_t scale = 1;
  if (text.ends_with('K')) {
    scale = std::size_t{1} << 10;
  } else if (text.ends_with('M')) {
    scale = std::size_t{1} << 20;
  } else if (text.ends_with('G')) {
    scale = std::size_t{1} << 30;
  }
  if (scale != 1) text.remove_suffix(1);
  std::uint64_t number = 0;
  if (!parse_unsigned(text, number)) return 0;
  return static_cast<std::size_t>(number) * scale;
}

}  // namespace probe_detail

namespace {

using namespace probe_detail;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMiB = std::size_t{1} << 20;

// Observed results of the kernels, so the compiler cannot remove them.
volatile double g_sink = 0;

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

std::string read_file(const char* path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Starts one std::thread per index, waits until all run, calls on_ready(), then lets them run
// body(t) together. If a thread cannot be created none runs body and the error propagates.
template <class Ready, class Body>
void run_on_threads(int threads, Ready&& on_ready, Body&& body) {
  std::atomic<int> ready{0};
  std::atomic<int> state{0};  // 0 wait, 1 go, 2 abandon
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads));
  auto worker = [&](int t) {
    ready.fetch_add(1, std::memory_order_acq_rel);
    int s = 0;
    while ((s = state.load(std::memory_order_acquire)) == 0) std::this_thread::yield();
    if (s == 1) body(t);
  };
  try {
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  } catch (...) {
    state.store(2, std::memory_order_release);
    for (auto& thread : pool) thread.join();
    throw;
  }
  while (ready.load(std::memory_order_acquire) < threads) std::this_thread::yield();
  on_ready();
  state.store(1, std::memory_order_release);
  for (auto& thread : pool) thread.join();
}

// Runs kernel(iterations) (returns a checksum) on every thread for `seconds`; returns the
// iterations completed by all threads per second of wall time (best of a few windows).
template <class Kernel>
double iterations_per_second(int threads, double seconds, const Kernel& kernel) {
  // Chunks of about 1 ms between clock reads, calibrated on this thread.
  std::uint64_t chunk = 64;
  double checksum = 0;
  for (;;) {
    const auto t0 = Clock::now();
    checksum += kernel(chunk);
    const double dt = seconds_between(t0, Clock::now());
    if (dt >= 5e-4 || chunk >= (std::uint64_t{1} << 40)) {
      if (dt > 0) {
        chunk = std::max<std::uint64_t>(
            1, static_cast<std::uint64_t>(static_cast<double>(chunk) * 1e-3 / dt));
      }
      break;
    }
    chunk *= 2;
  }

  // Windows started together on all threads (barrier); the best window counts, so a burst of
  // other load on the machine costs a window, not the figure.
  constexpr int kWindows = 5;
  struct Windows {
    Clock::duration length;
    Clock::time_point start;
    Clock::time_point deadline;
    std::vector<std::uint64_t> chunks;  // per thread, in the window just ended
    double best = 0;                    // chunks per second
    int ended = -1;                     // the first phase only starts the first window
    bool stop = false;
  } windows;
  windows.length = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(seconds / kWindows));
  windows.chunks.assign(static_cast<std::size_t>(threads), 0);
  auto on_phase = [&windows]() noexcept {
    const auto now = Clock::now();
    if (windows.ended >= 0) {
      std::uint64_t total = 0;
      for (std::uint64_t count : windows.chunks) total += count;
      windows.best =
          std::max(windows.best, static_cast<double>(total) / seconds_between(windows.start, now));
    }
    ++windows.ended;
    windows.stop = windows.ended >= kWindows;
    windows.start = Clock::now();
    windows.deadline = windows.start + windows.length;
  };
  std::barrier sync(threads, on_phase);
  std::vector<double> sums(static_cast<std::size_t>(threads), 0);
  run_on_threads(
      threads, [] {},
      [&](int t) {
        const auto index = static_cast<std::size_t>(t);
        double sum = 0;
        sync.arrive_and_wait();
        do {
          std::uint64_t done = 0;
          do {
            sum += kernel(chunk);
            ++done;
          } while (Clock::now() < windows.deadline);
          windows.chunks[index] = done;
          sync.arrive_and_wait();
        } while (!windows.stop);
        sums[index] = sum;
      });
  for (double sum : sums) checksum += sum;
  g_sink = checksum;
  return windows.best * static_cast<double>(chunk);
}

// Runs setup(t) on every thread, then pass(t) (returns a checksum) on all threads together,
// pass after pass until `seconds` have passed (at least two passes); returns the shortest
// wall time of a pass.
template <class Setup, class Pass>
double best_pass_seconds(int threads, double seconds, const Setup& setup, const Pass& pass) {
  struct Clocking {
    Clock::time_point last;
    Clock::time_point deadline;
    Clock::duration budget;
    Clock::duration best = Clock::duration::max();
    int passes = -1;  // the first phase is the setup
    bool stop = false;
  } clocking;
  clocking.budget =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  auto on_phase = [&clocking]() noexcept {
    const auto now = Clock::now();
    if (clocking.passes < 0) {
      clocking.deadline = now + clocking.budget;
    } else {
      clocking.best = std::min(clocking.best, now - clocking.last);
    }
    ++clocking.passes;
    clocking.stop = clocking.passes >= 2 && now >= clocking.deadline;
    clocking.last = Clock::now();
  };
  std::barrier sync(threads, on_phase);
  std::vector<double> sums(static_cast<std::size_t>(threads), 0);
  run_on_threads(
      threads, [] {},
      [&](int t) {
        setup(t);
        sync.arrive_and_wait();
        double sum = 0;
        do {
          sum += pass(t);
          sync.arrive_and_wait();
        } while (!clocking.stop);
        sums[static_cast<std::size_t>(t)] = sum;
      });
  double checksum = 0;
  for (double sum : sums) checksum += sum;
  g_sink = checksum;
  return std::chrono::duration<double>(clocking.best).count();
}

// Page-aligned buffers whose pages are first touched by the thread that later reads them.
struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

template <class T>
std::unique_ptr<T[], FreeDeleter> allocate_untouched(std::size_t count) {
  constexpr std::size_t kAlign = 2 * kMiB;  // a transparent huge page
  const std::size_t bytes = (count * sizeof(T) + kAlign - 1) / kAlign * kAlign;
  void* p = std::aligned_alloc(kAlign, bytes);
  if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  madvise(p, bytes, MADV_HUGEPAGE);  // fewer TLB misses while streaming; failure is harmless
#endif
  return std::unique_ptr<T[], FreeDeleter>(static_cast<T*>(p));
}

// Thread t's slice [begin, end) of `count` elements, in whole units of `granule` elements.
struct Slice {
  std::size_t begin;
  std::size_t end;
};

Slice slice_of(std::size_t count, std::size_t granule, int threads, int t) {
  const std::size_t units = count / granule;
  const auto n = static_cast<std::size_t>(threads);
  const auto i = static_cast<std::size_t>(t);
  const std::size_t begin = units * i / n * granule;
  const std::size_t end = t + 1 == threads ? count : units * (i + 1) / n * granule;
  return {begin, end};
}

// Bytes of last-level cache on the machine: the size of cpu0's highest-level data cache times the
// number of such caches (online CPUs / CPUs sharing one). 0 when sysfs does not say.
std::size_t last_level_cache_bytes(int cpus) {
  int best_level = 0;
  std::size_t best_bytes = 0;
  for (int index = 0; index < 16; ++index) {
    const std::string dir = fmt::format("/sys/devices/system/cpu/cpu0/cache/index{}/", index);
    const std::string level_text = read_file((dir + "level").c_str());
    if (level_text.empty()) continue;
    if (std::string_view(read_file((dir + "type").c_str())).starts_with("Instruction")) continue;
    std::uint64_t level = 0;
    if (!parse_unsigned(trim(level_text), level)) continue;
    const std::size_t bytes = parse_cache_size(read_file((dir + "size").c_str()));
    if (bytes == 0 || static_cast<int>(level) < best_level) continue;
    const int sharing = parse_cpu_list_count(read_file((dir + "shared_cpu_list").c_str()));
    const int instances = sharing > 0 ? (cpus + sharing - 1) / sharing : 1;
    best_level = static_cast<int>(level);
    best_bytes = bytes * static_cast<std::size_t>(std::max(1, instances));
  }
  return best_bytes;
}

// At least 256 MiB and 8x the last-level cache, at most 1 GiB and a quarter of the memory.
std::size_t memory_test_bytes(int cpus, double memory_capacity) {
  std::size_t bytes = std::max<std::size_t>(256 * kMiB, 8 * last_level_cache_bytes(cpus));
  bytes = std::min<std::size_t>(bytes, 1024 * kMiB);
  if (memory_capacity > 0) {
    bytes = std::min(bytes, static_cast<std::size_t>(memory_capacity / 4));
  }
  return std::max<std::size_t>(bytes, 16 * kMiB);
}

double measure_read(int threads, double seconds, std::size_t bytes, const ReadMethod& method) {
  // Slices in whole huge pages when there are enough of them, so first touch places them well.
  const std::size_t count = bytes / sizeof(std::uint64_t);
  const std::size_t granule =
      count / static_cast<std::size_t>(threads) >= 4 * (2 * kMiB / sizeof(std::uint64_t))
          ? 2 * kMiB / sizeof(std::uint64_t)
          : 4096 / sizeof(std::uint64_t);
  auto buffer = allocate_untouched<std::uint64_t>(count);
  std::uint64_t* data = buffer.get();
  const double pass_seconds = best_pass_seconds(
      threads, seconds,
      [&](int t) {
        const Slice s = slice_of(count, granule, threads, t);
        for (std::size_t i = s.begin; i < s.end; ++i) data[i] = i & 0xffff;
      },
      [&](int t) {
        const Slice s = slice_of(count, granule, threads, t);
        return static_cast<double>(method.kernel(data + s.begin, s.end - s.begin));
      });
  return static_cast<double>(count * sizeof(std::uint64_t)) / pass_seconds;
}

double measure_triad(int threads, double seconds, std::size_t bytes, const TriadMethod& method) {
  const std::size_t count = bytes / (3 * sizeof(double));
  const std::size_t granule =
      count / static_cast<std::size_t>(threads) >= 4 * (2 * kMiB / sizeof(double))
          ? 2 * kMiB / sizeof(double)
          : 4096 / sizeof(double);
  auto a_buffer = allocate_untouched<double>(count);
  auto b_buffer = allocate_untouched<double>(count);
  auto c_buffer = allocate_untouched<double>(count);
  double* a = a_buffer.get();
  double* b = b_buffer.get();
  double* c = c_buffer.get();
  const double pass_seconds = best_pass_seconds(
      threads, seconds,
      [&](int t) {
        const Slice s = slice_of(count, granule, threads, t);
        for (std::size_t i = s.begin; i < s.end; ++i) {
          a[i] = 0.0;
          b[i] = 1.0;
          c[i] = 2.0;
        }
      },
      [&](int t) {
        const Slice s = slice_of(count, granule, threads, t);
        method.kernel(a + s.begin, b + s.begin, c + s.begin, 3.0, s.end - s.begin);
        return s.end > s.begin ? a[s.begin] + a[s.end - 1] : 0.0;
      });
  return static_cast<double>(count * 3 * sizeof(double)) / pass_seconds;
}

std::string method_list(auto methods) {
  std::string names;
  for (const auto& method : methods) {
    if (!method.supported()) continue;
    if (!names.empty()) names += ", ";
    names += method.name;
  }
  return names;
}

std::string thread_count_text(int threads) {
  return fmt::format("{} thread{}", threads, threads == 1 ? "" : "s");
}

std::string today_utc() {
  const auto now = std::chrono::system_clock::now();
  const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(now)};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

}  // namespace

HostProbe probe_host(const ProbeOptions& options) {
  if (options.threads < 0) throw InputError("probe: the thread count must be 0 (all) or more");
  if (!(options.seconds_per_measurement > 0) || !std::isfinite(options.seconds_per_measurement)) {
    throw InputError("probe: the time per measurement must be a positive number of seconds");
  }
  auto progress = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };

  HostProbe probe;
  const int cpus = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  probe.threads = options.threads > 0 ? options.threads : cpus;
  probe.cpu_model = parse_cpu_model(read_file("/proc/cpuinfo"));
  probe.memory_capacity = parse_mem_total(read_file("/proc/meminfo"));
  const int threads = probe.threads;
  const double seconds = options.seconds_per_measurement;

  // FP32: every supported method, the budget shared between them; the best counts.
  {
    const auto methods = fp32_methods();
    const auto supported = std::count_if(methods.begin(), methods.end(),
                                         [](const Fp32Method& m) { return m.supported(); });
    progress(fmt::format("measuring FP32 FMA peak on {} ({}) ...", thread_count_text(threads),
                         method_list(methods)));
    Fp32Inputs inputs;
    for (int l = 0; l < kMaxFp32Lanes; ++l) {
      // Stays finite and normal forever: |acc| grows to ~2^24 and then stops changing.
      inputs.mul[l] = 1.0f;
      inputs.add[l] = 1.0f + static_cast<float>(l) / 16.0f;
      inputs.init[l] = static_cast<float>(l);
    }
    for (const Fp32Method& method : methods) {
      if (!method.supported()) continue;
      const double ops_per_iteration = 2.0 * method.lanes * method.chains;
      const double ops =
          ops_per_iteration *
          iterations_per_second(threads, seconds / static_cast<double>(supported),
                                [&](std::uint64_t n) { return method.kernel(n, inputs); });
      if (ops > probe.fp32_fma_ops) {
        probe.fp32_fma_ops = ops;
        probe.fp32_method = std::string(method.name);
      }
    }
  }

  // INT8 dot products, the same way.
  {
    const auto methods = int8_methods();
    const auto supported = std::count_if(methods.begin(), methods.end(),
                                         [](const Int8Method& m) { return m.supported(); });
    progress(fmt::format("measuring INT8 dot-product peak on {} ({}) ...",
                         thread_count_text(threads), method_list(methods)));
    Int8Inputs inputs;
    for (int i = 0; i < 4 * kMaxInt32Lanes; ++i) {
      inputs.a[i] = static_cast<std::uint8_t>(1 + (i * 7) % 50);
      inputs.b[i] = static_cast<std::int8_t>((i * 13) % 41 - 20);
    }
    for (const Int8Method& method : methods) {
      if (!method.supported()) continue;
      const double ops_per_iteration = 2.0 * 4 * method.lanes * method.chains;
      const double ops =
          ops_per_iteration *
          iterations_per_second(
              threads, seconds / static_cast<double>(supported),
              [&](std::uint64_t n) { return static_cast<double>(method.kernel(n, inputs)); });
      if (ops > probe.int8_dot_ops) {
        probe.int8_dot_ops = ops;
        probe.int8_method = std::string(method.name);
      }
    }
  }

  // Memory: the widest supported kernels; half the budget each for read and triad.
  {
    const std::size_t bytes = memory_test_bytes(cpus, probe.memory_capacity);
    const auto reads = read_methods();
    const ReadMethod& read = *std::find_if(reads.begin(), reads.end(),
                                           [](const ReadMethod& m) { return m.supported(); });
    progress(fmt::format("measuring memory read bandwidth on {} ({} MiB, {}) ...",
                         thread_count_text(threads), bytes / kMiB, read.name));
    probe.memory_read_bandwidth = measure_read(threads, seconds / 2, bytes, read);

    const auto triads = triad_methods();
    const TriadMethod& triad = *std::find_if(triads.begin(), triads.end(),
                                             [](const TriadMethod& m) { return m.supported(); });
    progress(fmt::format("measuring memory triad bandwidth on {} ({} MiB, {}) ...",
                         thread_count_text(threads), bytes / kMiB, triad.name));
    probe.memory_triad_bandwidth = measure_triad(threads, seconds / 2, bytes, triad);
  }
  return probe;
}

Platform host_platform(const HostProbe& probe) {
  Platform platform;
  platform.name = "host";
  platform.kind = PlatformKind::Cpu;
  platform.description =
      fmt::format("this machine: {}, {} (measured by qutibench platforms --probe)", probe.cpu_model,
                  thread_count_text(probe.threads));
  platform.source = fmt::format(
      "measured by qutibench {} on {} (FP32 {}, INT8 {}, bandwidth: streaming read; STREAM triad "
      "{:.1f} GB/s)",
      QTB_VERSION, today_utc(), probe.fp32_method, probe.int8_method,
      probe.memory_triad_bandwidth / 1e9);
  platform.memory_bandwidth = probe.memory_read_bandwidth;
  platform.memory_capacity = probe.memory_capacity;
  platform.tdp_w = std::nullopt;
  OpMode mode;
  mode.name = "default";
  mode.peak_ops = {{DataType::FP32, probe.fp32_fma_ops}, {DataType::INT8, probe.int8_dot_ops}};
  platform.op_modes = {mode};
  platform.carriers = {{DataType::INT4, DataType::INT8},
                       {DataType::INT2, DataType::INT8},
                       {DataType::INT1, DataType::INT8},
                       {DataType::FP16, DataType::FP32},
                       {DataType::BF16, DataType::FP32}};
  return platform;
}

}  // namespace qtb
