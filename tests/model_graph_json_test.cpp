// Graph structure as JSON: every zoo topology and every attribute survive the round trip, and
// malformed JSON is refused with the node and the reason.
#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>

#include "graph/graph_json.hpp"
#include "model_test_files.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

using test::expect_input_error;

// Goes through text, as in a model file.
Graph round_trip(const Graph& graph) {
  return graph_from_json(nlohmann::json::parse(graph_to_json(graph).dump()));
}

void expect_same_structure(const Graph& a, const Graph& b) {
  ASSERT_EQ(a.name(), b.name());
  ASSERT_EQ(a.size(), b.size());
  for (int id = 0; id < a.size(); ++id) {
    SCOPED_TRACE(a.node(id).name);
    EXPECT_EQ(a.node(id).name, b.node(id).name);
    EXPECT_EQ(a.node(id).kind, b.node(id).kind);
    EXPECT_EQ(a.node(id).inputs, b.node(id).inputs);
    EXPECT_EQ(a.node(id).output, b.node(id).output);
    EXPECT_EQ(a.node(id).attrs.index(), b.node(id).attrs.index());
  }
  EXPECT_EQ(graph_to_json(a), graph_to_json(b));
}

// Every kind and attribute, with values that differ from the defaults.
Graph every_kind_graph() {
  Graph g("every_kind");
  int x = g.input(Shape{4, 9, 11}, "image");
  Conv2dAttrs conv;
  conv.out_channels = 6;
  conv.kernel_h = 3;
  conv.kernel_w = 1;
  conv.stride_h = 2;
  conv.stride_w = 1;
  conv.pad_h = 1;
  conv.pad_w = 0;
  conv.groups = 2;
  conv.bias = true;
  const int c = g.conv2d(x, conv, "conv");
  const int bn = g.batch_norm(c, "conv/bn");
  const int q = g.quantizer(bn, QuantizerAttrs{3, false, 0.1f}, "conv/quant");
  const int mp = g.max_pool(q, PoolAttrs{3, 2, 1, true}, "maxpool");
  const int ap = g.avg_pool(q, PoolAttrs{3, 2, 1, true}, "avgpool");
  const int sum = g.add({mp, ap}, "sum");
  const int cat = g.concat({sum, mp}, "cat");
  const int act = g.activation(cat, ActivationKind::HardTanh, "hardtanh");
  const int gap = g.global_avg_pool(act, "gap");
  const int flat = g.flatten(gap, "flat");
  const int dense = g.dense(flat, DenseAttrs{5, true}, "fc");
  g.softmax(g.quantizer(dense, QuantizerAttrs{8, true, 1.0f / 3.0f}, "fc/quant"), "prob");
  return g;
}

TEST(GraphJson, EveryZooTopologyRoundTrips) {
  for (const TopologyInfo& topology : topologies()) {
    SCOPED_TRACE(topology.name);
    const Graph graph = build_topology(topology.name, 0.125);
    expect_same_structure(graph, round_trip(graph));
  }
}

TEST(GraphJson, EveryAttributeRoundTrips) {
  const Graph graph = every_kind_graph();
  const Graph back = round_trip(graph);
  expect_same_structure(graph, back);
  const auto& conv = std::get<Conv2dAttrs>(back.node(1).attrs);
  EXPECT_EQ(conv.out_channels, 6);
  EXPECT_EQ(conv.kernel_h, 3);
  EXPECT_EQ(conv.kernel_w, 1);
  EXPECT_EQ(conv.stride_h, 2);
  EXPECT_EQ(conv.stride_w, 1);
  EXPECT_EQ(conv.pad_h, 1);
  EXPECT_EQ(conv.pad_w, 0);
  EXPECT_EQ(conv.groups, 2);
  EXPECT_TRUE(conv.bias);
  const auto& quant = std::get<QuantizerAttrs>(back.node(3).attrs);
  EXPECT_EQ(quant.bits, 3);
  EXPECT_FALSE(quant.is_signed);
  EXPECT_EQ(std::bit_cast<std::uint32_t>(quant.scale), std::bit_cast<std::uint32_t>(0.1f));
  const auto& pool = std::get<PoolAttrs>(back.node(4).attrs);
  EXPECT_EQ(pool.kernel, 3);
  EXPECT_EQ(pool.stride, 2);
  EXPECT_EQ(pool.pad, 1);
  EXPECT_TRUE(pool.ceil_mode);
  EXPECT_EQ(back.node(5).kind, OpKind::AvgPool);
  EXPECT_EQ(std::get<ActivationAttrs>(back.node(8).attrs).kind, ActivationKind::HardTanh);
  EXPECT_TRUE(std::get<DenseAttrs>(back.node(11).attrs).bias);
  EXPECT_EQ(std::get<DenseAttrs>(back.node(11).attrs).out_features, 5);
  EXPECT_EQ(std::get<InputAttrs>(back.node(0).attrs).shape, (Shape{4, 9, 11}));
}

// Scales from the float's whole positive finite range, denormals and neighbours of round
// decimals included, come back with the same bits.
TEST(GraphJson, QuantizerScaleRoundTripsBitExactly) {
  std::vector<float> scales = {0.1f,
                               1.0f / 3.0f,
                               FLT_MIN,
                               FLT_MAX,
                               FLT_TRUE_MIN,
                               1e-40f,
                               std::nextafter(0.1f, 1.0f),
                               std::nextafter(1.0f, 0.0f)};
  std::uint64_t state = 12345;
  for (int i = 0; i < 2000; ++i) {  // random bit patterns of positive finite floats
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const auto bits = static_cast<std::uint32_t>(state >> 33) % 0x7f800000u;
    if (bits != 0) scales.push_back(std::bit_cast<float>(bits));
  }
  for (float scale : scales) {
    Graph g("scales");
    g.quantizer(g.input(Shape{1, 1, 1}), QuantizerAttrs{4, true, scale}, "q");
    const float back = std::get<QuantizerAttrs>(round_trip(g).node(1).attrs).scale;
    ASSERT_EQ(std::bit_cast<std::uint32_t>(back), std::bit_cast<std::uint32_t>(scale))
        << "scale " << scale << " stored as " << graph_to_json(g)["nodes"][1]["attrs"]["scale"];
  }
}

