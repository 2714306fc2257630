// lower(): levels, scales and folded requantizers checked by hand on tiny graphs, and the integer
// networks of the zoo against the FP32 reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "engine/backend.hpp"
#include "engine/random_weights.hpp"
#include "engine/reference/float_executor.hpp"
#include "engine/reference/integer_executor.hpp"
#include "engine/reference/reference_backend.hpp"
#include "graph/batch_norm.hpp"
#include "lowering/calibration.hpp"
#include "lowering/lower.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

const Precision kInt8 = Precision::uniform(DataType::INT8);
const Precision kW1A1 = Precision::uniform(DataType::INT1);

Conv2dAttrs conv(std::int64_t out, int kernel, int pad, bool bias = false) {
  Conv2dAttrs a;
  a.out_channels = out;
  a.kernel_h = a.kernel_w = kernel;
  a.pad_h = a.pad_w = pad;
  a.bias = bias;
  return a;
}

// Batchnorm weights: gamma, beta, mean, variance, each per channel.
std::vector<float> bn(std::vector<float> gamma, std::vector<float> beta, std::vector<float> mean,
                      std::vector<float> var) {
  std::vector<float> w = gamma;
  w.insert(w.end(), beta.begin(), beta.end());
  w.insert(w.end(), mean.begin(), mean.end());
  w.insert(w.end(), var.begin(), var.end());
  return w;
}

// The real value of Requantizer's integer multiplier.
double real_multiplier(std::int64_t multiplier, int shift) {
  return std::ldexp(multiplier, -shift);
}

std::vector<float> run(const Graph& graph, const Precision& precision,
                       const std::vector<float>& inputs, std::int64_t batch) {
  auto model = make_reference_backend()->compile(graph, precision, CompileOptions{1, batch});
  model->set_input(inputs, batch);
  model->run(batch);
  std::vector<float> out(static_cast<std::size_t>(model->info().output.elements() * batch));
  model->get_output(out, batch);
  return out;
}

double correlation(const std::vector<float>& a, const std::vector<float>& b) {
  const double n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i] / n, mb += b[i] / n;
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) * (a[i] - ma);
    bb += (b[i] - mb) * (b[i] - mb);
  }
  return ab / std::sqrt(aa * bb);
}

// How many of `batch` inputs have the same largest logit in both outputs.
int argmax_agreement(const std::vector<float>& a, const std::vector<float>& b, std::int64_t batch) {
  const std::size_t n = a.size() / static_cast<std::size_t>(batch);
  int agree = 0;
  for (std::size_t i = 0; i < a.size(); i += n) {
    const auto ia = std::max_element(a.begin() + i, a.begin() + i + n) - a.begin();
    const auto ib = std::max_element(b.begin() + i, b.begin() + i + n) - b.begin();
    agree += ia == ib ? 1 : 0;
  }
  return agree;
}

// Integer levels of every tensor for one input (by tensor id).
std::map<int, std::vector<std::int32_t>> tensor_levels(const LoweredModel& model,
                                                       const std::vector<float>& pixels) {
  const IntegerExecutor executor(model);
  std::vector<std::int32_t> levels(pixels.size());
  executor.quantize_input(pixels, levels);
  std::vector<std::int32_t> acc(static_cast<std::size_t>(executor.output_shape().elements()));
  std::map<int, std::vector<std::int32_t>> seen;
  executor.run(levels, acc,
               [&](int t, std::span<const std::int32_t> v) { seen[t].assign(v.begin(), v.end()); });
  return seen;
}

// The largest |x| of one node's output over the calibration inputs lower() uses by default.
float calibrated_max(const Graph& graph, int node) {
  const LoweringOptions options;
  const FloatExecutor executor(graph, FloatFormat::FP32);
  const auto in = static_cast<std::size_t>(executor.input_shape().elements());
  const auto inputs = calibration_inputs(executor.input_shape(), options.calibration_inputs,
                                         options.calibration_seed);
  std::vector<float> out(static_cast<std::size_t>(executor.output_shape().elements()));
  float max_abs = 0.0f;
  for (int k = 0; k < options.calibration_inputs; ++k) {
    executor.run(std::span(inputs).subspan(static_cast<std::size_t>(k) * in, in), out,
                 [&](int id, std::span<const float> v) {
                   if (id != node) return;
                   for (float x : v) max_abs = std::max(max_abs, std::fabs(x));
                 });
  }
  return max_abs;
}

