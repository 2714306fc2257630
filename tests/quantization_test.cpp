// The quantized arithmetic every backend shares, against values computed by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "core/quantization.hpp"

namespace qtb {
namespace {

TEST(Quantization, Levels) {
  EXPECT_EQ((UniformQuantizer{8, false}.max_level()), 255);
  EXPECT_EQ((UniformQuantizer{8, true}.min_level()), -127);
  EXPECT_EQ((UniformQuantizer{4, true}.max_level()), 7);
  EXPECT_EQ((UniformQuantizer{2, true}.min_level()), -1);  // ternary
  EXPECT_EQ((UniformQuantizer{2, false}.max_level()), 3);
  EXPECT_EQ((UniformQuantizer{1, true}.min_level()), -1);
  EXPECT_EQ((UniformQuantizer{1, true}.max_level()), 1);
}

TEST(Quantization, QuantizeRoundsHalfToEvenAndClamps) {
  const UniformQuantizer q{4, false, 0.5f, 0};
  EXPECT_EQ(q.quantize(0.25f), 0);  // 0.5 -> 0 (even)
  EXPECT_EQ(q.quantize(0.75f), 2);  // 1.5 -> 2
  EXPECT_EQ(q.quantize(1.25f), 2);  // 2.5 -> 2
  EXPECT_EQ(q.quantize(-3.0f), 0);  // clamped
  EXPECT_EQ(q.quantize(100.0f), 15);
  EXPECT_EQ(q.quantize(std::nanf("")), 0);
  const UniformQuantizer with_zero{8, false, 0.1f, 10};
  EXPECT_EQ(with_zero.quantize(-0.5f), 5);
  EXPECT_FLOAT_EQ(with_zero.dequantize(5), -0.5f);
  const UniformQuantizer binary{1, true, 0.3f, 0};
  EXPECT_EQ(binary.quantize(0.0f), 1);
  EXPECT_EQ(binary.quantize(-1e-9f), -1);
  EXPECT_FLOAT_EQ(binary.dequantize(-1), -0.3f);
}

TEST(Quantization, ChannelScales) {
  EXPECT_FLOAT_EQ(ChannelQuantizer::scale_for(8, 12.7f, 1.0f), 0.1f);
  EXPECT_FLOAT_EQ(ChannelQuantizer::scale_for(2, 0.5f, 0.2f), 0.5f);  // ternary: max_level 1
  EXPECT_FLOAT_EQ(ChannelQuantizer::scale_for(1, 0.5f, 0.2f), 0.2f);  // binary: mean magnitude
  EXPECT_FLOAT_EQ(ChannelQuantizer::scale_for(4, 0.0f, 0.0f), 1.0f);  // all-zero channel
}

TEST(Quantization, RequantizerByHand) {
  // multiplier 0.75 = 0.75 * 2^0: fraction 0.75, exponent 0 -> 805306368 * 2^-30.
  const Requantizer r = Requantizer::from_real(0.75, 2.0, 0, 255);
  EXPECT_EQ(r.multiplier, 805306368);
  EXPECT_EQ(r.shift, 30);
  EXPECT_EQ(r.bias, 2);
  EXPECT_EQ(r.apply(10), 9);  // 0.75 * 12 = 9
  EXPECT_EQ(r.apply(0), 2);   // 1.5 -> ties round up -> 2
  EXPECT_EQ(r.apply(-4), 0);  // -1.5 clamps to 0
  EXPECT_EQ(r.apply(1000), 255);
  const Requantizer signed_r = Requantizer::from_real(0.5, 0.0, -7, 7);
  EXPECT_EQ(signed_r.apply(-3), -1);  // -1.5: (x + 2^(s-1)) >> s rounds ties up -> -1
  EXPECT_EQ(signed_r.apply(-5), -2);  // -2.5 -> -2
  EXPECT_EQ(signed_r.apply(-100), -7);
}

TEST(Quantization, RequantizerMatchesRealArithmeticClosely) {
  for (double m : {1e-6, 3.3e-4, 0.01234, 0.5, 0.999, 1.7, 123.4}) {
    const Requantizer r = Requantizer::from_real(m, 0.0, INT32_MIN, INT32_MAX);
    for (std::int32_t acc : {-1000000, -12345, -1, 0, 7, 99999, 1 << 20}) {
      const double exact = m * acc;
      EXPECT_LE(std::abs(r.apply(acc) - exact), 0.5 + 1e-6 * std::abs(exact) + 1e-9)
          << m << " " << acc;
    }
  }
  const Requantizer negative = Requantizer::from_real(-0.25, 0.0, -100, 100);
  EXPECT_EQ(negative.apply(8), -2);
  EXPECT_EQ(Requantizer::from_real(0.0, 3.0, -5, 5).apply(1000), 0);
  EXPECT_THROW(Requantizer::from_real(std::nan(""), 0, 0, 1), std::invalid_argument);
  EXPECT_THROW(Requantizer::from_real(2e9, 0, 0, 1), std::invalid_argument);
}

TEST(Quantization, BinaryRequantizerIsAThreshold) {
  Requantizer r = Requantizer::from_real(0.1, -3.0, -1, 1);
  r.binary = true;
  EXPECT_EQ(r.apply(3), 1);  // acc + bias = 0 -> +1
  EXPECT_EQ(r.apply(2), -1);
  Requantizer flipped = Requantizer::from_real(-0.1, -3.0, -1, 1);
  flipped.binary = true;  // a negative batchnorm scale flips the comparison
  EXPECT_EQ(flipped.apply(2), 1);
  EXPECT_EQ(flipped.apply(4), -1);
}

}  // namespace
}  // namespace qtb
