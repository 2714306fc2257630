#include "engine/gemmlowp/gemm.hpp"

#include <tuple>

#include "public/gemmlowp.h"

namespace qtb::gemmlowp_backend {

struct Gemm::Context {
  gemmlowp::GemmContext gemm;
};

Gemm::Gemm(int threads) : context_(std::make_unique<Context>()), threads_(threads) {
  context_->gemm.set_max_num_threads(threads);
}

Gemm::~Gemm() = default;

void Gemm::multiply(int m, int n, int k, const U8Operand& lhs, const U8Operand& rhs,
                    std::int32_t* result, int result_stride) {
  if (m <= 0 || n <= 0 || k <= 0) return;
  const gemmlowp::MatrixMap<const std::uint8_t, gemmlowp::MapOrder::RowMajor> lhs_map(
      lhs.data, m, k, lhs.stride);
  const gemmlowp::MatrixMap<const std::uint8_t, gemmlowp::MapOrder::ColMajor> rhs_map(
      rhs.data, k, n, rhs.stride);
  gemmlowp::MatrixMap<std::int32_t, gemmlowp::MapOrder::ColMajor> result_map(result, m, n,
                                                                             result_stride);
  // An empty output pipeline leaves the raw int32 accumulators; the caller requantizes.
  gemmlowp::GemmWithOutputPipeline<std::uint8_t, std::int32_t, gemmlowp::DefaultL8R8BitDepthParams>(
      &context_->gemm, lhs_map, rhs_map, &result_map, lhs.offset, rhs.offset, std::tuple<>());
}

bool cpu_supports_gemm_kernels() {
#if defined(__AVX2__)
  return __builtin_cpu_supports("avx2") != 0;
#else
  return true;
#endif
}

}  // namespace qtb::gemmlowp_backend