// dense(3, bias) -> batchnorm -> ReLU -> 8-bit unsigned quantizer (scale 0.05) -> dense(2).
Graph hand_mlp() {
  Graph g("hand");
  int x = g.input(Shape{2, 1, 1});
  const int fc1 = g.dense(x, DenseAttrs{3, true}, "fc1");
  const int norm = g.batch_norm(fc1, "fc1/bn");
  x = g.activation(norm, ActivationKind::ReLU, "fc1/relu");
  x = g.quantizer(x, QuantizerAttrs{8, false, 0.05f}, "fc1/quant");
  const int fc2 = g.dense(x, DenseAttrs{2, false}, "fc2");
  g.softmax(fc2, "prob");
  g.set_weights(fc1, {0.5f, -0.3f, 0.1f, 0.25f, -1.0f, 0.3f}, {0.1f, -0.2f, 0.0f});
  g.set_weights(
      norm, bn({2.0f, 0.5f, 1.0f}, {0.1f, 0.0f, -0.2f}, {0.0f, -0.4f, -2.0f}, {1.0f, 0.25f, 4.0f}));
  g.set_weights(fc2, {1.0f, -0.6f, 0.25f, 0.2f, 0.3f, -0.8f});
  return g;
}

TEST(Lowering, WeightLevelsScalesAndFoldedBatchNormByHand) {
  const Graph g = hand_mlp();
  const LoweredModel m = lower(g, kInt8);
  ASSERT_EQ(m.ops.size(), 2u);
  ASSERT_EQ(m.tensors.size(), 3u);
  EXPECT_EQ(m.output_tensor, 2);
  EXPECT_EQ(m.tensors[0].quant.bits, 8);
  EXPECT_FALSE(m.tensors[0].quant.is_signed);
  EXPECT_FLOAT_EQ(m.tensors[0].quant.scale, 1.0f / 255.0f);
  // The explicit quantizer fixes the hidden tensor; the tensor is the quantizer node's value.
  EXPECT_EQ(m.tensors[1].name, "fc1/quant");
  EXPECT_FALSE(m.tensors[1].quant.is_signed);
  EXPECT_FLOAT_EQ(m.tensors[1].quant.scale, 0.05f);
  EXPECT_EQ(m.tensors[2].quant.bits, 32);

  const QOp& fc1 = m.ops[0];
  EXPECT_EQ(fc1.kind, QOpKind::Dense);
  EXPECT_EQ(fc1.inputs, std::vector<int>{0});
  EXPECT_EQ(fc1.output, 1);
  EXPECT_EQ(fc1.conv.out_channels, 3);
  EXPECT_EQ(fc1.weight_quant.bits, 8);
  // Per-channel scale max|w| / 127; levels round-half-even(w / scale):
  // -0.3 * 127 / 0.5 = -76.2, 0.1 * 127 / 0.25 = 50.8, 0.3 * 127 / 1 = 38.1.
  EXPECT_FLOAT_EQ(fc1.weight_quant.scales[0], 0.5f / 127);
  EXPECT_FLOAT_EQ(fc1.weight_quant.scales[1], 0.25f / 127);
  EXPECT_FLOAT_EQ(fc1.weight_quant.scales[2], 1.0f / 127);
  EXPECT_EQ(fc1.weights, (std::vector<std::int8_t>{127, -76, 51, 127, -127, 38}));

  // Folded requantizer: multiplier s_in * s_w * bn_scale / s_out, bias (b + shift / scale) /
  // (s_in * s_w), clamp [0, 255] (ReLU, unsigned 8 bits).
  const double s_in = 1.0f / 255.0f;  // the float scales the quantizers hold
  const double s_out = 0.05f;
  const ChannelAffine affine = batch_norm_affine(g, 2);  // nodes: input, fc1, fc1/bn, ...
  ASSERT_EQ(g.node(2).name, "fc1/bn");
  const double conv_bias[] = {0.1f, -0.2f, 0.0f};
  ASSERT_EQ(fc1.requant.size(), 3u);
  for (std::size_t c = 0; c < 3; ++c) {
    const Requantizer& r = fc1.requant[c];
    const double unit = s_in * fc1.weight_quant.scales[c];
    const double multiplier = unit * affine.scale[c] / s_out;
    EXPECT_NEAR(real_multiplier(r.multiplier, r.shift), multiplier, multiplier * 1e-8) << c;
    EXPECT_GE(r.multiplier, 1 << 29);  // 31 significant bits
    EXPECT_LT(r.multiplier, 1 << 30);
    EXPECT_EQ(r.bias, std::nearbyint((conv_bias[c] + affine.shift[c] / affine.scale[c]) / unit));
    EXPECT_EQ(r.lo, 0);
    EXPECT_EQ(r.hi, 255);
    EXPECT_FALSE(r.binary);
  }
  // Channel 0 by hand: bn scale 2 / sqrt(1 + 1e-5), shift 0.1; s_w = 0.5 / 127.
  EXPECT_NEAR(real_multiplier(fc1.requant[0].multiplier, fc1.requant[0].shift),
              (1.0 / 255) * (0.5 / 127) * (2 / std::sqrt(1.00001)) / 0.05, 1e-9);
  EXPECT_EQ(fc1.requant[0].bias, 9716);  // (0.1 + 0.1 / 1.99999) * 255 * 127 / 0.5 = 9715.52
  EXPECT_EQ(fc1.requant[0].shift, 40);   // 6.1757e-4 = 0.632 * 2^-10: shift 30 + 10

  // The last layer keeps int32 accumulators; logits = (acc + bias) * s_in * s_w.
  const QOp& fc2 = m.ops[1];
  EXPECT_TRUE(fc2.requant.empty());
  EXPECT_EQ(fc2.weights, (std::vector<std::int8_t>{127, -76, 32, 32, 48, -127}));
  ASSERT_EQ(m.output_scale.size(), 2u);
  EXPECT_FLOAT_EQ(m.output_scale[0], 0.05f * (1.0f / 127));
  EXPECT_FLOAT_EQ(m.output_scale[1], 0.05f * (0.8f / 127));
  EXPECT_EQ(m.output_bias, (std::vector<float>{0.0f, 0.0f}));

  // One input through the integers: pixels 1.0, 0.6 are levels 255, 153.
  const auto levels = tensor_levels(m, {1.0f, 0.6f});
  EXPECT_EQ(levels.at(0), (std::vector<std::int32_t>{255, 153}));
  const std::int32_t acc[] = {127 * 255 - 76 * 153, 51 * 255 + 127 * 153, -127 * 255 + 38 * 153};
  for (std::size_t c = 0; c < 3; ++c) {
    const std::int32_t level = levels.at(1)[c];
    EXPECT_EQ(level, fc1.requant[c].apply(acc[c]));
    const double real =
        affine.scale[c] * (s_in * fc1.weight_quant.scales[c] * acc[c] + conv_bias[c]) +
        affine.shift[c];
    EXPECT_NEAR(level, std::clamp(real / 0.05, 0.0, 255.0), 0.51) << c;
  }
  // 0.94 / 0.05, 0.45 / 0.05, 0.39 / 0.05 by hand (none clamped).
  EXPECT_EQ(levels.at(1), (std::vector<std::int32_t>{19, 9, 8}));
  const auto& h = levels.at(1);
  EXPECT_EQ(levels.at(2), (std::vector<std::int32_t>{127 * h[0] - 76 * h[1] + 32 * h[2],
                                                     32 * h[0] + 48 * h[1] - 127 * h[2]}));
}

