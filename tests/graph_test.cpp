// Shape inference on odd shapes, checked against sizes computed by hand.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "graph/graph.hpp"

namespace qtb {
namespace {

TEST(Graph, ConvOutputSizesOnOddShapes) {
  Graph g("odd");
  const int x = g.input(Shape{3, 17, 13});
  // floor((17 + 2 - 3) / 2) + 1 = 9, floor((13 + 2 - 3) / 2) + 1 = 7
  EXPECT_EQ(g.shape(g.conv2d(x, square_conv(5, 3, 2, 1))), (Shape{5, 9, 7}));
  // 5x5 unpadded stride 3: floor(12 / 3) + 1 = 5, floor(8 / 3) + 1 = 3
  EXPECT_EQ(g.shape(g.conv2d(x, square_conv(7, 5, 3, 0))), (Shape{7, 5, 3}));
  Conv2dAttrs rect = square_conv(2, 1, 1, 0);
  rect.kernel_h = 1;
  rect.kernel_w = 13;
  EXPECT_EQ(g.shape(g.conv2d(x, rect)), (Shape{2, 17, 1}));
}

TEST(Graph, DepthwiseAndGroupedConvWeights) {
  Graph g("dw");
  const int x = g.input(Shape{6, 9, 9});
  const int dw = g.conv2d(x, square_conv(6, 3, 1, 1, 6));
  EXPECT_EQ(g.weight_count(dw), 6 * 1 * 3 * 3);
  const int grouped = g.conv2d(x, square_conv(4, 3, 1, 1, 2));
  EXPECT_EQ(g.weight_count(grouped), 4 * 3 * 3 * 3);
  EXPECT_THROW(g.conv2d(x, square_conv(5, 3, 1, 1, 2)),
               InputError);  // 5 outputs not divisible by 2
  EXPECT_THROW(g.conv2d(x, square_conv(4, 3, 1, 1, 4)), InputError);  // 6 inputs not divisible by 4
}

TEST(Graph, PoolingFloorAndCeilModes) {
  Graph g("pool");
  const int x = g.input(Shape{4, 112, 112});
  // Floor: (112 - 3) / 2 + 1 = 55; Caffe's ceil: ceil(109 / 2) + 1 = 56.
  EXPECT_EQ(g.shape(g.max_pool(x, PoolAttrs{3, 2, 0, false})).height, 55);
  EXPECT_EQ(g.shape(g.max_pool(x, PoolAttrs{3, 2, 0, true})).height, 56);
  const int odd = g.input(Shape{1, 7, 5}, "odd");
  EXPECT_EQ(g.shape(g.avg_pool(odd, PoolAttrs{2, 2, 0, false})), (Shape{1, 3, 2}));
  EXPECT_EQ(g.shape(g.avg_pool(odd, PoolAttrs{2, 2, 0, true})), (Shape{1, 4, 3}));
  // Ceil mode drops a window that would start inside the padding only: 3x3/2 pad 1 on 4 ->
  // ceil((4 + 2 - 3) / 2) + 1 = 3, and (3 - 1) * 2 = 4 < 4 + 1 keeps it.
  const int four = g.input(Shape{1, 4, 4}, "four");
  EXPECT_EQ(g.shape(g.max_pool(four, PoolAttrs{3, 2, 1, true})).height, 3);
  EXPECT_EQ(g.shape(g.global_avg_pool(odd)), (Shape{1, 1, 1}));
}

TEST(Graph, AddConcatFlattenDense) {
  Graph g("merge");
  const int x = g.input(Shape{3, 5, 5});
  const int a = g.conv2d(x, square_conv(4, 1, 1, 0));
  const int b = g.conv2d(x, square_conv(4, 3, 1, 1));
  const int c = g.conv2d(x, square_conv(9, 3, 1, 0));
  EXPECT_EQ(g.shape(g.add({a, b})), (Shape{4, 5, 5}));
  EXPECT_EQ(g.shape(g.concat({a, b, x})), (Shape{11, 5, 5}));
  EXPECT_THROW(g.add({a, c}), InputError);                      // 4x5x5 vs 9x3x3
  EXPECT_THROW(g.concat({a, c}), InputError);                   // 5x5 vs 3x3
  EXPECT_THROW(g.dense(a, DenseAttrs{10, false}), InputError);  // not flat
  const int flat = g.flatten(a);
  EXPECT_EQ(g.shape(flat), (Shape{100, 1, 1}));
  const int fc = g.dense(flat, DenseAttrs{7, true});
  EXPECT_EQ(g.weight_count(fc), 700);
  EXPECT_EQ(g.bias_count(fc), 7);
  EXPECT_EQ(g.shape(g.softmax(fc)), (Shape{7, 1, 1}));
}

TEST(Graph, ElementwiseNodesKeepShape) {
  Graph g("elementwise");
  const int x = g.input(Shape{3, 4, 5});
  EXPECT_EQ(g.shape(g.batch_norm(x)), (Shape{3, 4, 5}));
  EXPECT_EQ(g.shape(g.activation(x, ActivationKind::HardTanh)), (Shape{3, 4, 5}));
  EXPECT_EQ(g.shape(g.quantizer(x, QuantizerAttrs{2, true, 0.5f})), (Shape{3, 4, 5}));
  EXPECT_THROW(g.quantizer(x, QuantizerAttrs{0, true, 1.0f}), InputError);
  EXPECT_THROW(g.quantizer(x, QuantizerAttrs{4, true, 0.0f}), InputError);
}

TEST(Graph, RejectsKernelsLargerThanTheInputAndBadIndices) {
  Graph g("bad");
  const int x = g.input(Shape{1, 2, 2});
  EXPECT_THROW(g.conv2d(x, square_conv(1, 3, 1, 0)), InputError);
  EXPECT_NO_THROW(g.conv2d(x, square_conv(1, 3, 1, 1)));
  EXPECT_THROW(g.max_pool(x, PoolAttrs{3, 1, 0, false}), InputError);
  EXPECT_THROW(g.conv2d(42, square_conv(1, 1, 1, 0)), InputError);
  EXPECT_THROW(g.input(Shape{0, 1, 1}, "empty"), InputError);
  try {
    g.conv2d(x, square_conv(1, 5, 1, 0), "too_big");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("too_big"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'bad'"), std::string::npos) << e.what();
  }
}

TEST(Graph, WeightsAreOptionalButCheckedWhenGiven) {
  Graph g("weights");
  const int x = g.flatten(g.input(Shape{2, 1, 1}));
  const int fc = g.dense(x, DenseAttrs{3, true});
  EXPECT_TRUE(g.node(fc).weights.empty());
  EXPECT_THROW(g.set_weights(fc, std::vector<float>(5)), InputError);
  EXPECT_THROW(g.set_weights(fc, std::vector<float>(6), std::vector<float>(2)), InputError);
  g.set_weights(fc, std::vector<float>(6, 0.5f), std::vector<float>(3, 1.0f));
  EXPECT_EQ(g.node(fc).weights.size(), 6u);
  EXPECT_EQ(g.node(fc).bias.size(), 3u);
}

}  // namespace
}  // namespace qtb
