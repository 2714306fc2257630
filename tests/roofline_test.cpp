// Roofline predictions (paper Eq. 1) against hand-computed values and an independent
// recomputation from the paper's Table 2 CSV.
#include <gtest/gtest.h>

#include <map>

#include "core/data_dir.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "paper_table2.hpp"
#include "platform/catalog.hpp"
#include "roofline/analysis.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

const std::vector<Platform>& catalog() {
  static const std::vector<Platform> all = load_catalog(qtb::data_dir() / "platforms");
  return all;
}

const Platform& platform(const std::string& name) {
  return *select_platforms(name, catalog()).front();
}

Prediction predict_one(const std::string& model, double prune, const std::string& precision,
                       const std::string& platform_name, const std::string& mode = "default",
                       const StorageModel& storage = {}) {
  const Graph graph = build_topology(model, prune);
  const NetworkCost cost = compute_cost(graph, parse_precision(precision), storage);
  const Platform& p = platform(platform_name);
  return predict(graph, cost, p, *p.find_op_mode(mode));
}

// The hand-computed samples. CNV W2A2: 6,157,696 weights x 2 bits = 1,539,424 bytes per
// input; 19.2 GB/s / 1,539,424 B = 12,472 fps (the "about 12,460" uses 0.47 GOPs).
TEST(Roofline, CnvW2A2OnFinnIsMemoryBound) {
  const Prediction p = predict_one("cnv", 1.0, "W2A2", "ZCU104-FINN");
  ASSERT_TRUE(p.supported);
  EXPECT_TRUE(p.native);
  EXPECT_EQ(p.bound, Bound::Memory);
  EXPECT_NEAR(p.fps, 19.2e9 / 1'539'424.0, 1e-6);
  EXPECT_NEAR(p.fps, 12'460, 0.005 * 12'460);
}

