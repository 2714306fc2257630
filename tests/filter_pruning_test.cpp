// Filter pruning by L1 norm on hand-built networks: which filters survive, and that the next
// layer's inputs and the batchnorm channels follow them.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "engine/random_weights.hpp"
#include "optimize/filter_pruning.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

// input 4 -> dense d1 (3 outputs) -> bn -> relu -> dense d2 (2 outputs): d1 is hidden, d2 the
// classifier. `hidden` sets d1's width so the same builder gives the trained and the target.
Graph two_layer(std::int64_t hidden) {
  Graph g("tiny");
  int x = g.flatten(g.input(Shape{4, 1, 1}), "flat");
  x = g.dense(x, DenseAttrs{hidden, true}, "d1");
  x = g.activation(g.batch_norm(x, "bn"), ActivationKind::ReLU, "relu");
  g.dense(x, DenseAttrs{2, false}, "d2");
  return g;
}

TEST(FilterPruning, KeepsTheHighestL1FiltersAndTheirDownstreamInputs) {
  Graph trained = two_layer(3);
  // Rows (filters) of d1 with L1 norms 4, 10, 6: pruning to 2 keeps filters 1 and 2.
  trained.set_weights(2, {1, -1, 1, -1, /**/ 5, -5, 0, 0, /**/ 0, 3, -3, 0}, {0.1f, 0.2f, 0.3f});
  trained.set_weights(3, {1, 2, 3, /**/ 4, 5, 6, /**/ 7, 8, 9, /**/ 10, 11, 12});
  trained.set_weights(5, {1, 2, 3, /**/ 4, 5, 6});
  const FilterPruningResult pruned = prune_filters_l1(trained, two_layer(2));

  ASSERT_EQ(pruned.layers.size(), 1u);
  EXPECT_EQ(pruned.layers[0].name, "d1");
  EXPECT_EQ(pruned.layers[0].kept, (std::vector<std::int64_t>{1, 2}));
  const Graph& g = pruned.graph;
  EXPECT_EQ(g.node(2).weights, (std::vector<float>{5, -5, 0, 0, 0, 3, -3, 0}));
  EXPECT_EQ(g.node(2).bias, (std::vector<float>{0.2f, 0.3f}));
  EXPECT_EQ(g.node(3).weights, (std::vector<float>{2, 3, 5, 6, 8, 9, 11, 12}));
  EXPECT_EQ(g.node(5).weights, (std::vector<float>{2, 3, 5, 6}));  // classifier: inputs 1, 2
  EXPECT_EQ(g.shape(5).channels, 2);
}

TEST(FilterPruning, TiesKeepTheLowerIndex) {
  EXPECT_EQ(largest_l1_rows({1, 1, 2, 0, -1, 1, 0, 2}, 4, 2), (std::vector<std::int64_t>{0, 1}));
  // Norms 2, 2, 4, 2: row 2, then the first of the three tied rows.
  EXPECT_EQ(largest_l1_rows({1, 1, 2, 0, -1, 3, 0, 2}, 4, 2), (std::vector<std::int64_t>{0, 2}));
}

TEST(FilterPruning, ConvChannelsFollowThroughPoolAndFlatten) {
  // conv (2 -> 3 channels, 1x1) on a 2x2 image, max pool to 1x1... keep it at 2x2: flatten gives
  // 3 x 4 features, so keeping channels {0, 2} keeps features 0..3 and 8..11 of the dense.
  const auto build = [](std::int64_t channels) {
    Graph g("convnet");
    int x = g.input(Shape{2, 2, 2}, "in");
    x = g.conv2d(x, square_conv(channels, 1), "c1");
    x = g.flatten(x, "flat");
    g.dense(x, DenseAttrs{1, false}, "fc");
    return g;
  };
  Graph trained = build(3);
  trained.set_weights(1, {3, 3, /**/ 1, 0, /**/ -2, 2});  // L1 6, 1, 4
  std::vector<float> fc(12);
  for (int i = 0; i < 12; ++i) fc[static_cast<std::size_t>(i)] = static_cast<float>(i);
  trained.set_weights(3, fc);
  const FilterPruningResult pruned = prune_filters_l1(trained, build(2));
  EXPECT_EQ(pruned.graph.node(1).weights, (std::vector<float>{3, 3, -2, 2}));
  EXPECT_EQ(pruned.graph.node(3).weights, (std::vector<float>{0, 1, 2, 3, 8, 9, 10, 11}));
}

TEST(FilterPruning, ZooMlpAndCnvPruneToTheZooWidths) {
  for (const char* name : {"mlp", "cnv"}) {
    Graph trained = build_topology(name, 0.25);
    fill_random_weights(trained, 3);
    const Graph target = build_topology(name, 0.125);
    const FilterPruningResult pruned = prune_filters_l1(trained, target);
    ASSERT_EQ(pruned.graph.size(), target.size()) << name;
    for (int id = 0; id < target.size(); ++id) {
      EXPECT_EQ(pruned.graph.shape(id), target.shape(id)) << name << " " << target.node(id).name;
    }
    EXPECT_TRUE(pruned.graph.has_all_weights()) << name;
  }
}

TEST(FilterPruning, RefusesUntrainedGraphsMismatchedTargetsAndResidualTopologies) {
  EXPECT_THROW(prune_filters_l1(build_topology("mlp", 1), build_topology("mlp", 0.5)), InputError);
  Graph mlp = build_topology("mlp", 0.25);
  fill_random_weights(mlp, 1);
  EXPECT_THROW(prune_filters_l1(mlp, build_topology("cnv", 0.125)), InputError);
  EXPECT_THROW(prune_filters_l1(mlp, build_topology("mlp", 0.5)), InputError);  // would grow
  // A residual block whose pruned conv output meets the skip connection in an add.
  const auto residual = [](std::int64_t channels) {
    Graph g("residual");
    const int in = g.input(Shape{4, 2, 2}, "in");
    const int conv = g.conv2d(in, square_conv(channels, 1), "c1");
    const int sum = g.add({conv, g.conv2d(in, square_conv(channels, 1), "skip")}, "sum");
    g.conv2d(sum, square_conv(2, 1), "head");
    return g;
  };
  Graph block = residual(4);
  fill_random_weights(block, 1);
  EXPECT_THROW(prune_filters_l1(block, residual(2)), InputError);
}

}  // namespace
}  // namespace qtb
