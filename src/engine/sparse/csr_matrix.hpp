#pragma once
// Compressed sparse rows for the dense layers of synaptically pruned networks. Column indices are
// 16-bit: index bytes are what irregular sparsity costs, so they are kept as small as possible.
#include <cstdint>
#include <span>
#include <vector>

#include "core/thread_pool.hpp"

namespace qtb {

template <typename Value>
struct CsrMatrix {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<std::int32_t> row_start;  // rows + 1 offsets into cols_/values
  std::vector<std::uint16_t> col;
  std::vector<Value> values;

  std::int64_t nonzeros() const { return static_cast<std::int64_t>(values.size()); }
  std::int64_t bytes() const {
    return static_cast<std::int64_t>(row_start.size() * sizeof(std::int32_t) +
                                     col.size() * sizeof(std::uint16_t) +
                                     values.size() * sizeof(Value));
  }
};

// From a row-major dense matrix, keeping the non-zero entries. Throws UnsupportedError when cols
// exceeds 65536 (16-bit column indices).
CsrMatrix<float> to_csr(std::span<const float> dense, std::int64_t rows, std::int64_t cols);
CsrMatrix<std::int8_t> to_csr(std::span<const std::int8_t> dense, std::int64_t rows,
                              std::int64_t cols);

// Sparse x dense with feature-major activations: x is cols x batch, out is rows x batch,
// out[r][n] = sum over the row's entries of value * x[col][n]. Rows are split across the pool.
void spmm(const CsrMatrix<float>& w, std::span<const float> x, std::span<float> out,
          std::int64_t batch, ThreadPool& pool);
void spmm(const CsrMatrix<std::int8_t>& w, std::span<const std::int32_t> x,
          std::span<std::int32_t> out, std::int64_t batch, ThreadPool& pool);

}  // namespace qtb