TEST(Lowering, CalibratedScalesAndSignedness) {
  // conv+bn+relu (unsigned), then conv+bn (signed): scale = max |x| over calibration / max level.
  Graph g("calibrated");
  int x = g.input(Shape{2, 5, 4});
  const int c1 = g.conv2d(x, conv(3, 3, 1, true), "c1");
  const int b1 = g.batch_norm(c1, "c1/bn");
  const int r1 = g.activation(b1, ActivationKind::ReLU, "c1/relu");
  const int c2 = g.conv2d(r1, conv(4, 1, 0), "c2");
  const int b2 = g.batch_norm(c2, "c2/bn");
  g.dense(g.flatten(b2, "flat"), DenseAttrs{3, true}, "fc");
  fill_random_weights(g, 5);

  for (const Precision& p : {kInt8, Precision{DataType::INT4, DataType::INT4}}) {
    const LoweredModel m = lower(g, p);
    const int bits = bit_width(p.activations);
    ASSERT_EQ(m.tensors.size(), 5u);  // input, relu, bn, flatten, logits
    const UniformQuantizer& hidden = m.tensors[1].quant;
    EXPECT_EQ(hidden.bits, bits);
    EXPECT_FALSE(hidden.is_signed);
    EXPECT_FLOAT_EQ(hidden.scale, calibrated_max(g, r1) / static_cast<float>((1 << bits) - 1));
    const UniformQuantizer& signed_q = m.tensors[2].quant;
    EXPECT_TRUE(signed_q.is_signed);
    EXPECT_FLOAT_EQ(signed_q.scale,
                    calibrated_max(g, b2) / static_cast<float>((1 << (bits - 1)) - 1));
    // Flatten relabels: same quantizer in and out.
    EXPECT_EQ(m.ops[2].kind, QOpKind::Flatten);
    EXPECT_FLOAT_EQ(m.tensors[3].quant.scale, signed_q.scale);
    EXPECT_EQ(m.tensors[3].shape, (Shape{4 * 5 * 4, 1, 1}));
    // The signed conv output clamps to the symmetric signed levels.
    for (const Requantizer& r : m.ops[1].requant) {
      EXPECT_EQ(r.lo, signed_q.min_level());
      EXPECT_EQ(r.hi, signed_q.max_level());
    }
  }
}