// Applies `edit` to the JSON of a valid graph and expects it to be refused with `parts`.
void expect_refused(const std::function<void(nlohmann::json&)>& edit,
                    std::initializer_list<std::string_view> parts) {
  nlohmann::json json = graph_to_json(every_kind_graph());
  edit(json);
  expect_input_error([&] { graph_from_json(json); }, parts);
}

TEST(GraphJson, RefusesUnknownKind) {
  expect_refused([](auto& j) { j["nodes"][1]["kind"] = "lstm"; },
                 {"node 1 'conv'", "unknown kind 'lstm'"});
}

TEST(GraphJson, RefusesUnknownKeys) {
  expect_refused([](auto& j) { j["nodes"][1]["dilation"] = 2; }, {"node 1 'conv'", "'dilation'"});
  expect_refused([](auto& j) { j["nodes"][1]["attrs"]["dilation"] = 2; },
                 {"node 1 'conv' attrs", "'dilation' is not a known key"});
  expect_refused([](auto& j) { j["nodes"][2]["attrs"]["eps"] = 0.001; },
                 {"'conv/bn'", "'eps' is not a known key"});
  expect_refused([](auto& j) { j["version"] = 2; }, {"graph JSON", "'version' is not a known key"});
}

TEST(GraphJson, RefusesMissingKeysAndWrongTypes) {
  expect_refused([](auto& j) { j["nodes"][11]["attrs"].erase("bias"); },
                 {"'fc'", "'bias' is missing"});
  expect_refused([](auto& j) { j["nodes"][11]["attrs"]["out_features"] = "5"; },
                 {"'fc'", "'out_features' must be an integer"});
  expect_refused([](auto& j) { j["nodes"][4]["attrs"]["ceil_mode"] = 1; },
                 {"'maxpool'", "'ceil_mode' must be true or false"});
  expect_refused([](auto& j) { j["nodes"][1]["attrs"]["kernel"] = {3}; },
                 {"'conv'", "'kernel' must be [height, width]"});
  expect_refused([](auto& j) { j["nodes"][3]["attrs"]["scale"] = 1e300; },
                 {"'conv/quant'", "'scale' is not a finite float"});
  expect_refused([](auto& j) { j["nodes"][8]["attrs"]["function"] = "gelu"; },
                 {"'hardtanh'", "'gelu' is not relu, hardtanh or relu6"});
  expect_refused(
      [](auto& j) {
        j["nodes"][0]["attrs"]["shape"] = {4, 9};
      },
      {"'image'", "'shape' must be [channels, height, width]"});
  expect_refused([](auto& j) { j["nodes"][11]["attrs"]["out_features"] = 1ll << 40; },
                 {"'fc'", "'out_features' must be in [0, 1048576]"});
  expect_refused(
      [](auto& j) {
        j["nodes"][0]["attrs"]["shape"] = {4, -9, 11};
      },
      {"'image'", "'shape' must be in [0, 1048576], got -9"});
  expect_refused([](auto& j) { j["nodes"] = "all"; }, {"'nodes' must be an array"});
  expect_refused([](auto& j) { j["nodes"][5] = 7; }, {"node 5", "expected a JSON object"});
}

TEST(GraphJson, RefusesInputsThatAreNotEarlierNodes) {
  expect_refused([](auto& j) { j["nodes"][1]["inputs"] = {"prob"}; },
                 {"node 1 'conv'", "input 'prob' is not an earlier node"});
  expect_refused([](auto& j) { j["nodes"][1]["inputs"] = {"nowhere"}; },
                 {"input 'nowhere' is not an earlier node"});
  expect_refused([](auto& j) { j["nodes"][1]["inputs"] = {0}; }, {"'conv'", "array of node names"});
  expect_refused([](auto& j) { j["nodes"][1]["inputs"] = nlohmann::json::array(); },
                 {"'conv'", "takes 1 input(s), got 0"});
}

TEST(GraphJson, RefusesBadNames) {
  expect_refused([](auto& j) { j["nodes"][2]["name"] = "conv"; }, {"'conv'", "duplicate"});
  expect_refused([](auto& j) { j["nodes"][2]["name"] = ""; }, {"node 2", "empty name"});
}

TEST(GraphJson, RefusesShapesTheBuildersRejectOrInferDifferently) {
  // The stored output must be what the builder infers from the inputs.
  expect_refused(
      [](auto& j) {
        j["nodes"][11]["output"] = {6, 1, 1};
      },
      {"'fc'", "stored output [6, 1, 1] differs from the inferred [5, 1, 1]"});
  // Dense straight on the 4-D pooled input: the builder refuses it and names the node.
  expect_refused([](auto& j) { j["nodes"][11]["inputs"] = {"cat"}; },
                 {"'fc'", "dense needs a flat input"});
}

TEST(GraphJson, RefusesNonObjects) {
  expect_input_error([] { graph_from_json(nlohmann::json::array()); }, {"expected a JSON object"});
  expect_input_error(
      [] {
        graph_from_json({{"name", "g"}, {"nodes", nlohmann::json::array()}});
      },
      {"'nodes' is empty"});
}

}  // namespace
}  // namespace qtb