// ResNet-50 INT8 on Ultra96-DPU: 0.96 TOP/s / 7,715,946,496 ops = 124.4 fps, compute bound
// (OI 302.6 x 4.26 GB/s = 1.29 TOP/s > 0.96).
TEST(Roofline, Resnet50Int8OnUltra96IsComputeBound) {
  const Prediction p = predict_one("resnet50", 1.0, "INT8", "Ultra96-DPU");
  ASSERT_TRUE(p.supported);
  EXPECT_EQ(p.bound, Bound::Compute);
  EXPECT_NEAR(p.fps, 0.96e12 / 7'715'946'496.0, 1e-9);
  EXPECT_NEAR(p.fps, 124, 0.01 * 124);
}

TEST(Roofline, CarriersAndUnsupportedPrecisions) {
  // The A53 runs W4A4 in INT8: the INT8 peak, and weights held at 8 bits.
  const Prediction a53 = predict_one("mlp", 1.0, "W4A4", "U96-A53");
  ASSERT_TRUE(a53.supported);
  EXPECT_FALSE(a53.native);
  EXPECT_EQ(a53.carrier, DataType::INT8);
  EXPECT_DOUBLE_EQ(a53.oi, 2.0);  // MLP: 2 ops per weight, 1 byte per weight
  EXPECT_DOUBLE_EQ(a53.attainable_ops, 4.26e9 * 2.0);
  // FINN has no binary peak: W1A1 is predicted in the INT2 datapath.
  const Prediction finn = predict_one("cnv", 1.0, "W1A1", "ZCU104-FINN");
  EXPECT_EQ(finn.carrier, DataType::INT2);
  // The Edge TPU cannot run FP32 at all: unsupported, with a reason, and no numbers.
  const Prediction tpu = predict_one("cnv", 1.0, "FP32", "EdgeTPU", "fast");
  EXPECT_FALSE(tpu.supported);
  EXPECT_EQ(tpu.fps, 0.0);
  EXPECT_NE(tpu.reason.find("no FP32 peak"), std::string::npos) << tpu.reason;
  // No catalog platform has a BF16 peak; TX2 carries it in FP32.
  EXPECT_EQ(predict_one("cnv", 1.0, "BF16", "TX2", "maxq").carrier, DataType::FP32);
  EXPECT_FALSE(predict_one("cnv", 1.0, "BF16", "NCS2").supported);
}

TEST(Roofline, BatchAmortisesWeightsForMemoryBoundVariants) {
  const Prediction one = predict_one("mlp", 1.0, "FP16", "TX2", "maxn");
  const Prediction eight =
      predict_one("mlp", 1.0, "FP16", "TX2", "maxn", parse_storage_model("weights-offchip", 8));
  EXPECT_EQ(one.bound, Bound::Memory);
  EXPECT_NEAR(eight.fps / one.fps, 8.0, 1e-9);
}

// For every row of hardware_platforms.csv, every data type with a peak there, and every variant
// of the paper's small topologies: Eq. 1 recomputed here from the CSV's numbers and the variant's
// ops and parameters equals the tool's prediction. Bytes per weight are those of the type the
// platform computes in (the catalog's carrier for the A53's INT4/INT2).
TEST(Roofline, PaperPredictionsFollowFromEquation1) {
  const std::map<std::string, std::string> precision_of_column = {
      {"INT2", "W2A2"}, {"INT4", "W4A4"}, {"INT8", "INT8"}, {"FP16", "FP16"}, {"FP32", "FP32"}};
  const std::map<std::string, double> bytes_per_weight = {
      {"INT2", 0.25}, {"INT4", 0.5}, {"INT8", 1.0}, {"FP16", 2.0}, {"FP32", 4.0}};
  int checked = 0;
  for (const auto& row : testing::read_table2()) {
    const bool a53 = row.platform == "U96-A53";
    const double bandwidth = std::stod(row.cells[5]) * 1e9;
    for (std::size_t i = 0; i < testing::kTable2PeakColumns.size(); ++i) {
      if (row.cells[i] == "na") continue;
      const std::string& column = testing::kTable2PeakColumns[i];
      const double peak = std::stod(row.cells[i]) * 1e12;
      const double weight_bytes = a53 ? 1.0 : bytes_per_weight.at(column);  // A53: INT8 carrier
      for (const char* model : {"mlp", "cnv", "resnet50", "googlenet", "mobilenet_v1"}) {
        for (double prune : paper_prune_scales()) {
          const NetworkCost fp32 =
              compute_cost(build_topology(model, prune), Precision::uniform(DataType::FP32));
          const double ops = static_cast<double>(fp32.ops);
          const double oi = ops / (static_cast<double>(fp32.params) * weight_bytes);
          const double expected_fps = std::min(peak, bandwidth * oi) / ops;
          const Prediction p =
              predict_one(model, prune, precision_of_column.at(column), row.platform, row.op_mode);
          ASSERT_TRUE(p.supported) << row.csv_name << " " << column;
          EXPECT_NEAR(p.fps / expected_fps, 1.0, 1e-12)
              << row.csv_name << " " << model << " " << prune;
          EXPECT_EQ(p.bound, peak <= bandwidth * oi ? Bound::Compute : Bound::Memory);
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 20 * 20);  // 20 (row, type) cells with a peak x 20 variants
}

TEST(Roofline, AnalyzeCoversTheRequestedSpace) {
  AnalysisRequest request;
  request.models = {"cnv", "mlp"};
  request.prunes = {1.0, 0.5};
  request.precisions = parse_precision_list("FP16,W2A2");
  request.platforms = select_platforms("TX2,ZCU104-FINN", catalog());
  const auto variants = analyze(request);
  ASSERT_EQ(variants.size(), 2u * 2u * 2u);
  for (const auto& v : variants) EXPECT_EQ(v.predictions.size(), 4u);  // 3 TX2 modes + FINN
  request.op_modes = parse_op_mode_list("MAXQ");
  EXPECT_EQ(analyze(request).front().predictions.size(), 1u);
  request.op_modes = {"turbo"};
  EXPECT_THROW(analyze(request), InputError);
}

}  // namespace
}  // namespace qtb
