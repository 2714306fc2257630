// The peers every qutibench kernel is compared against, as bare library calls (no qutibench
// wrapper): oneDNN FP32 and u8s8 inner products and gemmlowp's uint8 GEMM on the dense
// shape, 2048 x 2048 at batch 1, 16 and 256, with 1 and 2 threads; batch 1 with warm and
// DRAM-streamed weights.
#include <omp.h>

#include <fmt/format.h>
#include <dnnl.hpp>
#include <vector>

#include "bench_support.hpp"
#include "public/gemmlowp.h"

namespace qtb::bench {
namespace {

constexpr std::int64_t kRows = 2048;   // output features (M)
constexpr std::int64_t kDepth = 2048;  // input features (K)

std::string dense_shape(std::int64_t batch, int threads, WeightSource source) {
  return fmt::format("dense {}x{} N={:<3} t={} {}", kRows, kDepth, batch, threads,
                     to_string(source));
}

// One oneDNN inner product with `copies` weight buffers in the primitive's preferred layout.
template <dnnl::memory::data_type Src, dnnl::memory::data_type Wei, dnnl::memory::data_type Dst>
void onednn_dense(benchmark::State& state, std::int64_t batch, int threads, WeightSource source) {
  using tag = dnnl::memory::format_tag;
  omp_set_num_threads(threads);
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  const dnnl::memory::desc src_any({batch, kDepth}, Src, tag::any);
  const dnnl::memory::desc wei_any({kRows, kDepth}, Wei, tag::any);
  const dnnl::memory::desc dst_md({batch, kRows}, Dst, tag::nc);
  const dnnl::inner_product_forward::primitive_desc pd(
      dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_inference, src_any, wei_any,
                                        dst_md),
      engine);
  dnnl::memory src(pd.src_desc(), engine);
  dnnl::memory dst(pd.dst_desc(), engine);
  const std::size_t weight_bytes = pd.weights_desc().get_size();
  const std::size_t copies = source == WeightSource::Warm ? 1 : copies_for_dram(weight_bytes);
  std::vector<dnnl::memory> weights;
  for (std::size_t i = 0; i < copies; ++i) {
    weights.emplace_back(pd.weights_desc(), engine);
    auto* bytes = static_cast<std::uint8_t*>(weights.back().get_data_handle());
    for (std::size_t b = 0; b < weight_bytes; ++b) bytes[b] = static_cast<std::uint8_t>(b * 7 + i);
  }
  auto* src_bytes = static_cast<std::uint8_t*>(src.get_data_handle());
  for (std::size_t b = 0; b < pd.src_desc().get_size(); ++b)
    src_bytes[b] = static_cast<std::uint8_t>(b % 13);
  const dnnl::inner_product_forward primitive(pd);
  std::size_t next = 0;
  for (auto _ : state) {
    primitive.execute(
        stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights[next]}, {DNNL_ARG_DST, dst}});
    stream.wait();
    next = (next + 1) % copies;
  }
  set_gops(state, 2.0 * static_cast<double>(kRows * kDepth * batch));
  state.SetLabel(pd.impl_info_str());
}

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

void register_peers() {
  using dt = dnnl::memory::data_type;
  for (std::int64_t batch : {1, 16, 256}) {
    for (int threads : {1, 2}) {
      for (WeightSource source : {WeightSource::Warm, WeightSource::Dram}) {
        if (batch > 1 && source == WeightSource::Dram) continue;  // only batch 1 is memory bound
        const std::string shape = dense_shape(batch, threads, source);
        benchmark::RegisterBenchmark(case_name(shape, "onednn_fp32").c_str(),
                                     onednn_dense<dt::f32, dt::f32, dt::f32>, batch, threads,
                                     source)
            ->UseRealTime();
        benchmark::RegisterBenchmark(case_name(shape, kBaseline).c_str(),
                                     onednn_dense<dt::u8, dt::s8, dt::s32>, batch, threads, source)
            ->UseRealTime();
        benchmark::RegisterBenchmark(case_name(shape, "gemmlowp_int8").c_str(), gemmlowp_dense,
                                     batch, threads, source)
            ->UseRealTime();
      }
    }
  }
}

const bool registered = (register_peers(), true);

}  // namespace
}  // namespace qtb::bench
