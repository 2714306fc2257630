// The peers every qutibench kernel is compared against, as bare library calls (no qutibench
// wrapper): oneDNN FP32 and u8s8 inner products (gemmlowp: peer_gemmlowp_bench.cpp) on the dense
// shape, 2048 x 2048 at batch 1, 16 and 256, with 1 and 2 threads; batch 1 with warm and
// DRAM-streamed weights.
#include <omp.h>

#include <fmt/format.h>
#include <dnnl.hpp>
#include <vector>

#include "bench_support.hpp"

namespace qtb::bench {
namespace {

constexpr std::int64_t kRows = kDenseRows;
constexpr std::int64_t kDepth = kDenseDepth;

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
      }
    }
  }
}

const bool registered = (register_peers(), true);

}  // namespace
}  // namespace qtb::bench
