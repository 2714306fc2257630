#pragma once
// The one place that calls gemmlowp (gemm.cpp is the only file including its headers, so the rest
// of the backend does not depend on gemmlowp's compile-time SIMD choice).
//
// gemmlowp multiplies uint8 matrices after adding a constant to every entry of each operand
// (doc/public.md: "lhs_offset, rhs_offset are constants added to each matrix entry"):
//   result(i, j) = sum_k (lhs(i, k) + lhs_offset) * (rhs(k, j) + rhs_offset)
// accumulated exactly in int32 (DefaultL8R8BitDepthParams, no output stages). A signed level v in
// -128..127 is carried as the byte v + 128 with offset -128; an unsigned level 0..255 as itself
// with offset 0.
#include <cstdint>
#include <memory>

namespace qtb::gemmlowp_backend {

// A uint8 operand: `data` with `stride` bytes between consecutive rows (lhs) or columns (rhs);
// `offset` is added to every entry before multiplying.
struct U8Operand {
  const std::uint8_t* data = nullptr;
  int stride = 0;
  int offset = 0;
};

// One gemmlowp context (its worker threads and scratch memory); not safe for concurrent use.
class Gemm {
 public:
  explicit Gemm(int threads);
  ~Gemm();
  Gemm(const Gemm&) = delete;
  Gemm& operator=(const Gemm&) = delete;

  int threads() const { return threads_; }

  // result = lhs * rhs for lhs m x k row-major, rhs k x n column-major and result m x n
  // column-major: column j of the result starts at result + j * result_stride (int32 elements).
  void multiply(int m, int n, int k, const U8Operand& lhs, const U8Operand& rhs,
                std::int32_t* result, int result_stride);

 private:
  struct Context;
  std::unique_ptr<Context> context_;
  int threads_;
};

// True when this CPU runs the AVX2 kernels gemm.cpp was compiled for.
bool cpu_supports_gemm_kernels();

}  // namespace qtb::gemmlowp_backend
