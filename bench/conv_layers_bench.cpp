// Convolution layers of the zoo's networks, every implementation on the same shape:
//  - the CNV conv layers (topology cnv at prune 1: unpadded 3x3 convs on a 32x32x3 input) at batch
//    1 and 16, and the ResNet-50 3x3 conv of each stage (the first block's branch2b, pad 1) at
//    batch 1, both with 1 and 2 threads;
//  - the bare oneDNN conv primitive (u8s8 -> s32 `onednn_int8`, the ratio baseline, and f32
//    `onednn_fp32`), created directly with dnnl and format_tag::any, no qutibench code;
//  - our backends through the Backend interface on a one-conv graph (compiled outside the timing,
//    CompiledModel::run timed): `qtb_onednn_fp32`, `qtb_onednn_int8`, `qtb_gemmlowp_int8` and
//    `qtb_lowbit_w4a4/w2a2/w1a1`. The one-conv graph reads the network input, which lowering keeps
//    at 8 bits, so the lowbit cases put a 1x1 average pool (stride 1) in front of the conv: it
//    requantizes the input to the precision's activation bits, as the previous layer does inside
//    a network, and its pass is part of the lowbit time (documented in docs/performance.md).
// The INT8 one-conv graph is the last layer of its network, so it keeps int32 accumulators: the
// same u8 x s8 -> s32 computation as the bare primitive. `qtb_onednn_*` against `onednn_*` on the
// same shape is the wrapper overhead (the reporter prints it). Also here: the backend path of the
// dense 2048 x 2048 shape (bare primitive in peer_dense_bench.cpp).
#include <omp.h>

#include <fmt/format.h>
#include <dnnl.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "conv_shapes.hpp"
#include "engine/backend.hpp"
#include "engine/random_weights.hpp"
#include "engine/registry.hpp"

namespace qtb::bench {
namespace {

// Pixels in [0, 1) for the system path's set_input (values do not change the timing).
std::vector<float> pixels(std::int64_t count) {
  std::vector<float> v(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>((i * 37) % 256) / 256.0f;
  return v;
}

// ---- The bare oneDNN conv primitive -----------------------------------------------------------

template <dnnl::memory::data_type Src, dnnl::memory::data_type Wei, dnnl::memory::data_type Dst>
void bare_onednn_conv(benchmark::State& state, ConvLayer layer, std::int64_t batch, int threads) {
  using tag = dnnl::memory::format_tag;
  omp_set_num_threads(threads);
  const Conv2dAttrs& a = layer.attrs;
  const Shape out = layer.output_shape();
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  const dnnl::memory::desc src_any(
      {batch, layer.input.channels, layer.input.height, layer.input.width}, Src, tag::any);
  const dnnl::memory::desc wei_any({a.out_channels, layer.input.channels, a.kernel_h, a.kernel_w},
                                   Wei, tag::any);
  const dnnl::memory::desc dst_any({batch, out.channels, out.height, out.width}, Dst, tag::any);
  const dnnl::convolution_forward::primitive_desc pd(
      dnnl::convolution_forward::desc(
          dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_any, wei_any,
          dst_any, {a.stride_h, a.stride_w}, {a.pad_h, a.pad_w}, {a.pad_h, a.pad_w}),
      engine);
  dnnl::memory src(pd.src_desc(), engine);
  dnnl::memory weights(pd.weights_desc(), engine);
  dnnl::memory dst(pd.dst_desc(), engine);
  if constexpr (Src == dnnl::memory::data_type::f32) {
    auto fill = [](dnnl::memory& m, float step) {
      auto* f = static_cast<float*>(m.get_data_handle());
      const std::size_t n = m.get_desc().get_size() / sizeof(float);
      for (std::size_t i = 0; i < n; ++i) f[i] = static_cast<float>(i % 17) * step - 0.05f;
    };
    fill(src, 0.0625f);
    fill(weights, 0.01f);
  } else {
    auto fill = [](dnnl::memory& m, unsigned mul) {
      auto* b = static_cast<std::uint8_t*>(m.get_data_handle());
      const std::size_t n = m.get_desc().get_size();
      for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * mul) % 251);
    };
    fill(src, 13);
    fill(weights, 7);
  }
  const dnnl::convolution_forward primitive(pd);
  for (auto _ : state) {
    primitive.execute(stream,
                      {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}});
    stream.wait();
  }
  set_gops(state, 2.0 * static_cast<double>(layer.macs() * batch));
  state.SetLabel(pd.impl_info_str());
}

// ---- Our backends on a one-layer graph ----------------------------------------------------------

struct BackendImpl {
  const char* name;       // the case's implementation name
  const char* backend;    // registry name
  const char* precision;  // parse_precision name
  bool prologue;          // 1x1 average pool in front: the conv reads activation-bit levels
};