TEST(Lowering, BinaryThresholdsAreExact) {
  Graph g("binary");
  int x = g.input(Shape{4, 1, 1});
  const int fc1 = g.dense(x, DenseAttrs{3, true}, "fc1");
  const int norm = g.batch_norm(fc1, "fc1/bn");
  x = g.activation(norm, ActivationKind::HardTanh, "fc1/htanh");
  const int fc2 = g.dense(x, DenseAttrs{2, false}, "fc2");
  g.set_weights(fc1, {0.4f, -0.6f, 0.2f, 0.8f, -0.3f, 0.1f, 0.5f, -0.1f, 0.7f, 0.7f, -0.7f, 0.7f},
                {0.05f, -0.1f, 0.0f});
  // Channel 1 has a negative batchnorm scale; channel 2 a zero one (a constant -1).
  g.set_weights(norm, bn({1.5f, -0.8f, 0.0f}, {0.3f, 0.21f, -0.3f}, {0.1f, -0.05f, 0.0f},
                         {1.0f, 1.0f, 1.0f}));
  g.set_weights(fc2, {1.0f, -1.0f, 0.5f, 0.3f, 0.2f, -0.1f});
  const LoweredModel m = lower(g, kW1A1);
  const QOp& op = m.ops[0];
  // Binary weights: sign(w), scale mean |w|.
  EXPECT_EQ(op.weight_quant.bits, 1);
  EXPECT_FLOAT_EQ(op.weight_quant.scales[0], 0.5f);
  EXPECT_FLOAT_EQ(op.weight_quant.scales[1], 0.25f);
  EXPECT_EQ(op.weights, (std::vector<std::int8_t>{1, -1, 1, 1, -1, 1, 1, -1, 0, 0, 0, 0}));
  EXPECT_TRUE(m.tensors[1].quant.is_binary());

  const ChannelAffine affine = batch_norm_affine(g, norm);
  const double conv_bias[] = {0.05f, -0.1f};
  for (std::size_t c = 0; c < 2; ++c) {
    const Requantizer& r = op.requant[c];
    EXPECT_TRUE(r.binary);
    const double unit = (1.0 / 255) * op.weight_quant.scales[c];
    const double real_bias = (conv_bias[c] + affine.shift[c] / affine.scale[c]) / unit;
    // floor for a positive multiplier, ceil for a negative one.
    EXPECT_EQ(r.bias, c == 0 ? std::floor(real_bias) : std::ceil(real_bias));
    EXPECT_NE(real_bias, std::nearbyint(real_bias));  // a threshold between two integers
    for (std::int32_t acc = -1020; acc <= 1020; ++acc) {
      const double pre = affine.scale[c] * (unit * acc + conv_bias[c]) + affine.shift[c];
      ASSERT_EQ(r.apply(acc), pre >= 0 ? 1 : -1) << "channel " << c << " acc " << acc;
    }
  }
  // Only the sign of the multiplier matters: +-1, no shift (channel 1's batchnorm scale < 0).
  EXPECT_EQ(op.requant[0].multiplier, 1);
  EXPECT_EQ(op.requant[1].multiplier, -1);
  EXPECT_EQ(op.requant[1].shift, 0);
  // Channel 1's threshold lies inside the accumulator range: both outputs occur.
  EXPECT_EQ(op.requant[1].apply(-1020), -op.requant[1].apply(1020));
  // Zero batchnorm scale: weights zeroed, output the sign of the shift (-0.3).
  EXPECT_EQ(op.requant[2].apply(0), -1);
  for (const float pixel : {0.0f, 0.3f, 1.0f}) {
    const auto levels = tensor_levels(m, std::vector<float>(4, pixel));
    EXPECT_EQ(levels.at(1)[2], -1);
  }
}

