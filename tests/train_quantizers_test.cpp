// The trainer's fake quantizers: forward values computed by hand (exact binary fractions, with
// ties to check round-half-to-even), per-channel independence, and the straight-through masks.
#include <gtest/gtest.h>

#include <vector>

#include "train/layers/elementwise_layers.hpp"
#include "train/quantizers.hpp"

namespace {

using namespace qtb;
using namespace qtb::train_detail;

std::vector<float> quantized(int bits, const std::vector<float>& w, std::int64_t channels) {
  std::vector<float> out(w.size());
  quantize_weights(bits, w, channels, out);
  return out;
}

TEST(TrainQuantizers, TwoBitWeightsAreTernaryPerChannel) {
  // Channel 0: max 0.6, scale 0.6, 0.3 / 0.6 is exactly 0.5 -> 0 (half to even).
  // Channel 1: max 4, scale 4: 2 -> 0.5 -> 0; -3 -> -0.75 -> -1; 4 -> 1; -1 -> 0.
  EXPECT_EQ(quantized(2, {0.3f, -0.6f, 0.1f, 0.25f, 2.0f, -3.0f, 4.0f, -1.0f}, 2),
            (std::vector<float>{0.0f, -0.6f, 0.0f, 0.0f, 0.0f, -4.0f, 4.0f, 0.0f}));
}

TEST(TrainQuantizers, FourBitWeights) {
  // max 1.75, scale 0.25 (max level 7): -1.5 -> -2, 0.5 -> 0, 2.25 -> 2.
  EXPECT_EQ(quantized(4, {1.75f, -0.375f, 0.125f, 0.5625f}, 1),
            (std::vector<float>{1.75f, -0.5f, 0.0f, 0.5f}));
}

TEST(TrainQuantizers, EightBitWeights) {
  // max 127/64, scale 1/64: 1.5 -> 2, -2.5 -> -2, 64 -> 64.
  EXPECT_EQ(quantized(8, {1.984375f, 0.0234375f, -0.0390625f, 1.0f}, 1),
            (std::vector<float>{1.984375f, 0.03125f, -0.03125f, 1.0f}));
}

TEST(TrainQuantizers, BinaryWeightsAreSignTimesMeanMagnitude) {
  // Channel 0: mean |w| = 0.5; 0 counts as positive. Channel 1: mean |w| = 2.
  EXPECT_EQ(quantized(1, {0.5f, -0.25f, 0.0f, -1.25f, 1.0f, 3.0f, -2.0f, -2.0f}, 2),
            (std::vector<float>{0.5f, -0.5f, 0.5f, -0.5f, 2.0f, 2.0f, -2.0f, -2.0f}));
}

TEST(TrainQuantizers, AllZeroChannelKeepsZeros) {
  EXPECT_EQ(quantized(2, {0.0f, 0.0f}, 1), (std::vector<float>{0.0f, 0.0f}));
}

std::vector<float> fake(const QuantizerAttrs& q, const std::vector<float>& x) {
  std::vector<float> y;
  for (float v : x) y.push_back(fake_quantize(q, v));
  return y;
}

TEST(TrainQuantizers, ActivationQuantizersAfterRelu) {
  const QuantizerAttrs a2 = relu_quantizer(2);
  EXPECT_EQ(a2.bits, 2);
  EXPECT_FALSE(a2.is_signed);
  EXPECT_EQ(a2.scale, 0.5f);
  // x / 0.5: 0.4 -> 0, 0.5 -> 0, 0.6 -> 1, 1.5 -> 2, 2.5 -> 2, 3.2 -> 3, 10 -> 3 (clamped).
  EXPECT_EQ(fake(a2, {0.0f, 0.2f, 0.25f, 0.3f, 0.75f, 1.25f, 1.6f, 5.0f}),
            (std::vector<float>{0.0f, 0.0f, 0.0f, 0.5f, 1.0f, 1.0f, 1.5f, 1.5f}));
  // 4 bits, scale 0.25: 0.5 -> 0, 1.5 -> 2, 15.6 -> 15 (clamped), 4 -> 4; negative -> 0.
  EXPECT_EQ(fake(relu_quantizer(4), {0.125f, 0.375f, 3.9f, 1.0f, -0.3f}),
            (std::vector<float>{0.0f, 0.5f, 3.75f, 1.0f, 0.0f}));
  // 8 bits, scale 1/32: 0.5 -> 0, 1.5 -> 2, 320 -> 255.
  EXPECT_EQ(fake(relu_quantizer(8), {0.015625f, 0.046875f, 10.0f}),
            (std::vector<float>{0.0f, 0.0625f, 7.96875f}));
}

TEST(TrainQuantizers, BinaryActivationIsSignWithZeroPositive) {
  const QuantizerAttrs b = relu_quantizer(1);
  EXPECT_EQ(b.bits, 1);
  EXPECT_TRUE(b.is_signed);
  EXPECT_EQ(b.scale, 1.0f);
  EXPECT_EQ(fake(b, {-0.1f, 0.0f, 2.0f, -7.0f}), (std::vector<float>{-1.0f, 1.0f, 1.0f, -1.0f}));
}

TEST(TrainQuantizers, SignedQuantizerAfterHardTanh) {
  // 2 bits signed: levels -1, 0, 1 with scale 1: 0.5 -> 0 (tie to even), -0.7 -> -1, 3 -> 1.
  EXPECT_EQ(fake(hardtanh_quantizer(2), {0.5f, -0.7f, 3.0f}),
            (std::vector<float>{0.0f, -1.0f, 1.0f}));
}

std::vector<float> ste_mask(const QuantizerAttrs& q, const std::vector<float>& x) {
  ActivationQuantizerLayer layer(1, q);
  Tensor in, out, grad_out, grad_in;
  in.resize(static_cast<std::int64_t>(x.size()), Shape{1, 1, 1});
  in.values = x;
  layer.forward(in, out, Mode::train);
  grad_out.resize(in.batch, in.shape);
  std::fill(grad_out.values.begin(), grad_out.values.end(), 1.0f);
  layer.backward(in, out, grad_out, &grad_in);
  return grad_in.values;
}

TEST(TrainQuantizers, StraightThroughMasks) {
  // A2 after ReLU: passes on [0, 1.5].
  EXPECT_EQ(ste_mask(relu_quantizer(2), {-0.1f, 0.0f, 1.5f, 1.6f, 0.7f}),
            (std::vector<float>{0, 1, 1, 0, 1}));
  // A4: [0, 3.75].
  EXPECT_EQ(ste_mask(relu_quantizer(4), {3.75f, 3.8f}), (std::vector<float>{1, 0}));
  // Binary: HardTanh's estimator, |x| <= 1.
  EXPECT_EQ(ste_mask(binary_quantizer(), {-1.5f, -1.0f, 0.5f, 1.0f, 1.01f}),
            (std::vector<float>{0, 1, 1, 1, 0}));
}

}  // namespace
