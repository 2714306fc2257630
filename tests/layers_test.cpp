// Layer benchmarks (L1 warm, L2 cold): one row per layer as the backend runs it, the layer's own
// ops and bytes from the cost model, the rows' validation and storage, and `qutibench layers`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app_process.hpp"
#include "core/error.hpp"
#include "cost/cost.hpp"
#include "measure/layer_bench.hpp"
#include "measure/power_meter.hpp"
#include "store/result_store.hpp"
#include "store/row_validation.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;

DeploymentRequest small_point(const std::string& backend, const std::string& precision) {
  DeploymentRequest point;
  point.topology = "mlp";
  point.prune = 0.125;  // hidden layers of 256
  point.precision = parse_precision(precision);
  point.backend = backend;
  point.batch = 2;
  return point;
}

std::vector<ResultRow> measure(const DeploymentRequest& point, LayerLevel level) {
  NoPowerMeter meter;
  MeasureContext context;
  context.meter = &meter;
  context.harness.warmup_seconds = 0;
  context.harness.warmup_queries = 1;
  context.harness.min_seconds = 0.01;
  context.harness.min_queries = 5;
  return measure_layers(point, context, level);
}

TEST(LayersBench, LowbitRowsAreTheFusedStepsWithTheirOwnOps) {
  const auto point = small_point("lowbit", "W1A1");
  const auto rows = measure(point, LayerLevel::L1);
  ASSERT_EQ(rows.size(), 5u);
  const std::vector<std::string> names = {"flatten", "fc1+fc1/bn+fc1/relu", "fc2+fc2/bn+fc2/relu",
                                          "fc3+fc3/bn+fc3/relu", "fc4"};
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].layer, names[i]);
  const ResultRow& fc1 = rows[1];
  EXPECT_EQ(fc1.level, "L1");
  EXPECT_EQ(fc1.layer_type, "dense+batchnorm+activation");
  EXPECT_EQ(*fc1.layer_ops, 2.0 * 784 * 256);  // 2 x MACs of one input
  EXPECT_EQ(*rows[4].layer_ops, 2.0 * 256 * 10);
  EXPECT_EQ(*rows[0].layer_ops, 0.0);  // flatten: no MACs, so no OI
  EXPECT_FALSE(rows[0].layer_oi);
  // Bytes of one input: the weights over the batch plus the layer's activations.
  const NetworkCost cost = compute_cost(build_topology("mlp", 0.125), point.precision);
  double bytes = 0;
  for (const LayerCost& layer : cost.layers)
    if (layer.name.starts_with("fc1")) bytes += layer.weight_bytes / 2 + layer.activation_bytes;
  EXPECT_DOUBLE_EQ(*fc1.layer_bytes, bytes);
  EXPECT_DOUBLE_EQ(*fc1.layer_oi, *fc1.layer_ops / bytes);
  ASSERT_TRUE(fc1.fps_compute);
  EXPECT_DOUBLE_EQ(*fc1.gops_measured, *fc1.layer_ops * *fc1.fps_compute * 1e-9);
  EXPECT_FALSE(fc1.fps_system);  // a layer has no system path
  EXPECT_GE(fc1.samples, 5);
  EXPECT_TRUE(fc1.latency_compute_ms.p99);
  EXPECT_FALSE(fc1.predicted_fps);  // no platform given: no roofline, not a guess
  EXPECT_EQ(validate_row(fc1), std::nullopt);
}

TEST(LayersBench, OnednnInt8LayerGroupsItsStepsAtL2) {
  const auto rows = measure(small_point("onednn", "INT8"), LayerLevel::L2);
  ASSERT_FALSE(rows.empty());
  for (const ResultRow& row : rows) {
    EXPECT_EQ(row.level, "L2");
    EXPECT_NE(row.notes.find("cold:"), std::string::npos) << row.notes;
    EXPECT_EQ(validate_row(row), std::nullopt) << row.layer;
  }
  bool fc2 = false;
  for (const ResultRow& row : rows) fc2 = fc2 || row.layer == "fc2+fc2/bn+fc2/relu";
  EXPECT_TRUE(fc2);
}

TEST(LayersBench, ReferenceIsOneLayerTheWholeNetwork) {
  const auto rows = measure(small_point("reference", "FP32"), LayerLevel::L1);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].layer, "(whole network)");
  EXPECT_EQ(rows[0].layer_type, "network");
  const NetworkCost cost = compute_cost(build_topology("mlp", 0.125), parse_precision("FP32"));
  EXPECT_EQ(*rows[0].layer_ops, static_cast<double>(cost.ops));
}

