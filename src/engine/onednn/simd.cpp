#include "engine/onednn/simd.hpp"

namespace qtb::onednn {

bool has_avx512_kernels() {
#if defined(__x86_64__)
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  return yes;
#else
  return false;
#endif
}

bool has_avx512_vbmi_kernels() {
#if defined(__x86_64__)
  static const bool yes = has_avx512_kernels() && __builtin_cpu_supports("avx512vbmi");
  return yes;
#else
  return false;
#endif
}

}  // namespace qtb::onednn
