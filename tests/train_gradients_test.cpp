// Gradient checks of the trainer's layers: every analytic gradient (input and parameters) against
// central finite differences of L = sum(output * R) for a fixed random R.
//
// Float layers, so the tolerance is stated for float: step h = 1e-2 on inputs placed at least
// 2h away from every kink (ReLU/HardTanh corners, max-pool ties), and
// |analytic - numeric| <= 2e-3 + 1e-2 * |numeric|. Linear and smooth layers meet it with a wide
// margin (the differences' error is float rounding of L, ~1e-6 / 2h).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "train/layers/batch_norm_layer.hpp"
#include "train/layers/conv_layer.hpp"
#include "train/layers/dense_layer.hpp"
#include "train/layers/elementwise_layers.hpp"
#include "train/layers/max_pool_layer.hpp"
#include "train/loss.hpp"
#include "train/random.hpp"

namespace {

using namespace qtb;
using namespace qtb::train_detail;

constexpr double kStep = 1e-2;

void expect_close(double analytic, double numeric, const std::string& what) {
  EXPECT_NEAR(analytic, numeric, 2e-3 + 1e-2 * std::fabs(numeric)) << what;
}

std::vector<float> random_values(std::size_t count, std::uint64_t seed, double scale = 1.0) {
  SplitMix64 rng(seed);
  std::vector<float> v(count);
  for (float& x : v) x = static_cast<float>(rng.normal() * scale);
  return v;
}

// Values in [-2, 2] at least `gap` away from each other's kinks at -1, 0, 1 and from each other
// when `distinct` (max pooling).
std::vector<float> kink_free_values(std::size_t count, std::uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<float> v(count);
  for (std::size_t i = 0; i < count; ++i) {
    // Distinct multiples of 0.05 shifted by 0.025: never within 0.025 of each other or of a kink.
    v[i] = static_cast<float>(
        static_cast<double>(static_cast<std::int64_t>(i) - static_cast<std::int64_t>(count / 2)) *
            0.05 +
        0.025);
  }
  for (std::size_t i = count; i-- > 1;) std::swap(v[i], v[rng.below(i + 1)]);
  return v;
}

double weighted_sum(const Tensor& out, const std::vector<float>& r) {
  double sum = 0.0;
  for (std::int64_t i = 0; i < out.size(); ++i)
    sum += static_cast<double>(out.values[static_cast<std::size_t>(i)]) *
           r[static_cast<std::size_t>(i)];
  return sum;
}

// Checks input gradients and every parameter gradient of `layer` at `input`.
void check_layer(Layer& layer, Tensor input, const std::string& name, double step = kStep) {
  Tensor out, grad_in;
  layer.forward(input, out, Mode::train);
  const std::vector<float> r = random_values(static_cast<std::size_t>(out.size()), 99);
  Tensor grad_out;
  grad_out.resize(out.batch, out.shape);
  grad_out.values = r;
  layer.backward(input, out, grad_out, &grad_in);
  // Copy the analytic parameter gradients before the probing forwards.
  std::vector<std::vector<float>> param_grads;
  for (const Parameter& p : layer.parameters())
    param_grads.emplace_back(p.grads.begin(), p.grads.end());

  auto loss = [&] {
    Tensor probe;
    layer.forward(input, probe, Mode::train);
    return weighted_sum(probe, r);
  };
  ASSERT_EQ(grad_in.size(), input.size());
  for (std::int64_t i = 0; i < input.size(); ++i) {
    float& x = input.values[static_cast<std::size_t>(i)];
    const float saved = x;
    x = static_cast<float>(saved + step);
    const double plus = loss();
    x = static_cast<float>(saved - step);
    const double minus = loss();
    x = saved;
    expect_close(grad_in.values[static_cast<std::size_t>(i)], (plus - minus) / (2 * step),
                 name + " input " + std::to_string(i));
  }
  std::vector<Parameter> params = layer.parameters();
  ASSERT_EQ(params.size(), param_grads.size());
  for (std::size_t k = 0; k < params.size(); ++k) {
    for (std::size_t i = 0; i < params[k].values.size(); ++i) {
      float& w = params[k].values[i];
      const float saved = w;
      w = static_cast<float>(saved + step);
      layer.parameters_changed();
      const double plus = loss();
      w = static_cast<float>(saved - step);
      layer.parameters_changed();
      const double minus = loss();
      w = saved;
      layer.parameters_changed();
      expect_close(param_grads[k][i], (plus - minus) / (2 * step),
                   name + " parameter " + std::to_string(k) + "[" + std::to_string(i) + "]");
    }
  }
}

Tensor tensor(std::int64_t batch, const Shape& shape, std::vector<float> values) {
  Tensor t;
  t.resize(batch, shape);
  t.values = std::move(values);
  return t;
}

TEST(TrainGradients, DenseWithBias) {
  DenseLayer layer(1, 7, 5, 0, random_values(35, 1, 0.5), random_values(5, 2));
  check_layer(layer, tensor(3, Shape{7, 1, 1}, random_values(21, 3)), "dense");
}

TEST(TrainGradients, ConvStridedPaddedNonSquare) {
  Graph g("conv");
  Conv2dAttrs attrs;
  attrs.out_channels = 4;
  attrs.kernel_h = 3, attrs.kernel_w = 2;
  attrs.stride_h = 2, attrs.stride_w = 1;
  attrs.pad_h = 1, attrs.pad_w = 0;
  attrs.bias = true;
  const int conv = g.conv2d(g.input(Shape{3, 7, 6}), attrs);
  ASSERT_EQ(g.shape(conv), (Shape{4, 4, 5}));
  // Batch 3 with a chunk of more than one image exercises the side-by-side im2col columns.
  ConvLayer layer(conv, g.shape(0), g.shape(conv), attrs, 0, random_values(4 * 3 * 3 * 2, 4, 0.4),
                  random_values(4, 5));
  check_layer(layer, tensor(3, Shape{3, 7, 6}, random_values(3 * 3 * 7 * 6, 6)), "conv");
}

TEST(TrainGradients, ConvOneImagePerChunk) {
  // 33 x 33 = 1089 output pixels: one image per GEMM chunk, so the weight gradients of the two
  // images are accumulated across chunks.
  Graph g("conv");
  const int conv = g.conv2d(g.input(Shape{1, 35, 35}), square_conv(2, 3));
  ConvLayer layer(conv, g.shape(0), g.shape(conv), square_conv(2, 3), 0,
                  random_values(2 * 9, 15, 0.4), {});
  check_layer(layer, tensor(2, Shape{1, 35, 35}, random_values(2 * 35 * 35, 16)), "conv chunks");
}

TEST(TrainGradients, BatchNormTrainingModeOverFeatureMaps) {
  std::vector<float> weights = random_values(3, 7);          // gamma
  for (float v : random_values(3, 8)) weights.push_back(v);  // beta
  weights.insert(weights.end(), {0, 0, 0, 1, 1, 1});         // running mean, variance
  BatchNormLayer layer(1, 3, weights);
  check_layer(layer, tensor(2, Shape{3, 2, 3}, random_values(36, 9, 2.0)), "batchnorm maps");
}

TEST(TrainGradients, BatchNormTrainingModeFlat) {
  std::vector<float> weights{1.5f, -0.7f, 0.3f, 0.2f, 0, 0, 1, 1};
  BatchNormLayer layer(1, 2, weights);
  check_layer(layer, tensor(5, Shape{2, 1, 1}, random_values(10, 10)), "batchnorm flat");
}

TEST(TrainGradients, MaxPoolOverlappingWindowsWithPadding) {
  Graph g("pool");
  const int pool = g.max_pool(g.input(Shape{2, 5, 6}), PoolAttrs{3, 2, 1, false});
  MaxPoolLayer layer(pool, g.shape(pool), PoolAttrs{3, 2, 1, false});
  check_layer(layer, tensor(2, Shape{2, 5, 6}, kink_free_values(120, 11)), "max pool");
}

TEST(TrainGradients, ReluAndHardTanh) {
  ActivationLayer relu(1, ActivationKind::ReLU);
  check_layer(relu, tensor(2, Shape{3, 2, 2}, kink_free_values(24, 12)), "relu");
  ActivationLayer hardtanh(1, ActivationKind::HardTanh);
  check_layer(hardtanh, tensor(2, Shape{3, 2, 2}, kink_free_values(24, 13)), "hardtanh");
}

TEST(TrainGradients, SoftmaxCrossEntropy) {
  Tensor logits = tensor(3, Shape{4, 1, 1}, random_values(12, 14, 2.0));
  const std::vector<Label> labels{2, 0, 3};
  Tensor grad;
  softmax_cross_entropy(logits, labels, grad);
  for (std::size_t i = 0; i < logits.values.size(); ++i) {
    auto mean_loss = [&](float value) {
      Tensor probe = logits, unused;
      probe.values[i] = value;
      return softmax_cross_entropy(probe, labels, unused).total_loss / 3.0;
    };
    const float x = logits.values[i];
    expect_close(
        grad.values[i],
        (mean_loss(static_cast<float>(x + kStep)) - mean_loss(static_cast<float>(x - kStep))) /
            (2 * kStep),
        "softmax cross-entropy " + std::to_string(i));
  }
}

TEST(TrainGradients, SoftmaxCrossEntropyValueAndAccuracy) {
  // Two classes with logits (0, ln 3): p = (1/4, 3/4).
  Tensor logits = tensor(2, Shape{2, 1, 1}, {0.0f, std::log(3.0f), 0.0f, std::log(3.0f)});
  Tensor grad;
  const LossResult r = softmax_cross_entropy(logits, std::vector<Label>{1, 0}, grad);
  EXPECT_NEAR(r.total_loss, -std::log(0.75) - std::log(0.25), 1e-6);
  EXPECT_EQ(r.correct, 1);
  EXPECT_NEAR(grad.values[0], 0.25 / 2, 1e-6);
  EXPECT_NEAR(grad.values[1], (0.75 - 1) / 2, 1e-6);
}

}  // namespace
