// The one carrier rule (platform.hpp, place_precision) applied to weights and activations
// separately, and the host's packed storage for the lowbit backend, against values worked out by
// hand from the MLP's shape (src/zoo/mlp.cpp: 784 -> 2048 -> 2048 -> 2048 -> 10, no biases) and
// the catalog's numbers.
//
// MLP at prune 1: weights = MACs = 784 x 2048 + 2 x 2048 x 2048 + 2048 x 10 = 10,014,720;
// ops = 2 x MACs. Under the paper's storage model (weights off chip once per input, activations
// on chip) OI = ops / weight bytes = 2 / (bytes per weight): 16 at 1 bit, 8 at 2 bits, 4 at 4 bits,
// 2 at 8 bits.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analytics/catalog_prediction.hpp"
#include "app_process.hpp"
#include "core/data_dir.hpp"
#include "core/error.hpp"
#include "platform/catalog.hpp"
#include "platform/probe.hpp"
#include "roofline/roofline.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

constexpr double kMlpWeights = 10'014'720;
constexpr double kMlpOps = 2 * kMlpWeights;

const Platform& a53() {
  static const std::vector<Platform> catalog = load_catalog(data_dir() / "platforms");
  return *select_platforms("U96-A53", catalog).front();
}

// host_platform() of a made-up probe: FP32 1 TOP/s, INT8 4 TOP/s, 50 GB/s.
Platform host() {
  HostProbe probe;
  probe.cpu_model = "Test CPU";
  probe.threads = 4;
  probe.fp32_fma_ops = 1e12;
  probe.int8_dot_ops = 4e12;
  probe.memory_read_bandwidth = 50e9;
  probe.memory_triad_bandwidth = 40e9;
  probe.memory_capacity = 8e9;
  return host_platform(probe);
}

Prediction mlp_on(const Platform& platform, const std::string& precision,
                  const std::string& backend = "") {
  const Graph graph = build_topology("mlp", 1.0);
  const NetworkCost cost = compute_cost(graph, parse_precision(precision));
  EXPECT_DOUBLE_EQ(static_cast<double>(cost.params), kMlpWeights);
  return predict(graph, cost, platform, platform.op_modes.front(), backend);
}

// The issue's case: on an INT8-only platform W1A8 used to keep its 1-bit weights (OI 16) while
// W1A1 was carried at INT8 (OI 2). One rule now carries the 1-bit weights of both.
TEST(AnalyticsCarrier, Int8OnlyPlatformCarriesOneBitWeightsOfW1A8AndW1A1Alike) {
  const Placement w1a8 = place_precision(a53(), a53().op_modes.front(), parse_precision("W1A8"));
  ASSERT_TRUE(w1a8.supported);
  EXPECT_FALSE(w1a8.native());
  EXPECT_EQ(w1a8.computed, Precision::uniform(DataType::INT8));
  EXPECT_EQ(w1a8.stored, Precision::uniform(DataType::INT8));
  EXPECT_EQ(storage_note(w1a8), "weights in INT8 (carrier)");

  const Prediction p18 = mlp_on(a53(), "W1A8");
  const Prediction p11 = mlp_on(a53(), "W1A1");
  for (const Prediction* p : {&p18, &p11}) {
    ASSERT_TRUE(p->supported);
    EXPECT_FALSE(p->native);
    EXPECT_EQ(p->carrier, DataType::INT8);
    EXPECT_DOUBLE_EQ(p->oi, 2.0);  // 1 byte per weight
    // 4.26 GB/s x 2 = 8.52 GOP/s, far below the 0.192 TOP/s INT8 peak: memory bound.
    EXPECT_EQ(p->bound, Bound::Memory);
    EXPECT_NEAR(p->fps, 4.26e9 * 2.0 / kMlpOps, 1e-9);
  }
  EXPECT_EQ(p11.storage, "weights and activations in INT8 (carrier)");
  EXPECT_EQ(p18.fps, p11.fps);
  // INT8 itself is native there.
  const Prediction int8 = mlp_on(a53(), "INT8");
  EXPECT_TRUE(int8.native);
  EXPECT_EQ(int8.storage, "native");
}

