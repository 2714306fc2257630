#pragma once
// Single-precision GEMM for the trainer: oneDNN's dnnl_sgemm (row-major, threads from the calling
// thread's OpenMP setting, see onednn::ThreadScope). oneDNN splits the work by the thread count
// only, so a fixed thread count gives bit-identical results run to run.
#include <cstdint>

namespace qtb::train_detail {

// C[m x n] = alpha * op(A) * op(B) + beta * C, row-major; op(X) = X^T when trans_x.
void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k, float alpha,
          const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
          std::int64_t ldc);

}  // namespace qtb::train_detail