TEST(Lowering, ZeroBatchNormScaleGivesAConstant) {
  Graph g("constant");
  int x = g.input(Shape{2, 1, 1});
  const int fc1 = g.dense(x, DenseAttrs{2, false}, "fc1");
  const int bn1 = g.batch_norm(fc1, "fc1/bn");
  x = g.quantizer(g.activation(bn1, ActivationKind::ReLU), QuantizerAttrs{8, false, 0.05f});
  const int fc2 = g.dense(x, DenseAttrs{2, false}, "fc2");
  const int bn2 = g.batch_norm(fc2, "fc2/bn");
  g.set_weights(fc1, {1.0f, 0.5f, -0.5f, 1.0f});
  g.set_weights(bn1, bn({1.0f, 0.0f}, {0.0f, 0.7f}, {0.0f, 0.0f}, {1.0f, 1.0f}));
  g.set_weights(fc2, {0.3f, -0.2f, 0.1f, 0.4f});
  g.set_weights(bn2, bn({0.0f, 1.0f}, {-1.5f, 0.0f}, {0.0f, 0.0f}, {1.0f, 1.0f}));
  const LoweredModel m = lower(g, kInt8);
  // Hidden channel 1: 0.7 / 0.05 = level 14 whatever the input.
  const Requantizer& r = m.ops[0].requant[1];
  EXPECT_EQ(r.multiplier, 0);
  EXPECT_EQ(r.lo, 14);
  EXPECT_EQ(r.hi, 14);
  EXPECT_EQ(m.ops[0].weights[2], 0);
  EXPECT_EQ(m.ops[0].weights[3], 0);
  // Output channel 0: logits -1.5 whatever the input.
  EXPECT_EQ(m.output_scale[0], 1.0f);
  EXPECT_EQ(m.output_bias[0], -1.5f);
  const std::vector<float> inputs = {0.0f, 0.0f, 1.0f, 0.2f, 0.6f, 0.9f};
  const auto int8 = run(g, kInt8, inputs, 3);
  const auto fp32 = run(g, Precision::uniform(DataType::FP32), inputs, 3);
  for (std::size_t b = 0; b < 3; ++b) {
    EXPECT_EQ(int8[2 * b], -1.5f);
    EXPECT_EQ(fp32[2 * b], -1.5f);
    EXPECT_NEAR(int8[2 * b + 1], fp32[2 * b + 1], 0.02);
  }
  for (const auto& [t, levels] : tensor_levels(m, {0.8f, 0.1f})) {
    if (t == 1) {
      EXPECT_EQ(levels[1], 14);
    }
  }
}

TEST(Lowering, Int8ZooModelsAgreeWithFp32) {
  for (const char* name : {"mlp", "cnv"}) {
    Graph g = build_topology(name, 0.125);
    fill_random_weights(g, 11);
    const std::int64_t batch = 16;
    const auto inputs = calibration_inputs(g.shape(0), static_cast<int>(batch), 1234);
    const auto fp32 = run(g, Precision::uniform(DataType::FP32), inputs, batch);
    const auto int8 = run(g, kInt8, inputs, batch);
    EXPECT_GT(correlation(fp32, int8), 0.98) << name;
    EXPECT_GE(argmax_agreement(fp32, int8, batch), 12) << name;
  }
}

