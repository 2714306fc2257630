// The reference backend: outputs computed by hand or by a direct double-precision convolution
// written in this file, 16-bit storage formats, batching, odd shapes and refusals.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "engine/random_weights.hpp"
#include "engine/reference/float_format.hpp"
#include "engine/reference/integer_executor.hpp"
#include "engine/reference/reference_backend.hpp"
#include "graph/batch_norm.hpp"
#include "lowering/calibration.hpp"
#include "lowering/lower.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

const Precision kFp32 = Precision::uniform(DataType::FP32);
const Precision kFp16 = Precision::uniform(DataType::FP16);
const Precision kBf16 = Precision::uniform(DataType::BF16);
const Precision kInt8 = Precision::uniform(DataType::INT8);

Conv2dAttrs conv(std::int64_t out, int kernel, int pad, bool bias = false,
                 std::int64_t groups = 1) {
  Conv2dAttrs a;
  a.out_channels = out;
  a.kernel_h = a.kernel_w = kernel;
  a.pad_h = a.pad_w = pad;
  a.bias = bias;
  a.groups = groups;
  return a;
}

std::vector<float> run(const Graph& graph, const Precision& precision,
                       const std::vector<float>& inputs, std::int64_t batch,
                       std::int64_t max_batch = 0) {
  auto model = make_reference_backend()->compile(
      graph, precision, CompileOptions{1, max_batch > 0 ? max_batch : batch});
  model->set_input(inputs, batch);
  model->run(batch);
  std::vector<float> out(static_cast<std::size_t>(model->info().output.elements() * batch));
  model->get_output(out, batch);
  return out;
}

float max_abs(const std::vector<float>& v) {
  float m = 0.0f;
  for (float x : v) m = std::max(m, std::fabs(x));
  return m;
}

