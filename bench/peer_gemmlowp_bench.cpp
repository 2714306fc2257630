// gemmlowp's uint8 GEMM with int32 output as a bare library call, on the same dense cases as the
// oneDNN peers. Its own file because gemmlowp picks SIMD at compile time: only this file is built
// with -mavx2 (see CMakeLists.txt).
#include <vector>

#include "bench_support.hpp"
#include "public/gemmlowp.h"

namespace qtb::bench {
namespace {

constexpr std::int64_t kRows = kDenseRows;
constexpr std::int64_t kDepth = kDenseDepth;

// gemmlowp's uint8 GEMM with int32 output (the form the gemmlowp backend uses).
void gemmlowp_dense(benchmark::State& state, std::int64_t batch, int threads, WeightSource source) {
  using gemmlowp::MapOrder;
  const std::size_t weight_bytes = static_cast<std::size_t>(kRows * kDepth);
  const std::size_t copies = source == WeightSource::Warm ? 1 : copies_for_dram(weight_bytes);
  std::vector<std::vector<std::uint8_t>> weights(copies, std::vector<std::uint8_t>(weight_bytes));
  for (std::size_t i = 0; i < copies; ++i) {
    for (std::size_t b = 0; b < weight_bytes; ++b)
      weights[i][b] = static_cast<std::uint8_t>(b * 7 + i);
  }
  std::vector<std::uint8_t> input(static_cast<std::size_t>(kDepth * batch), 3);
  std::vector<std::int32_t> output(static_cast<std::size_t>(kRows * batch));
  gemmlowp::GemmContext context;
  context.set_max_num_threads(threads);
  const std::tuple<> empty_pipeline;
  std::size_t next = 0;
  for (auto _ : state) {
    const int rows = static_cast<int>(kRows);
    const int depth = static_cast<int>(kDepth);
    const int columns = static_cast<int>(batch);
    const gemmlowp::MatrixMap<const std::uint8_t, MapOrder::RowMajor> lhs(weights[next].data(),
                                                                          rows, depth);
    const gemmlowp::MatrixMap<const std::uint8_t, MapOrder::ColMajor> rhs(input.data(), depth,
                                                                          columns);
    gemmlowp::MatrixMap<std::int32_t, MapOrder::ColMajor> result(output.data(), rows, columns);
    gemmlowp::GemmWithOutputPipeline<std::uint8_t, std::int32_t,
                                     gemmlowp::DefaultL8R8BitDepthParams>(
        &context, lhs, rhs, &result, -128, -128, empty_pipeline);
    benchmark::DoNotOptimize(output.data());
    next = (next + 1) % copies;
  }
  set_gops(state, 2.0 * static_cast<double>(kRows * kDepth * batch));
}

void register_gemmlowp() {
  for (std::int64_t batch : {1, 16, 256}) {
    for (int threads : {1, 2}) {
      for (WeightSource source : {WeightSource::Warm, WeightSource::Dram}) {
        if (batch > 1 && source == WeightSource::Dram) continue;
        benchmark::RegisterBenchmark(
            case_name(dense_shape(batch, threads, source), "gemmlowp_int8").c_str(), gemmlowp_dense,
            batch, threads, source)
            ->UseRealTime();
      }
    }
  }
}

const bool registered = (register_gemmlowp(), true);

}  // namespace
}  // namespace qtb::bench