TEST(Lowering, LowBitPrecisionsStayInRange) {
  const Precision precisions[] = {Precision::uniform(DataType::INT4),
                                  Precision::uniform(DataType::INT2), kW1A1,
                                  Precision{DataType::INT1, DataType::INT2}};
  for (const char* name : {"mlp", "cnv"}) {
    Graph g = build_topology(name, 0.125);
    fill_random_weights(g, 3);
    for (const Precision& p : precisions) {
      SCOPED_TRACE(std::string(name) + " " + p.name());
      const LoweredModel m = lower(g, p);
      const int wbits = bit_width(p.weights);
      const int abits = bit_width(p.activations);
      for (const QOp& op : m.ops) {
        if (op.kind != QOpKind::Conv && op.kind != QOpKind::Dense) continue;
        EXPECT_EQ(op.weight_quant.bits, wbits);
        const UniformQuantizer wq{wbits, true, 1.0f, 0};
        for (std::int8_t w : op.weights) {
          ASSERT_GE(w, wq.min_level());
          ASSERT_LE(w, wq.max_level());
          if (wbits == 1) {
            ASSERT_NE(w, 0);
          }
        }
      }
      for (std::size_t t = 1; t < m.tensors.size(); ++t) {
        if (static_cast<int>(t) == m.output_tensor) continue;
        const UniformQuantizer& input = m.tensors[0].quant;
        if (m.tensors[t].quant.scale == input.scale && m.tensors[t].quant.bits == input.bits) {
          continue;  // mlp's flatten relabels the 8-bit input
        }
        EXPECT_EQ(m.tensors[t].quant.bits, abits) << m.tensors[t].name;
        if (abits == 1) {
          EXPECT_TRUE(m.tensors[t].quant.is_binary());
        }
      }
      const auto pixels = calibration_inputs(g.shape(0), 1, 77);
      for (const auto& [t, levels] : tensor_levels(m, pixels)) {
        if (t == m.output_tensor) continue;
        const UniformQuantizer& q = m.tensors[static_cast<std::size_t>(t)].quant;
        for (std::int32_t v : levels) {
          ASSERT_GE(v, q.min_level()) << m.tensors[static_cast<std::size_t>(t)].name;
          ASSERT_LE(v, q.max_level()) << m.tensors[static_cast<std::size_t>(t)].name;
          if (q.is_binary()) {
            ASSERT_NE(v, 0);
          }
        }
      }
      // The levels carry information: the logits are finite and not all equal.
      const auto out = run(g, p, calibration_inputs(g.shape(0), 4, 78), 4);
      EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](float v) { return std::isfinite(v); }));
      EXPECT_NE(*std::min_element(out.begin(), out.end()),
                *std::max_element(out.begin(), out.end()));
    }
  }
}

