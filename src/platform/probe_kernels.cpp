// The measured kernels of the host probe, one per instruction set, and their method tables
// (declared in probe_kernels.hpp). The library is built for baseline x86-64, so the wider kernels
// are enabled per function with target attributes and only run where `supported()` says so.
#include "platform/probe_kernels.hpp"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
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

namespace qtb::probe_detail {
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

}  // namespace qtb::probe_detail
