// Synaptic pruning, CSR kernels and the thread pool against hand values and naive loops.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <atomic>

#include "core/error.hpp"
#include "core/thread_pool.hpp"
#include "engine/random_weights.hpp"
#include "engine/reference/reference_backend.hpp"
#include "engine/sparse/csr_matrix.hpp"
#include "engine/sparse/sparse_backend.hpp"
#include "graph/synaptic_pruning.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

TEST(ThreadPool, CoversEveryIndexOnce) {
  for (int threads : {1, 2, 3}) {
    ThreadPool pool(threads);
    for (std::int64_t count : {0, 1, 5, 16, 17, 1000}) {
      for (std::int64_t grain : {1, 4, 16}) {
        std::vector<std::atomic<int>> hits(static_cast<std::size_t>(count));
        pool.parallel_for(count, grain, [&](std::int64_t begin, std::int64_t end) {
          EXPECT_TRUE(begin % grain == 0) << begin;
          for (std::int64_t i = begin; i < end; ++i) ++hits[static_cast<std::size_t>(i)];
        });
        for (std::int64_t i = 0; i < count; ++i) {
          ASSERT_EQ(hits[static_cast<std::size_t>(i)], 1) << threads << " " << count << " " << i;
        }
      }
    }
  }
}

TEST(SynapticPruning, ZeroesTheSmallestMagnitudesPerLayer) {
  Graph g("tiny");
  const int x = g.flatten(g.input(Shape{4, 1, 1}));
  const int fc = g.dense(x, DenseAttrs{2, false});
  g.set_weights(fc, {0.1f, -0.5f, 0.2f, 0.05f, -3.0f, 0.0f, 1.0f, -0.2f});
  // round(0.5 * 8) = 4 smallest magnitudes: 0 (already zero), 0.05, 0.1, and of the tied 0.2
  // and -0.2 the one at the lower position.
  const SparsityReport report = prune_synapses(g, 0.5);
  EXPECT_EQ(g.node(fc).weights,
            (std::vector<float>{0.0f, -0.5f, 0.0f, 0.0f, -3.0f, 0.0f, 1.0f, -0.2f}));
  EXPECT_EQ(report.weights, 8);
  EXPECT_EQ(report.zeros, 4);
  EXPECT_THROW(prune_synapses(g, 1.0), InputError);
  EXPECT_THROW(prune_synapses(g, -0.1), InputError);
}

TEST(SynapticPruning, ReachesTheTargetOnTheMlp) {
  Graph mlp = build_topology("mlp", 0.25);
  fill_random_weights(mlp, 3);
  EXPECT_NEAR(prune_synapses(mlp, 0.75).sparsity(), 0.75, 1e-3);
  Graph bare = build_topology("mlp", 0.25);
  EXPECT_THROW(prune_synapses(bare, 0.5), InputError);
}

template <typename Value, typename Act>
void check_spmm(std::int64_t rows, std::int64_t cols, std::int64_t batch, int threads) {
  std::vector<Value> dense(static_cast<std::size_t>(rows * cols));
  std::uint64_t state = static_cast<std::uint64_t>(rows * 131 + cols * 7 + batch);
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<int>(state >> 58);  // 0..63
  };
  for (auto& v : dense) {
    const int r = next();
    v = r < 40 ? Value{0} : static_cast<Value>(r - 52);  // ~60 % zeros, values -12..11
  }
  std::vector<Act> x(static_cast<std::size_t>(cols * batch));
  for (auto& v : x) v = static_cast<Act>(next() - 20);
  std::vector<Act> expected(static_cast<std::size_t>(rows * batch), Act{0});
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t n = 0; n < batch; ++n) {
      Act sum{0};
      for (std::int64_t c = 0; c < cols; ++c) {
        sum += static_cast<Act>(dense[static_cast<std::size_t>(r * cols + c)]) *
               x[static_cast<std::size_t>(c * batch + n)];
      }
      expected[static_cast<std::size_t>(r * batch + n)] = sum;
    }
  }
  const auto csr = to_csr(std::span<const Value>(dense), rows, cols);
  std::vector<Act> out(expected.size());
  ThreadPool pool(threads);
  spmm(csr, std::span<const Act>(x), std::span<Act>(out), batch, pool);
  EXPECT_EQ(out, expected) << rows << "x" << cols << " batch " << batch;  // small integers: exact
}