// Where the platform has a 1-bit peak, W1A8's weights keep their own width: OI 16, INT8 peak.
TEST(AnalyticsCarrier, PlatformWithBinaryPeakKeepsOneBitWeights) {
  Platform board;
  board.name = "BinaryBoard";
  board.memory_bandwidth = 10e9;
  board.op_modes = {OpMode{"default", {{DataType::INT8, 1e12}, {DataType::INT1, 8e12}}}};
  const Prediction p = mlp_on(board, "W1A8");
  ASSERT_TRUE(p.supported);
  EXPECT_TRUE(p.native);
  EXPECT_EQ(p.carrier, DataType::INT8);
  EXPECT_DOUBLE_EQ(p.oi, 16.0);
  EXPECT_DOUBLE_EQ(p.peak_ops, 1e12);
  EXPECT_NEAR(p.fps, 10e9 * 16.0 / kMlpOps, 1e-9);  // 160 GOP/s < 1 TOP/s: memory bound
  // No carrier for a type it lacks: unsupported, naming the type.
  const Prediction w2 = mlp_on(board, "W2A8");
  EXPECT_FALSE(w2.supported);
  EXPECT_EQ(w2.reason, "BinaryBoard has no INT2 peak and no carrier type for it");
}

// The host computes 1/2/4-bit operands in INT8, but its lowbit backend keeps them packed: the
// lowbit predictions use the packed bytes and say so; any other backend (or none) gets the carrier.
TEST(AnalyticsCarrier, HostLowbitPredictionsUsePackedStorage) {
  const Platform h = host();
  const Prediction carried = mlp_on(h, "W1A1");
  EXPECT_DOUBLE_EQ(carried.oi, 2.0);
  EXPECT_EQ(carried.storage, "weights and activations in INT8 (carrier)");
  EXPECT_TRUE(carried.backend.empty());
  EXPECT_DOUBLE_EQ(mlp_on(h, "W1A1", "gemmlowp").oi, 2.0);

  const Prediction packed = mlp_on(h, "W1A1", "lowbit");
  ASSERT_TRUE(packed.supported);
  EXPECT_EQ(packed.carrier, DataType::INT8);
  EXPECT_DOUBLE_EQ(packed.peak_ops, 4e12);
  EXPECT_DOUBLE_EQ(packed.oi, 16.0);
  EXPECT_EQ(packed.stored, parse_precision("W1A1"));
  EXPECT_EQ(packed.backend, "lowbit");
  EXPECT_EQ(packed.storage,
            "packed 1-bit weights and activations (lowbit backend), computed in INT8");
  // 50 GB/s x 16 = 800 GOP/s < 4 TOP/s: memory bound, 8x the carried prediction.
  EXPECT_NEAR(packed.fps, 50e9 * 16.0 / kMlpOps, 1e-9);
  EXPECT_NEAR(packed.fps / carried.fps, 8.0, 1e-12);

  const Prediction w1a8 = mlp_on(h, "W1A8", "lowbit");
  EXPECT_DOUBLE_EQ(w1a8.oi, 16.0);
  EXPECT_EQ(w1a8.storage, "packed 1-bit weights (lowbit backend), computed in INT8");
  const Prediction w4a2 = mlp_on(h, "W4A2", "lowbit");
  EXPECT_DOUBLE_EQ(w4a2.oi, 4.0);
  EXPECT_EQ(w4a2.storage,
            "packed 4-bit weights, packed 2-bit activations (lowbit backend), computed in INT8");
  // INT8 and FP32 are native on the host whatever the backend.
  EXPECT_EQ(mlp_on(h, "INT8", "lowbit").storage, "native");
  EXPECT_TRUE(mlp_on(h, "INT8", "lowbit").backend.empty());
}

