#pragma once
// The AVX-512 subset our INT8 kernels use (F, BW, DQ, VL): functions built for it carry
// QTB_AVX512_TARGET (the library itself is compiled for baseline x86-64) and are called only when
// has_avx512_kernels() says the CPU has it.
#if defined(__x86_64__)
#define QTB_AVX512_TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
// The same plus VBMI (byte permutes: Ice Lake, Zen 4 and later).
#define QTB_AVX512_VBMI_TARGET \
  __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vbmi")))
#endif

namespace qtb::onednn {

bool has_avx512_kernels();
// has_avx512_kernels() and AVX-512 VBMI.
bool has_avx512_vbmi_kernels();

}  // namespace qtb::onednn