TEST(Csr, SpmmMatchesDenseLoopsOnOddShapes) {
  for (auto [rows, cols] :
       std::vector<std::pair<std::int64_t, std::int64_t>>{{1, 1}, {7, 13}, {17, 65}, {130, 63}}) {
    for (std::int64_t batch : {1, 3, 17}) {
      for (int threads : {1, 2}) {
        check_spmm<float, float>(rows, cols, batch, threads);
        check_spmm<std::int8_t, std::int32_t>(rows, cols, batch, threads);
      }
    }
  }
}

TEST(Csr, StoresOnlyNonZerosWithSixteenBitColumns) {
  const std::vector<float> dense = {0, 2, 0, 0, 0, 0, 3, 4};
  const auto csr = to_csr(std::span<const float>(dense), 2, 4);
  EXPECT_EQ(csr.row_start, (std::vector<std::int32_t>{0, 1, 3}));
  EXPECT_EQ(csr.col, (std::vector<std::uint16_t>{1, 2, 3}));
  EXPECT_EQ(csr.values, (std::vector<float>{2, 3, 4}));
  EXPECT_EQ(csr.bytes(), 3 * 4 + 3 * 2 + 3 * 4);
}

}  // namespace
}  // namespace qtb

namespace qtb {
namespace {

// The sparse backend against the reference on a synaptically pruned MLP: INT8 accumulators
// bit-exactly, FP32 logits within 1e-4 of the largest (batchnorm is folded into the weights).
TEST(SparseBackend, MatchesReferenceOnAPrunedMlp) {
  Graph mlp = build_topology("mlp", 0.25);
  fill_random_weights(mlp, 5);
  prune_synapses(mlp, 0.75);
  const auto reference = make_reference_backend();
  const auto sparse = make_sparse_backend();
  for (const Precision& precision :
       {Precision::uniform(DataType::FP32), Precision::uniform(DataType::INT8)}) {
    for (std::int64_t batch : {1, 3, 17}) {
      std::vector<float> input(static_cast<std::size_t>(batch * 784));
      for (std::size_t i = 0; i < input.size(); ++i)
        input[i] = static_cast<float>((i * 37) % 101) / 100.0f;
      CompileOptions one;
      one.max_batch = batch;
      auto want = reference->compile(mlp, precision, one);
      want->set_input(input, batch);
      want->run(batch);
      for (int threads : {1, 2}) {
        CompileOptions options = one;
        options.threads = threads;
        auto got = sparse->compile(mlp, precision, options);
        got->set_input(input, batch);
        got->run(batch);
        SCOPED_TRACE(fmt::format("{} batch {} threads {}", precision.name(), batch, threads));
        std::vector<float> a(static_cast<std::size_t>(batch * 10)), b(a.size());
        got->get_output(a, batch);
        want->get_output(b, batch);
        if (precision.weights == DataType::INT8) {
          std::vector<std::int32_t> acc_a(a.size()), acc_b(a.size());
          got->get_output_accumulators(acc_a, batch);
          want->get_output_accumulators(acc_b, batch);
          EXPECT_EQ(acc_a, acc_b);
        }
        float largest = 0;
        for (float v : b) largest = std::max(largest, std::abs(v));
        for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-4f * largest) << i;
      }
      EXPECT_NE(
          sparse->compile(mlp, precision, one)->info().notes.find("75.0% of weights are zero"),
          std::string::npos);
    }
  }
  Graph cnv = build_topology("cnv", 0.125);
  fill_random_weights(cnv, 5);
  EXPECT_THROW(sparse->compile(cnv, Precision::uniform(DataType::FP32), {}), UnsupportedError);
}

}  // namespace
}  // namespace qtb