TEST(AnalyticsCarrier, PackedStorageRoundTripsThroughTheCatalogFile) {
  const Platform h = host();
  const std::string toml = platform_to_toml(h);
  EXPECT_NE(toml.find("[packed_storage]"), std::string::npos) << toml;
  const Platform again = parse_platform(toml, "host.toml");
  EXPECT_EQ(again.packed_storage, h.packed_storage);
  const std::set<DataType> narrow{DataType::INT4, DataType::INT2, DataType::INT1};
  EXPECT_EQ(again.packed_storage.at("lowbit"), narrow);

  // Packing a type the platform computes natively (no carrier) is a file error, not a guess.
  const std::string broken = std::string(R"(name = "B"
kind = "cpu"
memory_bandwidth_gbps = 1
memory_capacity_gb = 1
[packed_storage]
lowbit = ["INT8"]
[op_modes.default]
peak_tops = { INT8 = 1 }
)");
  try {
    parse_platform(broken, "b.toml");
    FAIL() << "accepted a packed type without a carrier";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "b.toml:6: field 'packed_storage.lowbit': INT8 has no carrier to compute in");
  }
}

// Rows of the host's lowbit backend get the packed prediction from the catalog, others the carrier.
TEST(AnalyticsCarrier, CatalogPredictionFollowsTheRowsBackend) {
  const std::vector<Platform> catalog{host()};
  analytics::CatalogPredictor predictor(catalog);
  ResultRow row;
  row.topology = "mlp";
  row.precision = "W1A1";
  row.platform = "host";
  row.op_mode = "default";
  row.backend = "lowbit";
  const analytics::CatalogPrediction& lowbit = predictor.predict_row(row);
  ASSERT_TRUE(lowbit.fps);
  EXPECT_DOUBLE_EQ(lowbit.prediction.oi, 16.0);
  EXPECT_NEAR(*lowbit.fps, 50e9 * 16.0 / kMlpOps, 1e-9);
  row.backend = "gemmlowp";
  const analytics::CatalogPrediction& gemmlowp = predictor.predict_row(row);
  EXPECT_DOUBLE_EQ(gemmlowp.prediction.oi, 2.0);
  EXPECT_NEAR(*gemmlowp.fps, 50e9 * 2.0 / kMlpOps, 1e-9);
}

// `analyze` on the host lists the lowbit prediction beside the carrier one, and says which is
// which.
TEST(AnalyticsCarrier, AnalyzeListsTheHostsPackedPrediction) {
  const auto dir = test::fresh_dir("qtb_carrier");
  write_platform_file(host(), dir / "host.toml");
  const auto r = test::run_app(dir,
                               "analyze --model mlp --prune 1 --precision W1A1 --platform host "
                               "--format json --catalog " +
                                   dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto predictions = nlohmann::json::parse(r.out).at("variants").at(0).at("predictions");
  ASSERT_EQ(predictions.size(), 2u);
  EXPECT_TRUE(predictions[0].at("backend").is_null());
  EXPECT_EQ(predictions[0].at("storage"), "weights and activations in INT8 (carrier)");
  EXPECT_DOUBLE_EQ(predictions[0].at("oi").get<double>(), 2.0);
  EXPECT_EQ(predictions[1].at("backend"), "lowbit");
  EXPECT_EQ(predictions[1].at("storage"),
            "packed 1-bit weights and activations (lowbit backend), computed in INT8");
  EXPECT_DOUBLE_EQ(predictions[1].at("oi").get<double>(), 16.0);

  const auto table = test::run_app(dir,
                                   "analyze --model mlp --prune 1 --precision W1A1 --platform "
                                   "host --catalog " +
                                       dir.string());
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("packed 1-bit weights and activations (lowbit backend)"),
            std::string::npos)
      << table.out;
}

}  // namespace
}  // namespace qtb
