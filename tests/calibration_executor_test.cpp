// CalibrationExecutor must reproduce the reference FloatExecutor (FP32 storage) bit for bit on
// every node: lower() calibrates with it, and every backend's integer output is tested against
// levels derived from those calibrated scales.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <map>
#include <vector>

#include "engine/reference/float_executor.hpp"
#include "lowering/calibration_executor.hpp"
#include "test_networks.hpp"

namespace qtb {
namespace {

using NodeValues = std::map<int, std::vector<float>>;

NodeValues reference_values(const Graph& graph, const std::vector<float>& input) {
  const FloatExecutor reference(graph, FloatFormat::FP32);
  NodeValues values;
  std::vector<float> output(static_cast<std::size_t>(reference.output_shape().elements()));
  reference.run(input, output, [&](int node, std::span<const float> v) {
    values[node].assign(v.begin(), v.end());
  });
  return values;
}

NodeValues calibration_values(const Graph& graph, const std::vector<float>& input) {
  const CalibrationExecutor executor(graph);
  NodeValues values;
  executor.run(
      input, [&](int node, std::span<const float> v) { values[node].assign(v.begin(), v.end()); });
  return values;
}

// Compares the bits, not the values: +0 and -0 or two NaNs must not pass for one another.
void expect_same_bits(const Graph& graph, const NodeValues& want, const NodeValues& got,
                      const std::string& network) {
  int compared = 0;
  for (const auto& [node, values] : got) {
    const auto ref = want.find(node);
    if (ref == want.end()) continue;  // the input node, which only one executor reports
    ++compared;
    const std::string& name = graph.node(node).name;
    ASSERT_EQ(values.size(), ref->second.size()) << network << " node " << name;
    int mismatches = 0;
    for (std::size_t i = 0; i < values.size() && mismatches < 3; ++i) {
      if (std::bit_cast<std::uint32_t>(values[i]) != std::bit_cast<std::uint32_t>(ref->second[i])) {
        ADD_FAILURE() << network << " node " << name << " [" << i << "]: " << values[i]
                      << " vs reference " << ref->second[i];
        ++mismatches;
      }
    }
  }
  // Every node the reference computes, up to the output, must have been compared.
  EXPECT_EQ(compared, static_cast<int>(want.size())) << network;
  EXPECT_GT(compared, 0) << network;
}

TEST(CalibrationExecutor, MatchesFloatExecutorBitForBit) {
  // mlp and cnv at 0.125 and 0.25, cnv at 0.3 (widths that are not multiples of 8 or 16), the
  // ResNet bottleneck (strides, projection shortcut, add, global pool) and the MobileNet
  // depthwise block (grouped convs, padding).
  std::uint64_t seed = 11;
  for (const auto& net : testing::backend_test_networks(301, {0.3})) {
    const Graph& graph = net.graph;
    for (int k = 0; k < 2; ++k) {
      const auto input = testing::random_pixels(graph.shape(0).elements(), seed++);
      expect_same_bits(graph, reference_values(graph, input), calibration_values(graph, input),
                       net.name);
    }
  }
}

TEST(CalibrationExecutor, MatchesOnSignedInputsAndOddShapes) {
  // Inputs with negative values (as after a signed quantizer) reach every sign of product; an odd
  // spatial size with stride 2 and padding, and a dense layer on a non-flat value.
  Graph g("odd");
  int x = g.input(Shape{5, 13, 7});
  x = g.batch_norm(g.conv2d(x, square_conv(7, 3, 2, 1), "c1"), "bn1");
  const int y = g.conv2d(x, square_conv(7, 1, 1, 0), "c2");
  x = g.activation(g.add({x, y}, "add"), ActivationKind::ReLU, "relu");
  x = g.max_pool(x, PoolAttrs{3, 2, 1}, "pool");
  g.dense(g.flatten(x, "flat"), DenseAttrs{9, true}, "fc");
  fill_random_weights(g, 5);
  auto input = testing::random_pixels(g.shape(0).elements(), 99);
  for (float& v : input) v = 2.0f * v - 1.0f;
  expect_same_bits(g, reference_values(g, input), calibration_values(g, input), "odd");
}

}  // namespace
}  // namespace qtb