TEST(LayersLevel, ParsesL1AndL2AndRefusesOthers) {
  EXPECT_EQ(parse_layer_level("L1"), LayerLevel::L1);
  EXPECT_EQ(parse_layer_level("L2"), LayerLevel::L2);
  try {
    parse_layer_level("L3");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "level 'L3' is not a layer level: L1 (warm) or L2 (cold)");
  }
}

ResultRow valid_layer_row() {
  ResultRow row;
  row.topology = "mlp";
  row.precision = "INT8";
  row.platform = "host";
  row.backend = "onednn";
  row.op_mode = "default";
  row.level = "L1";
  row.source = "ours";
  row.layer = "fc1+fc1/bn";
  row.layer_type = "dense+batchnorm";
  row.layer_ops = 1000;
  row.layer_bytes = 10;
  row.layer_oi = 100;
  row.roofline_bound = "compute";
  return row;
}

TEST(LayersRowValidation, LayerLevelsNeedALayerAndNetworkLevelsRefuseOne) {
  EXPECT_EQ(validate_row(valid_layer_row()), std::nullopt);
  ResultRow nameless = valid_layer_row();
  nameless.layer = "";
  EXPECT_EQ(validate_row(nameless), "a L1 row needs a layer (the node it timed)");
  ResultRow network = valid_layer_row();
  network.level = "L3";
  EXPECT_EQ(validate_row(network),
            "layer = 'fc1+fc1/bn' on a 'L3' row: only L1 and L2 rows time one layer");
  ResultRow bound = valid_layer_row();
  bound.roofline_bound = "cache";
  EXPECT_NE(validate_row(bound)->find("roofline_bound"), std::string::npos);
  ResultRow negative = valid_layer_row();
  negative.layer_bytes = -1;
  EXPECT_NE(validate_row(negative)->find("layer_bytes"), std::string::npos);
}

TEST(LayersStore, LayerColumnsRoundTrip) {
  const fs::path dir = test::fresh_dir("qtb_layers");
  const ResultRow row = valid_layer_row();
  {
    ResultStore store(dir / "r.db");
    store.append(std::span(&row, 1));
  }
  const ResultStore store(dir / "r.db", StoreAccess::Read);
  const auto rows = store.query({});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].layer, "fc1+fc1/bn");
  EXPECT_EQ(rows[0].layer_type, "dense+batchnorm");
  EXPECT_EQ(rows[0].layer_ops, 1000);
  EXPECT_EQ(rows[0].layer_oi, 100);
  EXPECT_EQ(rows[0].roofline_bound, "compute");
  EXPECT_FALSE(rows[0].gops_measured);
}

constexpr const char* kQuick = " --warmup-seconds 0 --min-seconds 0.01 --min-queries 5";

TEST(LayersCli, JsonRowsStoredAndCsvHasTheLayerColumns) {
  const fs::path dir = test::fresh_dir("qtb_layers");
  const fs::path db = dir / "r.db";
  const auto r = test::run_app(dir,
                               "layers --model mlp --prune 0.125 --precision W2A2 --backend "
                               "lowbit --batch 2 --level L2 --format json --db " +
                                   db.string() + kQuick);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc.at("rows").size(), 5u);
  EXPECT_EQ(doc["rows"][1]["layer"], "fc1+fc1/bn+fc1/relu");
  EXPECT_EQ(doc["rows"][1]["level"], "L2");
  EXPECT_EQ(ResultStore(db, StoreAccess::Read).count({}), 5u);

  const auto csv = test::run_app(dir,
                                 "layers --model mlp --prune 0.125 --precision W2A2 --backend "
                                 "lowbit --format csv --no-store" +
                                     std::string(kQuick));
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::string header = csv.out.substr(0, csv.out.find('\n'));
  EXPECT_NE(header.find(",layer,layer_type,layer_ops,layer_bytes,layer_oi,roofline_bound,"
                        "gops_measured"),
            std::string::npos)
      << header;
}

TEST(LayersCli, BadLevelIsOneLineExitTwo) {
  const fs::path dir = test::fresh_dir("qtb_layers");
  const auto r =
      test::run_app(dir, "layers --model mlp --level L3 --no-store" + std::string(kQuick));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("level 'L3' is not a layer level: L1 (warm) or L2 (cold)"),
            std::string::npos)
      << r.err;
}

TEST(LayersCli, NeedsAModel) {
  const fs::path dir = test::fresh_dir("qtb_layers");
  const auto r = test::run_app(dir, "layers --no-store");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("layers needs --model or --model-file"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace qtb
