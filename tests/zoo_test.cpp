// The zoo's counts against the paper's published numbers (Table 4/6/7, topology_details.csv).
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "cost/cost.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

NetworkCost fp32_cost(const std::string& model, double prune) {
  return compute_cost(build_topology(model, prune), Precision::uniform(DataType::FP32));
}

struct ExactCount {
  const char* model;
  double prune;
  std::int64_t ops;
  std::int64_t params;
};

// topology_details.csv and the issue: exact figures (ops = 2 x MACs).
TEST(Zoo, SmallTopologiesMatchThePaperExactly) {
  const ExactCount expected[] = {
      {"cnv", 1.0, 469'449'728, 6'157'696}, {"cnv", 0.5, 118'922'752, 1'542'848},
      {"cnv", 0.25, 30'510'848, 387'424},   {"mlp", 1.0, 20'029'440, 10'014'720},
      {"mlp", 0.5, 5'820'416, 2'910'208},   {"mlp", 0.25, 1'861'632, 930'816},
  };
  for (const auto& e : expected) {
    const NetworkCost cost = fp32_cost(e.model, e.prune);
    EXPECT_EQ(cost.ops, e.ops) << e.model << " s=" << e.prune;
    EXPECT_EQ(cost.params, e.params) << e.model << " s=" << e.prune;
    EXPECT_EQ(cost.ops, 2 * cost.macs);
  }
}

// The paper lists 8,124,928 ops for cnv at 12.5 %, but the topology it describes (unpadded 3x3
// convs on 32x32) gives 8,017,792: the paper's figure counts conv1 at a 32x32 output instead of
// 30x30 (conv1 has 3*3*3*16 = 432 weights at this scale), while its parameter count and every
// other scale agree with the unpadded network. We keep the consistent count and pin the
// difference to exactly that slip.
TEST(Zoo, CnvAtEighthScaleDiffersFromThePaperOnlyByItsConv1Slip) {
  const NetworkCost cost = fp32_cost("cnv", 0.125);
  EXPECT_EQ(cost.params, 97'712);
  EXPECT_EQ(cost.ops, 8'017'792);
  const std::int64_t paper_ops = 8'124'928;
  EXPECT_EQ(paper_ops - cost.ops, 2 * 432 * (32 * 32 - 30 * 30));
  EXPECT_EQ(cost.layers[1].name, "conv1");
  EXPECT_EQ(cost.layers[1].params, 432);
}

// mlp at 12.5 %: Table 4 gives 0.0007 GOPs and 0.33 M elements; by hand 784*256 + 2*256*256 +
// 256*10 = 334,336 weights, each used once.
TEST(Zoo, MlpAtEighthScaleMatchesHandCount) {
  const NetworkCost cost = fp32_cost("mlp", 0.125);
  EXPECT_EQ(cost.params, 334'336);
  EXPECT_EQ(cost.ops, 2 * 334'336);
}

const Node& find_node(const Graph& graph, const std::string& name) {
  for (const auto& node : graph.nodes()) {
    if (node.name == name) return node;
  }
  throw std::runtime_error("no node " + name + " in " + graph.name());
}

double relative_error(double ours, double theirs) {
  return std::abs(ours - theirs) / theirs;
}

// Table 4: ResNet-50 7.7 GOPs / 25.5 M, MobileNet v1 1.1 GOPs / 4.2 M, GoogLeNet 3.1 GOPs.
TEST(Zoo, ImageNetTopologiesWithinFivePercentOfThePaper) {
  const NetworkCost resnet = fp32_cost("resnet50", 1.0);
  EXPECT_LT(relative_error(static_cast<double>(resnet.ops), 7.7e9), 0.05) << resnet.ops;
  EXPECT_LT(relative_error(static_cast<double>(resnet.params), 25.5e6), 0.05) << resnet.params;
  const NetworkCost mobilenet = fp32_cost("mobilenet_v1", 1.0);
  EXPECT_LT(relative_error(static_cast<double>(mobilenet.ops), 1.1e9), 0.05) << mobilenet.ops;
  EXPECT_LT(relative_error(static_cast<double>(mobilenet.params), 4.2e6), 0.05) << mobilenet.params;
  const NetworkCost googlenet = fp32_cost("googlenet", 1.0);
  EXPECT_LT(relative_error(static_cast<double>(googlenet.ops), 3.1e9), 0.05) << googlenet.ops;
  // The paper's 6 M for GoogLeNet is rounded (its OI implies ~5.9 M bytes at INT8); Szegedy et al.
  // (2015) Table 1 sums to 6.8 M parameters, which is what we check (docs/cost-model.md).
  EXPECT_LT(relative_error(static_cast<double>(googlenet.params), 6.8e6), 0.05) << googlenet.params;
}

// Exact counts known from the architectures themselves (computed by hand from the published
// layer tables): ResNet-50 v1 conv+fc weights 25,502,912; MobileNet v1 4,209,088 weights
// (3,185,088 conv + 1,024,000 fc) and 568,740,352 multiply-adds per Howard et al. ("569 M").
TEST(Zoo, ImageNetTopologiesExactHandCounts) {
  EXPECT_EQ(fp32_cost("resnet50", 1.0).params, 25'502'912);
  const NetworkCost mobilenet = fp32_cost("mobilenet_v1", 1.0);
  EXPECT_EQ(mobilenet.params, 4'209'088);
  EXPECT_EQ(mobilenet.macs, 568'740'352);
}

TEST(Zoo, PruningShrinksOnlyHiddenChannels) {
  const Graph cnv = build_topology("cnv", 0.25);
  EXPECT_EQ(cnv.shape(0), (Shape{3, 32, 32}));
  EXPECT_EQ(cnv.shape(cnv.size() - 1).channels, 10);  // classifier output kept
  const Graph resnet = build_topology("resnet50", 0.5);
  EXPECT_EQ(resnet.shape(resnet.size() - 1).channels, 1000);
  // Block outputs keep their width, inner convs shrink.
  EXPECT_EQ(find_node(resnet, "res2a_branch2a").output.channels, 32);
  EXPECT_EQ(find_node(resnet, "res2a_branch2b").output.channels, 32);
  EXPECT_EQ(find_node(resnet, "res2a_branch2c").output.channels, 256);
  EXPECT_EQ(find_node(resnet, "res3a_branch2a").output, (Shape{64, 28, 28}));  // stride in 1x1
  const Graph googlenet = build_topology("googlenet", 0.5);
  EXPECT_EQ(find_node(googlenet, "inception_3a/3x3_reduce").output.channels, 48);
  EXPECT_EQ(find_node(googlenet, "inception_3a/3x3").output.channels, 128);
  EXPECT_EQ(find_node(googlenet, "inception_3a/output").output, (Shape{256, 28, 28}));
  EXPECT_LT(fp32_cost("googlenet", 0.5).ops, fp32_cost("googlenet", 1.0).ops);
  EXPECT_LT(fp32_cost("mobilenet_v1", 0.5).ops, fp32_cost("mobilenet_v1", 1.0).ops);
}

TEST(Zoo, FinalSpatialSizesMatchTheArchitectures) {
  // ResNet-50 and GoogLeNet reach 7x7 before global pooling; CNV shrinks to 1x1.
  const std::pair<const char*, const char*> pools[] = {
      {"resnet50", "pool5"}, {"googlenet", "pool5/7x7_s1"}, {"mobilenet_v1", "pool"}};
  for (const auto& [model, pool] : pools) {
    const Graph g = build_topology(model, 1.0);
    const Shape before = g.shape(find_node(g, pool).inputs[0]);
    EXPECT_EQ(before.height, 7) << model;
    EXPECT_EQ(before.width, 7) << model;
  }
  EXPECT_EQ(find_node(build_topology("cnv", 1.0), "conv6").output, (Shape{512, 1, 1}));
}

TEST(Zoo, RejectsUnknownModelsAndBadScales) {
  EXPECT_THROW(build_topology("alexnet", 1.0), InputError);
  EXPECT_THROW(build_topology("cnv", 0.0), InputError);
  EXPECT_THROW(build_topology("cnv", 1.5), InputError);
  EXPECT_THROW(parse_prune_list("half"), InputError);
  EXPECT_THROW(parse_model_list("cnv,vgg"), InputError);
}

TEST(Zoo, ParsesListsAndAll) {
  EXPECT_EQ(parse_prune_list("all"), (std::vector<double>{1.0, 0.5, 0.25, 0.125}));
  EXPECT_EQ(parse_prune_list("50%, 0.125,0.5"), (std::vector<double>{0.5, 0.125}));
  EXPECT_EQ(parse_model_list("CNV,mlp"), (std::vector<std::string>{"cnv", "mlp"}));
  EXPECT_EQ(parse_model_list("all").size(), topologies().size());
}

}  // namespace
}  // namespace qtb
