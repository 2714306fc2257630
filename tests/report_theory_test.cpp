// Roofline predictions for rows that carry none (the paper's), computed from the catalog and the
// cost model at analysis time, checked against values worked out by hand from the catalog's
// numbers (data/platforms/*.toml, the paper's Table 2) and the MLP's shape.
#include <gtest/gtest.h>

#include "analytics/catalog_prediction.hpp"
#include "analytics/prediction_error.hpp"
#include "app_process.hpp"
#include "platform/catalog.hpp"
#include "report_rows.hpp"

namespace qtb {
namespace {

// The paper's MLP (BNN-PYNQ LFC, src/zoo/mlp.cpp): 784 -> 3 x 2048s -> 10 dense layers, where
// 2048s = 2048 x prune channels. Weights = MACs; ops = 2 x MACs.
double mlp_weights(double hidden) {
  return 784 * hidden + 2 * hidden * hidden + hidden * 10;
}

class ReportTheory : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = load_catalog(test::report_test_catalog(test::fresh_dir("qtb_report_theory")));
  }
  std::vector<Platform> catalog_;
};

// experimental_data.csv line 338: MLP, ZCU104-FINN, INT2, 12.5 % pruning, 1 stream, 1e6 fps.
// 256 hidden channels: 334,336 weights of 2 bits = 83,584 bytes per input, 668,672 ops: OI = 8;
// FINN's 19.2 GB/s x 8 = 153.6 GOP/s is far below its 30.7 TOP/s INT2 peak, so memory bound:
// 19.2e9 / 83,584 = 229,709.0 fps predicted.
TEST_F(ReportTheory, PaperFinnMlpPredictedByHand) {
  const ResultRow row = test::report_row("paper", "mlp", "ZCU104-FINN", "default", "INT2", 0.125, 1,
                                         1e6, 96.85, 14.1825);
  EXPECT_DOUBLE_EQ(mlp_weights(256), 334336);
  const double predicted = 19.2e9 / (mlp_weights(256) * 2 / 8);
  EXPECT_NEAR(predicted, 229709.0, 0.1);

  analytics::CatalogPredictor predictor(catalog_);
  const analytics::CatalogPrediction p = predictor.predict_row(row);
  ASSERT_TRUE(p.fps) << p.reason;
  EXPECT_NEAR(*p.fps, predicted, 1e-6 * predicted);
  EXPECT_DOUBLE_EQ(p.prediction.oi, 8.0);
  EXPECT_EQ(p.prediction.bound, Bound::Memory);
  EXPECT_EQ(p.ops, 2 * 334336);

  const std::vector<ResultRow> rows{row};
  const auto error = analytics::prediction_error(rows, catalog_);
  ASSERT_EQ(error.points.size(), 1u);
  EXPECT_EQ(error.points[0].predicted_by, "catalog");
  EXPECT_NEAR(error.points[0].ratio, 1e6 / predicted, 1e-6);
}

// experimental_data.csv line 34: MLP, TX2-maxn, FP16, 12.5 %, batch 1, 5325.37 fps. FP16
// weights: 668,672 bytes for 668,672 ops, OI = 1; 59.7 GB/s x 1 < 1.33 TOP/s:
// 59.7e9 / 668,672 = 89,281.4 fps predicted, so the TX2 reaches 6 % of its roofline here.
TEST_F(ReportTheory, PaperTx2MlpPredictedByHand) {
  const ResultRow row =
      test::report_row("paper", "mlp", "TX2", "maxn", "FP16", 0.125, 1, 5325.37, 97.15, 8.873);
  const double predicted = 59.7e9 / (mlp_weights(256) * 2);
  EXPECT_NEAR(predicted, 89281.4, 0.1);
  const std::vector<ResultRow> rows{row};
  const auto error = analytics::prediction_error(rows, catalog_);
  ASSERT_EQ(error.points.size(), 1u);
  EXPECT_NEAR(error.points[0].predicted_fps, predicted, 1e-6 * predicted);
  EXPECT_NEAR(error.points[0].ratio, 5325.37 / predicted, 1e-9);
  ASSERT_EQ(error.platforms.size(), 1u);
  EXPECT_EQ(error.platforms[0].ratio.n, 1u);
}

TEST_F(ReportTheory, StoredPredictionsWinAndGapsAreCounted) {
  const auto rows = test::report_rows();
  const auto error = analytics::prediction_error(rows, catalog_);
  std::size_t stored = 0, from_catalog = 0;
  for (const auto& p : error.points) {
    if (p.predicted_by == "stored") {
      ++stored;
      EXPECT_EQ(p.source(), "ours");
    } else {
      ++from_catalog;
      EXPECT_EQ(p.source(), "paper");
    }
  }
  EXPECT_EQ(stored, 2u);
  EXPECT_EQ(from_catalog, 6u);
  // Our pruned rows have no stored prediction and 'host' is not in this catalog.
  EXPECT_EQ(error.unpredicted.at("platform 'host' is not in the catalog"), 2u);
  // Without a catalog only stored predictions count, as before.
  EXPECT_EQ(analytics::prediction_error(rows).points.size(), 2u);
}

TEST_F(ReportTheory, TopologiesOutsideTheZooAreNotPredicted) {
  const ResultRow row =
      test::report_row("paper", "efficientnet_s", "EdgeTPU", "fast", "INT8", 1, 1, 500, 77.0, 2.0);
  const std::vector<ResultRow> rows{row};
  const auto error = analytics::prediction_error(rows, catalog_);
  EXPECT_TRUE(error.points.empty());
  EXPECT_EQ(error.unpredicted.at("topology 'efficientnet_s' is not in the zoo"), 1u);
}

}  // namespace
}  // namespace qtb