constexpr BackendImpl kBackendImpls[] = {
    {"qtb_onednn_fp32", "onednn", "FP32", false},     {"qtb_onednn_int8", "onednn", "INT8", false},
    {"qtb_gemmlowp_int8", "gemmlowp", "INT8", false}, {"qtb_lowbit_w4a4", "lowbit", "W4A4", true},
    {"qtb_lowbit_w2a2", "lowbit", "W2A2", true},      {"qtb_lowbit_w1a1", "lowbit", "W1A1", true},
};

// Google Benchmark calls a case's function several times (to size the iteration count): keep the
// last compiled model so that compiling (and lowering's calibration) happens once per case.
struct CompiledCase {
  std::string key;
  std::unique_ptr<CompiledModel> model;
};

CompiledModel& compiled(const std::string& key, const Graph& graph, const BackendImpl& impl,
                        std::int64_t batch, int threads) {
  static CompiledCase cache;
  if (cache.key != key || !cache.model) {
    cache.model.reset();
    CompileOptions options;
    options.threads = threads;
    options.max_batch = batch;
    cache.model =
        make_backend(impl.backend)->compile(graph, parse_precision(impl.precision), options);
    const auto in = graph.shape(0).elements() * batch;
    cache.model->set_input(pixels(in), batch);
    cache.key = key;
  }
  return *cache.model;
}

void run_compiled(benchmark::State& state, CompiledModel& model, std::int64_t batch, double ops) {
  model.run(batch);  // warm-up outside the timing
  for (auto _ : state) model.run(batch);
  set_gops(state, ops);
  state.SetLabel(model.info().method);
}

void backend_conv(benchmark::State& state, ConvLayer layer, BackendImpl impl, std::int64_t batch,
                  int threads) {
  Graph graph("conv " + layer.name);
  int x = graph.input(layer.input);
  if (impl.prologue) x = graph.avg_pool(x, PoolAttrs{1, 1, 0, false}, "requantize");
  graph.conv2d(x, layer.attrs, layer.name);
  fill_random_weights(graph, 1);
  const std::string key = case_name(conv_shape(layer, batch, threads), impl.name);
  CompiledModel& model = compiled(key, graph, impl, batch, threads);
  run_compiled(state, model, batch, 2.0 * static_cast<double>(layer.macs() * batch));
}

void backend_dense(benchmark::State& state, BackendImpl impl, std::int64_t batch, int threads) {
  Graph graph("dense");
  const int x = graph.input(Shape{kDenseDepth, 1, 1});
  graph.dense(graph.flatten(x), DenseAttrs{kDenseRows, false});
  fill_random_weights(graph, 1);
  const std::string key = case_name(dense_shape(batch, threads, WeightSource::Warm), impl.name);
  CompiledModel& model = compiled(key, graph, impl, batch, threads);
  run_compiled(state, model, batch, 2.0 * kDenseRows * kDenseDepth * static_cast<double>(batch));
}

void register_conv(const ConvLayer& layer, std::int64_t batch, int threads) {
  using dt = dnnl::memory::data_type;
  const std::string shape = conv_shape(layer, batch, threads);
  benchmark::RegisterBenchmark(case_name(shape, "onednn_fp32").c_str(),
                               bare_onednn_conv<dt::f32, dt::f32, dt::f32>, layer, batch, threads)
      ->UseRealTime();
  benchmark::RegisterBenchmark(case_name(shape, kBaseline).c_str(),
                               bare_onednn_conv<dt::u8, dt::s8, dt::s32>, layer, batch, threads)
      ->UseRealTime();
  for (const BackendImpl& impl : kBackendImpls) {
    benchmark::RegisterBenchmark(case_name(shape, impl.name).c_str(), backend_conv, layer, impl,
                                 batch, threads)
        ->UseRealTime();
  }
}

void register_cases() {
  for (int threads : {1, 2}) {
    for (std::int64_t batch : {1, 16}) {
      for (const ConvLayer& layer : cnv_conv_layers()) register_conv(layer, batch, threads);
    }
    for (const ConvLayer& layer : resnet50_3x3_conv_layers()) register_conv(layer, 1, threads);
    for (std::int64_t batch : {1, 16, 256}) {
      const std::string shape = dense_shape(batch, threads, WeightSource::Warm);
      for (const BackendImpl& impl : kBackendImpls) {
        if (std::string(impl.backend) != "onednn") continue;
        benchmark::RegisterBenchmark(case_name(shape, impl.name).c_str(), backend_dense, impl,
                                     batch, threads)
            ->UseRealTime();
      }
    }
  }
}

const bool registered = (register_cases(), true);

}  // namespace
}  // namespace qtb::bench
