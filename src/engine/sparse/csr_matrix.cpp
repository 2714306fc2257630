#include "engine/sparse/csr_matrix.hpp"

#include <fmt/format.h>

#include "engine/backend.hpp"

namespace qtb {
namespace {

template <typename Value>
CsrMatrix<Value> build(std::span<const Value> dense, std::int64_t rows, std::int64_t cols) {
  if (cols > 65536) {
    throw UnsupportedError(fmt::format("sparse layers support at most 65536 inputs, got {}", cols));
  }
  CsrMatrix<Value> m;
  m.rows = rows;
  m.cols = cols;
  m.row_start.reserve(static_cast<std::size_t>(rows + 1));
  m.row_start.push_back(0);
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      const Value v = dense[static_cast<std::size_t>(r * cols + c)];
      if (v == Value{0}) continue;
      m.col.push_back(static_cast<std::uint16_t>(c));
      m.values.push_back(v);
    }
    m.row_start.push_back(static_cast<std::int32_t>(m.values.size()));
  }
  return m;
}

// The loop over the batch is innermost and contiguous, so it vectorises for batch >= 8; at
// batch 1 each entry is one gathered multiply-add and the cost is streaming the matrix.
template <typename Value, typename Act>
void multiply(const CsrMatrix<Value>& w, std::span<const Act> x, std::span<Act> out,
              std::int64_t batch, ThreadPool& pool) {
  pool.parallel_for(w.rows, 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
      Act* acc = out.data() + r * batch;
      for (std::int64_t n = 0; n < batch; ++n) acc[n] = Act{0};
      for (std::int32_t j = w.row_start[static_cast<std::size_t>(r)];
           j < w.row_start[static_cast<std::size_t>(r + 1)]; ++j) {
        const Act value = static_cast<Act>(w.values[static_cast<std::size_t>(j)]);
        const Act* column =
            x.data() + static_cast<std::int64_t>(w.col[static_cast<std::size_t>(j)]) * batch;
        for (std::int64_t n = 0; n < batch; ++n) acc[n] += value * column[n];
      }
    }
  });
}

}  // namespace

CsrMatrix<float> to_csr(std::span<const float> dense, std::int64_t rows, std::int64_t cols) {
  return build(dense, rows, cols);
}

CsrMatrix<std::int8_t> to_csr(std::span<const std::int8_t> dense, std::int64_t rows,
                              std::int64_t cols) {
  return build(dense, rows, cols);
}

void spmm(const CsrMatrix<float>& w, std::span<const float> x, std::span<float> out,
          std::int64_t batch, ThreadPool& pool) {
  multiply(w, x, out, batch, pool);
}

void spmm(const CsrMatrix<std::int8_t>& w, std::span<const std::int32_t> x,
          std::span<std::int32_t> out, std::int64_t batch, ThreadPool& pool) {
  multiply(w, x, out, batch, pool);
}

}  // namespace qtb