TEST(Lowering, ResidualAddAvgPoolAndGlobalPool) {
  Graph g("resnet_like");
  int x = g.input(Shape{3, 8, 8});
  const int a = g.activation(g.batch_norm(g.conv2d(x, conv(8, 3, 1), "a")), ActivationKind::ReLU);
  const int b = g.batch_norm(g.conv2d(a, conv(8, 3, 1), "b"), "b/bn");
  const int sum = g.add({b, a}, "add");
  const int relu = g.activation(sum, ActivationKind::ReLU, "add/relu");
  const int avg = g.avg_pool(relu, PoolAttrs{2, 2, 0, false}, "avg");
  const int gap = g.global_avg_pool(avg, "gap");
  g.softmax(g.dense(gap, DenseAttrs{5, true}, "fc"), "prob");
  fill_random_weights(g, 21);

  const LoweredModel m = lower(g, kInt8);
  std::vector<QOpKind> kinds;
  for (const QOp& op : m.ops) kinds.push_back(op.kind);
  EXPECT_EQ(kinds,
            (std::vector<QOpKind>{QOpKind::Conv, QOpKind::Conv, QOpKind::Add, QOpKind::AvgPool,
                                  QOpKind::GlobalAvgPool, QOpKind::Dense}));
  const QOp& add = m.ops[2];
  EXPECT_EQ(add.inputs, (std::vector<int>{2, 1}));
  const UniformQuantizer& out = m.tensors[static_cast<std::size_t>(add.output)].quant;
  EXPECT_TRUE(m.tensors[2].quant.is_signed);  // the branch before the add
  EXPECT_FALSE(out.is_signed);                // the ReLU after the add is its clamp
  EXPECT_EQ(m.tensors[static_cast<std::size_t>(add.output)].name, "add/relu");
  EXPECT_FLOAT_EQ(out.scale, calibrated_max(g, relu) / 255);
  EXPECT_EQ(add.pool_requant.lo, 0);
  EXPECT_EQ(add.pool_requant.hi, 255);
  std::int32_t largest = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    const double ratio =
        static_cast<double>(m.tensors[static_cast<std::size_t>(add.inputs[i])].quant.scale) /
        out.scale;
    EXPECT_NEAR(real_multiplier(add.add_multipliers[i], add.add_shift), ratio, ratio * 1e-8);
    largest = std::max(largest, add.add_multipliers[i]);
  }
  EXPECT_GE(largest, 1 << 29);
  EXPECT_LT(largest, 1 << 30);

  // Avg pool: multiplier s_in / (s_out * 4); global pool: s_in / (s_out * 16).
  const QOp& pool = m.ops[3];
  const double pool_m = m.tensors[3].quant.scale / (m.tensors[4].quant.scale * 4.0);
  EXPECT_NEAR(real_multiplier(pool.pool_requant.multiplier, pool.pool_requant.shift), pool_m,
              pool_m * 1e-8);
  EXPECT_FLOAT_EQ(m.tensors[4].quant.scale, calibrated_max(g, avg) / 255);
  const QOp& global = m.ops[4];
  const double global_m = m.tensors[4].quant.scale / (m.tensors[5].quant.scale * 16.0);
  EXPECT_NEAR(real_multiplier(global.pool_requant.multiplier, global.pool_requant.shift), global_m,
              global_m * 1e-8);
  EXPECT_EQ(m.tensors[5].shape, (Shape{8, 1, 1}));

  // The add by hand on one element: clamp(rounding_shift(sum level_i * m_i, shift), 0, 255).
  const auto levels = tensor_levels(m, calibration_inputs(g.shape(0), 1, 5));
  for (std::size_t e = 0; e < levels.at(3).size(); e += 37) {
    const std::int64_t s = std::int64_t{levels.at(2)[e]} * add.add_multipliers[0] +
                           std::int64_t{levels.at(1)[e]} * add.add_multipliers[1];
    const std::int64_t shifted = (s + (std::int64_t{1} << (add.add_shift - 1))) >> add.add_shift;
    EXPECT_EQ(levels.at(3)[e], std::clamp<std::int64_t>(shifted, 0, 255));
  }

  const auto inputs = calibration_inputs(g.shape(0), 16, 99);
  EXPECT_GT(correlation(run(g, Precision::uniform(DataType::FP32), inputs, 16),
                        run(g, kInt8, inputs, 16)),
            0.98);
  // Binary activations: the add and the pools produce +-1 levels.
  const LoweredModel binary = lower(g, kW1A1);
  EXPECT_TRUE(binary.ops[2].pool_requant.binary);
  EXPECT_TRUE(binary.ops[3].pool_requant.binary);
  for (const auto& [t, v] : tensor_levels(binary, calibration_inputs(g.shape(0), 1, 6))) {
    if (t == 0 || t == binary.output_tensor) continue;
    EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](std::int32_t l) { return l == 1 || l == -1; }));
  }
}

