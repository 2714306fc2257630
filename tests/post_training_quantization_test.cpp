// Post-training quantization: activation ranges calibrated on real images by min/max and by
// percentile (hand-computed), quantizer nodes placed where lower() uses them.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "engine/registry.hpp"
#include "optimize/post_training_quantization.hpp"

namespace qtb {
namespace {

// Two pixels -> dense copying them (out0 = x0, out1 = x1) -> ReLU -> dense to 2 logits.
Graph copy_net() {
  Graph g("copy");
  int x = g.flatten(g.input(Shape{2, 1, 1}), "flat");
  x = g.dense(x, DenseAttrs{2, false}, "d1");
  g.set_weights(x, {1, 0, 0, 1});
  x = g.activation(x, ActivationKind::ReLU, "relu");
  x = g.dense(x, DenseAttrs{2, false}, "d2");
  g.set_weights(x, {1, 0, 0, 1});
  return g;
}

// 100 images: pixel 0 = i, pixel 1 = 0.
DataSet ramp() {
  DataSet data;
  data.name = "ramp";
  data.channels = 2;
  data.height = 1;
  data.width = 1;
  data.classes = 2;
  for (int i = 0; i < 100; ++i) {
    data.pixels.push_back(static_cast<std::uint8_t>(i));
    data.pixels.push_back(0);
    data.labels.push_back(0);
  }
  return data;
}

TEST(PostTrainingQuantization, MinMaxFixesTheLargestValueSeen) {
  PtqOptions options;
  options.method = CalibrationMethod::minmax;
  const PtqResult result = quantize_post_training(copy_net(), ramp(), options);
  ASSERT_EQ(result.tensors.size(), 1u);
  const float max = 99.0f * (1.0f / 255.0f);
  EXPECT_FLOAT_EQ(result.tensors[0].clip, max);
  EXPECT_FLOAT_EQ(result.tensors[0].scale, max / 255.0f);
  const Node& q = result.graph.node(4);
  ASSERT_EQ(q.kind, OpKind::Quantizer);
  EXPECT_EQ(q.inputs, std::vector<int>{3});
  EXPECT_FLOAT_EQ(std::get<QuantizerAttrs>(q.attrs).scale, max / 255.0f);
  EXPECT_FALSE(std::get<QuantizerAttrs>(q.attrs).is_signed);
  EXPECT_EQ(result.graph.node(5).inputs, std::vector<int>{4});
  // The quantized graph compiles for INT8 on the reference backend (lower() accepts it).
  EXPECT_NO_THROW(make_backend("reference")->compile(result.graph, options.precision, {}));
}

TEST(PostTrainingQuantization, PercentileClipsToTheValueAtThatRank) {
  // 200 values: 101 zeros (pixel 1 always, pixel 0 of image 0) and 1..99 / 255. The 90th
  // percentile is the 180th value, 79 / 255, found to one histogram bin (max / 4096) above it.
  PtqOptions options;
  options.percentile = 0.9;
  const PtqResult result = quantize_post_training(copy_net(), ramp(), options);
  ASSERT_EQ(result.tensors.size(), 1u);
  const float exact = 79.0f / 255.0f;
  const float bin = 99.0f / 255.0f / 4096.0f;
  EXPECT_GE(result.tensors[0].clip, exact);
  EXPECT_LE(result.tensors[0].clip, exact + bin);
  EXPECT_FLOAT_EQ(result.tensors[0].scale, result.tensors[0].clip / 255.0f);
}

TEST(PostTrainingQuantization, FewerBitsUseFewerLevels) {
  PtqOptions options;
  options.precision = parse_precision("W4A4");
  options.method = CalibrationMethod::minmax;
  const PtqResult result = quantize_post_training(copy_net(), ramp(), options);
  EXPECT_FLOAT_EQ(result.tensors[0].scale, 99.0f / 255.0f / 15.0f);
  EXPECT_EQ(std::get<QuantizerAttrs>(result.graph.node(4).attrs).bits, 4);
}

TEST(PostTrainingQuantization, FloatFormatsKeepTheGraphAndOneBitIsRefused) {
  PtqOptions options;
  options.precision = parse_precision("FP16");
  EXPECT_EQ(quantize_post_training(copy_net(), ramp(), options).graph.size(), copy_net().size());
  options.precision = parse_precision("W1A1");
  EXPECT_THROW(quantize_post_training(copy_net(), ramp(), options), InputError);
  options.precision = parse_precision("INT8");
  options.percentile = 0;
  EXPECT_THROW(quantize_post_training(copy_net(), ramp(), options), InputError);
  options.percentile = 0.99;
  DataSet wrong = ramp();
  wrong.channels = 1;
  wrong.height = 2;
  EXPECT_THROW(quantize_post_training(copy_net(), wrong, options), InputError);
}

}  // namespace
}  // namespace qtb
