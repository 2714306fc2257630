// `qutibench models`: the descriptions of the paper's small topologies state the widths the zoo
// builds, which are twice BNN-PYNQ's (LFC: 3 x 1024 dense; CNV: convs 64-64-128-128-256-256, dense
// 512-512), and the op counts that follow are the paper's (Table 4: mlp 20,029,440, cnv
// 469,449,728 ops per input at 100 %).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/listing_output.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

// The output widths of every conv and dense layer, in graph order.
std::vector<std::int64_t> layer_widths(const std::string& topology) {
  const Graph graph = build_topology(topology, 1.0);
  std::vector<std::int64_t> widths;
  for (int id = 0; id < graph.size(); ++id) {
    const Node& node = graph.node(id);
    if (node.kind == OpKind::Conv2d || node.kind == OpKind::Dense)
      widths.push_back(node.output.channels);
  }
  return widths;
}

nlohmann::json model(const std::string& name) {
  const nlohmann::json doc = nlohmann::json::parse(render_models(OutputFormat::Json));
  for (const auto& m : doc.at("models"))
    if (m.at("model") == name) return m;
  return nullptr;
}

TEST(ReportModels, MlpIsTheLfcAtTwiceItsWidth) {
  EXPECT_EQ(layer_widths("mlp"), (std::vector<std::int64_t>{2048, 2048, 2048, 10}));
  const auto m = model("mlp");
  EXPECT_EQ(m.at("ops"), 20'029'440);
  const std::string description = m.at("description");
  EXPECT_NE(description.find("784-2048-2048-2048-10"), std::string::npos) << description;
  EXPECT_NE(description.find("BNN-PYNQ LFC at 2x width"), std::string::npos) << description;
}

TEST(ReportModels, CnvIsTheBnnPynqCnvAtTwiceItsWidth) {
  EXPECT_EQ(layer_widths("cnv"),
            (std::vector<std::int64_t>{128, 128, 256, 256, 512, 512, 1024, 1024, 10}));
  const auto m = model("cnv");
  EXPECT_EQ(m.at("ops"), 469'449'728);
  const std::string description = m.at("description");
  EXPECT_NE(description.find("convs 128-128-256-256-512-512, dense 1024-1024-10"),
            std::string::npos)
      << description;
  EXPECT_NE(description.find("BNN-PYNQ CNV at 2x width"), std::string::npos) << description;
}

}  // namespace
}  // namespace qtb