float max_abs_difference(const std::vector<float>& a, const std::vector<float>& b) {
  float m = 0.0f;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

// Convolution straight from its definition, in double, on an explicitly zero-padded copy of the
// input (a different formulation from the backend's bounds checks).
std::vector<double> direct_conv(const std::vector<double>& in, const Shape& s,
                                const std::vector<float>& w, const std::vector<float>& bias,
                                const Conv2dAttrs& a, Shape& out_shape) {
  const std::int64_t ph = s.height + 2 * a.pad_h, pw = s.width + 2 * a.pad_w;
  std::vector<double> padded(static_cast<std::size_t>(s.channels * ph * pw), 0.0);
  for (std::int64_t c = 0; c < s.channels; ++c)
    for (std::int64_t y = 0; y < s.height; ++y)
      for (std::int64_t x = 0; x < s.width; ++x)
        padded[static_cast<std::size_t>((c * ph + y + a.pad_h) * pw + x + a.pad_w)] =
            in[static_cast<std::size_t>((c * s.height + y) * s.width + x)];
  out_shape =
      Shape{a.out_channels, (ph - a.kernel_h) / a.stride_h + 1, (pw - a.kernel_w) / a.stride_w + 1};
  const std::int64_t cin = s.channels / a.groups, cout = a.out_channels / a.groups;
  std::vector<double> out;
  for (std::int64_t o = 0; o < a.out_channels; ++o)
    for (std::int64_t y = 0; y < out_shape.height; ++y)
      for (std::int64_t x = 0; x < out_shape.width; ++x) {
        double sum = bias.empty() ? 0.0 : bias[static_cast<std::size_t>(o)];
        for (std::int64_t i = 0; i < cin; ++i)
          for (int ky = 0; ky < a.kernel_h; ++ky)
            for (int kx = 0; kx < a.kernel_w; ++kx) {
              const std::int64_t c = (o / cout) * cin + i;
              sum +=
                  w[static_cast<std::size_t>(((o * cin + i) * a.kernel_h + ky) * a.kernel_w + kx)] *
                  padded[static_cast<std::size_t>((c * ph + y * a.stride_h + ky) * pw +
                                                  x * a.stride_w + kx)];
            }
        out.push_back(sum);
      }
  return out;
}

TEST(ReferenceBackend, HandComputedConvReluPoolDense) {
  Graph g("hand");
  int x = g.input(Shape{1, 3, 3});
  Conv2dAttrs c = conv(2, 2, 0, true);
  const int cv = g.conv2d(x, c, "conv");
  x = g.max_pool(g.activation(cv, ActivationKind::ReLU), PoolAttrs{2, 2, 0, false});
  const int fc = g.dense(g.flatten(x), DenseAttrs{2, true}, "fc");
  g.softmax(fc);
  g.set_weights(cv, {1, 0, 0, 1, /**/ 0, 1, 1, 1}, {0, -25});
  g.set_weights(fc, {1, -1, 0.5f, 2}, {0.25f, -1});
  // Input 1..9. Channel 0 = x[i][j] + x[i+1][j+1]: 6, 8, 12, 14 -> max 14. Channel 1 =
  // x[i][j+1] + x[i+1][j] + x[i+1][j+1] - 25: -14, -11, -5, -2 -> ReLU 0 -> max 0.
  // Logits: 14 - 0 + 0.25 = 14.25 and 0.5 * 14 + 2 * 0 - 1 = 6 (the softmax is not applied).
  // The second input is all zeros: channel 0 = 0, channel 1 = ReLU(-25) = 0: logits 0.25, -1.
  std::vector<float> input = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  input.resize(18, 0.0f);
  EXPECT_EQ(run(g, kFp32, input, 2), (std::vector<float>{14.25f, 6.0f, 0.25f, -1.0f}));
}

TEST(ReferenceBackend, AvgPoolCountsPaddingMaxPoolIgnoresIt) {
  for (const bool average : {true, false}) {
    Graph g("pool");
    const int x = g.input(Shape{1, 2, 2});
    const PoolAttrs p{2, 2, 1, false};  // 2x2 output: each window holds one input element
    const int pooled = average ? g.avg_pool(x, p) : g.max_pool(x, p);
    const int fc = g.dense(g.flatten(pooled), DenseAttrs{1, false});
    g.set_weights(fc, {1, 10, 100, 1000});
    if (average) {
      // Each window sums one element and divides by the kernel area 4: 0.25, 0.5, 0.75, 1.
      EXPECT_EQ(run(g, kFp32, {1, 2, 3, 4}, 1), std::vector<float>{0.25f + 5 + 75 + 1000});
    } else {
      // Padding is not a zero candidate: the maxima stay negative.
      EXPECT_EQ(run(g, kFp32, {-1, -2, -3, -4}, 1), std::vector<float>{-1 - 20 - 300 - 4000});
    }
  }
}

TEST(ReferenceBackendFloatFormat, RoundingByHand) {
  // BF16 keeps 8 significant bits: ulp(1) = 2^-7.
  EXPECT_EQ(round_to_bf16(1.0f + 0x1.0p-8f), 1.0f);                  // tie -> even
  EXPECT_EQ(round_to_bf16(1.0f + 3 * 0x1.0p-8f), 1.0f + 0x1.0p-6f);  // tie -> even (up)
  EXPECT_EQ(round_to_bf16(1.0f + 0x1.0p-8f + 0x1.0p-20f), 1.0f + 0x1.0p-7f);
  EXPECT_EQ(round_to_bf16(-3.0f), -3.0f);
  EXPECT_TRUE(std::isinf(round_to_bf16(3.4e38f)));
  EXPECT_TRUE(std::isnan(round_to_bf16(NAN)));
  // FP16 keeps 11 significant bits: ulp(1) = 2^-10; subnormal quantum 2^-24; max 65504.
  EXPECT_EQ(round_to_fp16(1.0f + 0x1.0p-11f), 1.0f);
  EXPECT_EQ(round_to_fp16(1.0f + 3 * 0x1.0p-11f), 1.0f + 0x1.0p-9f);
  EXPECT_EQ(round_to_fp16(0.1f), 0.0999755859375f);
  EXPECT_EQ(round_to_fp16(65519.0f), 65504.0f);
  EXPECT_TRUE(std::isinf(round_to_fp16(65520.0f)));
  EXPECT_EQ(round_to_fp16(0x1.0p-25f), 0.0f);  // tie between 0 and 2^-24 -> 0
  EXPECT_EQ(round_to_fp16(3 * 0x1.0p-25f), 0x1.0p-23f);
  EXPECT_EQ(round_to_fp16(-0x1.8p-20f), -0x1.8p-20f);  // subnormal, exact
  EXPECT_EQ(round_to(FloatFormat::FP32, 0.1f), 0.1f);
#if defined(__FLT16_MAX__)
  // Against the compiler's conversion over many bit patterns (all exponents).
  std::uint32_t state = 12345;
  for (int i = 0; i < 200000; ++i) {
    state = state * 1664525u + 1013904223u;
    const float x = std::bit_cast<float>(state);
    if (std::isnan(x)) continue;
    const float expected = static_cast<float>(static_cast<_Float16>(x));
    ASSERT_EQ(std::bit_cast<std::uint32_t>(round_to_fp16(x)),
              std::bit_cast<std::uint32_t>(expected))
        << x;
  }
#endif
}

TEST(ReferenceBackend, HalfPrecisionsStayCloseToFp32) {
  Graph g = build_topology("cnv", 0.125);
  fill_random_weights(g, 4);
  const auto inputs = calibration_inputs(g.shape(0), 4, 9);
  const auto fp32 = run(g, kFp32, inputs, 4);
  const auto fp16 = run(g, kFp16, inputs, 4);
  const auto bf16 = run(g, kBf16, inputs, 4);
  const float scale = max_abs(fp32);
  // Stated tolerances, relative to the largest FP32 logit: FP16 0.5 %, BF16 4 %.
  EXPECT_LE(max_abs_difference(fp16, fp32), 0.005f * scale);
  EXPECT_LE(max_abs_difference(bf16, fp32), 0.04f * scale);
  // The 16-bit storage is really applied, and BF16 (8 bits) is coarser than FP16 (11 bits).
  EXPECT_GT(max_abs_difference(fp16, fp32), 0.0f);
  EXPECT_GT(max_abs_difference(bf16, fp32), max_abs_difference(fp16, fp32));
}

TEST(ReferenceBackend, BatchesMatchSingleInputs) {
  Graph g = build_topology("cnv", 0.125);
  fill_random_weights(g, 6);
  const std::int64_t max_batch = 17;
  const auto inputs = calibration_inputs(g.shape(0), static_cast<int>(max_batch), 10);
  const auto in = static_cast<std::size_t>(g.shape(0).elements());
  for (const Precision& p : {kFp32, kBf16, kInt8, Precision::uniform(DataType::INT1)}) {
    SCOPED_TRACE(p.name());
    auto model = make_reference_backend()->compile(g, p, CompileOptions{1, max_batch});
    const auto out = static_cast<std::size_t>(model->info().output.elements());
    std::vector<float> alone;
    for (std::size_t b = 0; b < static_cast<std::size_t>(max_batch); ++b) {
      std::vector<float> one(out);
      model->set_input(std::span(inputs).subspan(b * in, in), 1);
      model->run(1);
      model->get_output(one, 1);
      alone.insert(alone.end(), one.begin(), one.end());
    }
    for (const std::int64_t batch : {1, 3, 17}) {
      std::vector<float> together(out * static_cast<std::size_t>(batch));
      model->set_input(std::span(inputs).first(in * static_cast<std::size_t>(batch)), batch);
      model->run(batch);
      model->get_output(together, batch);
      EXPECT_TRUE(std::equal(together.begin(), together.end(), alone.begin())) << batch;
    }
    // Different inputs give different logits (so the comparison above can fail).
    EXPECT_FALSE(std::equal(alone.begin(), alone.begin() + static_cast<std::ptrdiff_t>(out),
                            alone.begin() + static_cast<std::ptrdiff_t>(out)));
  }
}

TEST(ReferenceBackend, OddShapes) {
  // 3x9x7 -> conv 5, 3x3 pad 1 -> ReLU -> conv 7, 3x2 kernel, stride 2x1, pad 1x0 -> 7x5x6.
  Graph g("odd");
  const Shape in_shape{3, 9, 7};
  const int x = g.input(in_shape);
  const Conv2dAttrs a1 = conv(5, 3, 1, true);
  Conv2dAttrs a2 = conv(7, 3, 1, true);
  a2.kernel_w = 2;
  a2.stride_h = 2;
  a2.pad_w = 0;
  const int c1 = g.conv2d(x, a1, "c1");
  const int c2 = g.conv2d(g.activation(c1, ActivationKind::ReLU, "relu"), a2, "c2");
  fill_random_weights(g, 13);
  ASSERT_EQ(g.shape(c2), (Shape{7, 5, 6}));

  const auto pixels = calibration_inputs(in_shape, 1, 17);
  Shape s1, s2;
  std::vector<double> h = direct_conv({pixels.begin(), pixels.end()}, in_shape, g.node(c1).weights,
                                      g.node(c1).bias, a1, s1);
  for (auto& v : h) v = std::max(v, 0.0);
  const std::vector<double> expected =
      direct_conv(h, s1, g.node(c2).weights, g.node(c2).bias, a2, s2);
  ASSERT_EQ(s2, g.shape(c2));
  const auto fp32 = run(g, kFp32, pixels, 1);
  ASSERT_EQ(fp32.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_NEAR(fp32[i], expected[i], 1e-4 * (1 + std::fabs(expected[i]))) << i;
  }

  // INT8: the last conv's accumulators, recomputed here from the lowered levels, bit for bit.
  const LoweredModel m = lower(g, kInt8);
  const IntegerExecutor executor(m);
  std::vector<std::int32_t> levels(pixels.size());
  executor.quantize_input(pixels, levels);
  std::vector<std::int32_t> hidden;
  std::vector<std::int32_t> acc(expected.size());
  executor.run(levels, acc, [&](int t, std::span<const std::int32_t> v) {
    if (t == 1) hidden.assign(v.begin(), v.end());
  });
  const QOp& last = m.ops.back();
  std::vector<float> w(last.weights.begin(), last.weights.end());
  Shape s;
  const auto exact = direct_conv({hidden.begin(), hidden.end()}, s1, w, {}, a2, s);
  for (std::size_t i = 0; i < exact.size(); ++i) ASSERT_EQ(acc[i], exact[i]) << i;
  // The backend reproduces them, and its logits follow FP32.
  auto model = make_reference_backend()->compile(g, kInt8, CompileOptions{});
  model->set_input(pixels, 1);
  model->run(1);
  std::vector<std::int32_t> backend_acc(acc.size());
  model->get_output_accumulators(backend_acc, 1);
  EXPECT_EQ(backend_acc, acc);
  const auto int8 = run(g, kInt8, pixels, 1);
  EXPECT_LE(max_abs_difference(int8, fp32), 0.03f * max_abs(fp32));
}

TEST(ReferenceBackend, DepthwiseBlock) {
  // 5x6x6 -> depthwise 3x3 (groups 5) + bias -> batchnorm -> ReLU -> pointwise conv 3.
  Graph g("depthwise");
  const Shape in_shape{5, 6, 6};
  const int x = g.input(in_shape);
  const Conv2dAttrs dw_attrs = conv(5, 3, 1, true, 5);
  const Conv2dAttrs pw_attrs = conv(3, 1, 0);
  const int dw = g.conv2d(x, dw_attrs, "dw");
  const int norm = g.batch_norm(dw, "dw/bn");
  const int pw = g.conv2d(g.activation(norm, ActivationKind::ReLU), pw_attrs, "pw");
  fill_random_weights(g, 2);
  EXPECT_EQ(g.weight_count(dw), 5 * 3 * 3);

  const auto pixels = calibration_inputs(in_shape, 1, 23);
  Shape s1, s2;
  std::vector<double> h = direct_conv({pixels.begin(), pixels.end()}, in_shape, g.node(dw).weights,
                                      g.node(dw).bias, dw_attrs, s1);
  const ChannelAffine affine = batch_norm_affine(g, norm);
  for (std::size_t i = 0; i < h.size(); ++i) {
    const std::size_t c = i / 36;
    h[i] = std::max(0.0, affine.scale[c] * h[i] + affine.shift[c]);
  }
  const auto expected = direct_conv(h, s1, g.node(pw).weights, {}, pw_attrs, s2);
  const auto fp32 = run(g, kFp32, pixels, 1);
  ASSERT_EQ(fp32.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_NEAR(fp32[i], expected[i], 1e-4 * (1 + std::fabs(expected[i]))) << i;
  }
  const auto int8 = run(g, kInt8, pixels, 1);
  EXPECT_LE(max_abs_difference(int8, fp32), 0.03f * max_abs(fp32));
}

TEST(ReferenceBackend, RefusesTwoThreadsAndMissingWeights) {
  const auto backend = make_reference_backend();
  Graph g = build_topology("mlp", 0.125);
  EXPECT_THROW(backend->compile(g, kFp32, CompileOptions{}), UnsupportedError);  // no weights
  EXPECT_THROW(backend->compile(g, kInt8, CompileOptions{}), UnsupportedError);
  fill_random_weights(g, 1);
  EXPECT_NO_THROW(backend->compile(g, kFp32, CompileOptions{}));
  EXPECT_THROW(backend->compile(g, kFp32, CompileOptions{2, 1}), UnsupportedError);
  EXPECT_THROW(backend->compile(g, kInt8, CompileOptions{2, 1}), UnsupportedError);
  // A mixed float/integer precision is not one it lists.
  EXPECT_THROW(backend->compile(g, Precision{DataType::FP16, DataType::INT8}, CompileOptions{}),
               UnsupportedError);
  auto model = backend->compile(g, kFp32, CompileOptions{1, 2});
  std::vector<std::int32_t> acc(10);
  EXPECT_THROW(model->get_output_accumulators(acc, 1), UnsupportedError);
  std::vector<float> input(784 * 3);
  EXPECT_THROW(model->set_input(input, 3), std::invalid_argument);  // above max_batch
}

TEST(ReferenceBackend, CapabilitiesAndModelInfo) {
  const auto backend = make_reference_backend();
  EXPECT_EQ(backend->name(), "reference");
  const BackendCapabilities caps = backend->capabilities();
  EXPECT_EQ(caps.max_threads, 1);
  EXPECT_EQ(caps.precisions.size(), 3u + 16u);
  for (const char* name :
       {"FP32", "FP16", "BF16", "INT8", "W4A4", "W2A2", "W1A1", "W4A8", "W1A2", "W8A1"}) {
    EXPECT_NE(std::find(caps.precisions.begin(), caps.precisions.end(), parse_precision(name)),
              caps.precisions.end())
        << name;
  }
  EXPECT_EQ(caps.layers.size(), 13u);  // every OpKind

  Graph g = build_topology("mlp", 0.125);
  fill_random_weights(g, 1);
  std::int64_t weights = 0;
  for (int id = 0; id < g.size(); ++id) {
    if (g.node(id).kind == OpKind::Dense) weights += g.weight_count(id);
  }
  const struct {
    Precision precision;
    std::int64_t bytes;
    const char* method;
  } cases[] = {{kFp32, 4 * weights, "reference loops (float32)"},
               {kBf16, 2 * weights, "reference loops (bfloat16 storage, float32 arithmetic)"},
               {kInt8, weights, "reference loops (int32)"},
               {Precision::uniform(DataType::INT4), weights / 2, "reference loops (int32)"},
               {Precision::uniform(DataType::INT1), (weights + 7) / 8, "reference loops (int32)"}};
  for (const auto& c : cases) {
    const auto model = backend->compile(g, c.precision, CompileOptions{1, 4});
    const ModelInfo& info = model->info();
    EXPECT_EQ(info.backend, "reference");
    EXPECT_EQ(info.precision, c.precision);
    EXPECT_EQ(info.method, c.method);
    EXPECT_EQ(info.notes, "");
    EXPECT_EQ(info.weight_bytes, c.bytes) << c.precision.name();
    EXPECT_EQ(info.input, (Shape{1, 28, 28}));
    EXPECT_EQ(info.output, (Shape{10, 1, 1}));
    EXPECT_EQ(info.threads, 1);
    EXPECT_EQ(info.max_batch, 4);
  }
}

TEST(ReferenceBackend, IntegerLogitsDecodeTheAccumulators) {
  Graph g = build_topology("cnv", 0.125);
  fill_random_weights(g, 8);
  const LoweredModel m = lower(g, kInt8);
  auto model = make_reference_backend()->compile(g, kInt8, CompileOptions{1, 2});
  const auto inputs = calibration_inputs(g.shape(0), 2, 31);
  model->set_input(inputs, 2);
  model->run(2);
  std::vector<std::int32_t> acc(20);
  std::vector<float> logits(20);
  model->get_output_accumulators(acc, 2);
  model->get_output(logits, 2);
  for (std::size_t i = 0; i < 20; ++i) {
    const std::size_t c = i % 10;
    EXPECT_FLOAT_EQ(logits[i], (static_cast<float>(acc[i]) + m.output_bias[c]) * m.output_scale[c]);
  }
  EXPECT_NE(acc[0], acc[10]);
}

}  // namespace
}  // namespace qtb