TEST(Lowering, ConcatProducersShareTheOutputQuantizer) {
  Graph g("inception_like");
  const int x = g.input(Shape{3, 8, 8});
  Conv2dAttrs c3 = conv(4, 3, 1, true);
  const int a = g.activation(g.conv2d(x, conv(4, 1, 0, true), "a"), ActivationKind::ReLU, "a/relu");
  const int b = g.activation(g.conv2d(x, c3, "b"), ActivationKind::ReLU, "b/relu");
  const int pool = g.max_pool(x, PoolAttrs{3, 1, 1, true}, "pool");
  const int c =
      g.activation(g.conv2d(pool, conv(2, 1, 0, true), "c"), ActivationKind::ReLU, "c/relu");
  const int cat = g.concat({a, b, c}, "concat");
  const int down = g.max_pool(cat, PoolAttrs{2, 2, 0, false}, "down");
  g.dense(g.flatten(down, "flat"), DenseAttrs{4, true}, "fc");
  fill_random_weights(g, 8);

  const LoweredModel m = lower(g, kInt8);
  std::map<std::string, int> by_name;
  for (std::size_t t = 0; t < m.tensors.size(); ++t)
    by_name[m.tensors[t].name] = static_cast<int>(t);
  const auto q = [&](const char* n) {
    return m.tensors[static_cast<std::size_t>(by_name.at(n))].quant;
  };
  // Max pool of the input keeps the input's levels.
  EXPECT_FLOAT_EQ(q("pool").scale, 1.0f / 255);
  EXPECT_EQ(q("pool").bits, 8);
  // Every producer of the concat, the concat and the max pool after it share one quantizer whose
  // scale covers the largest of them.
  const float largest =
      std::max({calibrated_max(g, a), calibrated_max(g, b), calibrated_max(g, c)});
  for (const char* n : {"a/relu", "b/relu", "c/relu", "concat", "down", "flat"}) {
    EXPECT_FLOAT_EQ(q(n).scale, largest / 255) << n;
    EXPECT_FALSE(q(n).is_signed) << n;
  }
  EXPECT_FLOAT_EQ(calibrated_max(g, cat), largest);
  const QOp& concat = *std::find_if(m.ops.begin(), m.ops.end(),
                                    [](const QOp& op) { return op.kind == QOpKind::Concat; });
  EXPECT_EQ(concat.inputs,
            (std::vector<int>{by_name.at("a/relu"), by_name.at("b/relu"), by_name.at("c/relu")}));
  EXPECT_EQ(m.tensors[static_cast<std::size_t>(concat.output)].shape, (Shape{10, 8, 8}));
  // Concat only places channels: its output is its inputs' levels one after the other.
  const auto levels = tensor_levels(m, calibration_inputs(g.shape(0), 1, 3));
  std::vector<std::int32_t> expected;
  for (int t : concat.inputs)
    expected.insert(expected.end(), levels.at(t).begin(), levels.at(t).end());
  EXPECT_EQ(levels.at(concat.output), expected);

  const auto inputs = calibration_inputs(g.shape(0), 16, 42);
  EXPECT_GT(correlation(run(g, Precision::uniform(DataType::FP32), inputs, 16),
                        run(g, kInt8, inputs, 16)),
            0.98);
}

TEST(Lowering, RefusesWhatItCannotLower) {
  Graph g = hand_mlp();
  EXPECT_THROW(lower(g, Precision::uniform(DataType::FP32)), UnsupportedError);
  EXPECT_THROW(lower(g, Precision::uniform(DataType::BF16)), UnsupportedError);
  // The explicit 8-bit quantizer does not fit 4-bit activations.
  EXPECT_THROW(lower(g, Precision::uniform(DataType::INT4)), UnsupportedError);

  Graph no_weights = build_topology("mlp", 0.125);
  EXPECT_THROW(lower(no_weights, kInt8), UnsupportedError);

  Graph standalone("standalone_bn");
  int x = standalone.input(Shape{2, 4, 4});
  x = standalone.max_pool(x, PoolAttrs{2, 2, 0, false});
  x = standalone.batch_norm(x);
  standalone.dense(standalone.flatten(x), DenseAttrs{2, false});
  fill_random_weights(standalone, 1);
  EXPECT_THROW(lower(standalone, kInt8), UnsupportedError);

  Graph pool_last("pool_last");
  pool_last.global_avg_pool(pool_last.conv2d(pool_last.input(Shape{1, 3, 3}), conv(2, 1, 0)));
  fill_random_weights(pool_last, 1);
  EXPECT_THROW(lower(pool_last, kInt8), UnsupportedError);
}

}  // namespace
}  // namespace qtb
