// The analyses' rules on small made-up rows: ties, missing figures, predicted and invalid rows,
// quartile interpolation, orthogonality row selection, correlation and theory ratios.
#include <gtest/gtest.h>

#include <cmath>

#include "analytics/box_stats.hpp"
#include "analytics/orthogonality.hpp"
#include "analytics/pareto.hpp"
#include "analytics/prediction_error.hpp"
#include "analytics/pruning_speedup.hpp"
#include "analytics/summary.hpp"

namespace qtb::analytics {
namespace {

ResultRow row(const std::string& precision, double prune, std::optional<double> fps,
              std::optional<double> top1 = std::nullopt, std::int64_t batch = 1) {
  ResultRow r;
  r.topology = "mlp";
  r.dataset = "mnist";
  r.platform = "P";
  r.op_mode = "default";
  r.source = "ours";
  r.level = "L3";
  r.precision = precision;
  r.prune = prune;
  r.batch = batch;
  r.fps_compute = fps;
  if (fps) r.latency_compute_ms.mean = 1000.0 * static_cast<double>(batch) / *fps;
  r.top1 = top1;
  return r;
}

std::vector<ParetoStatus> statuses(const std::vector<ResultRow>& rows) {
  const std::vector<Frontier> frontiers{Frontier::AccuracyVsFps};
  std::vector<ParetoStatus> out;
  for (const ParetoPoint& p : pareto_frontiers(rows, frontiers)) out.push_back(p.status);
  return out;
}

TEST(AnalyticsPareto, TiesStayOnTheFrontierTogether) {
  // Two identical points, one strictly worse in fps at the same accuracy, one missing accuracy.
  const std::vector<ResultRow> rows{row("INT8", 1, 100, 90), row("FP32", 1, 100, 90),
                                    row("INT8", 0.5, 50, 90), row("INT8", 0.25, 500)};
  EXPECT_EQ(statuses(rows),
            (std::vector<ParetoStatus>{ParetoStatus::Frontier, ParetoStatus::Frontier,
                                       ParetoStatus::Dominated, ParetoStatus::Missing}));
}

TEST(AnalyticsPareto, EqualInOneFigureBetterInOtherDominates) {
  const std::vector<ResultRow> rows{row("INT8", 1, 100, 90), row("INT8", 0.5, 100, 91),
                                    row("INT8", 0.25, 200, 80)};
  EXPECT_EQ(statuses(rows),
            (std::vector<ParetoStatus>{ParetoStatus::Dominated, ParetoStatus::Frontier,
                                       ParetoStatus::Frontier}));
}

TEST(AnalyticsPareto, LatencyIsBetterWhenLower) {
  // fps 100 at 10 ms (batch 1) and fps 400 at 20 ms (batch 8): neither dominates on latency vs
  // throughput; fps 50 at 20 ms is dominated by both axes of the first.
  const std::vector<ResultRow> rows{row("INT8", 1, 100, 90, 1), row("INT8", 1, 400, 90, 8),
                                    row("INT8", 1, 50, 90, 1)};
  const std::vector<Frontier> frontiers{Frontier::LatencyVsFps};
  const auto points = pareto_frontiers(rows, frontiers);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].status, ParetoStatus::Frontier);
  EXPECT_EQ(points[1].status, ParetoStatus::Frontier);
  EXPECT_EQ(points[2].status, ParetoStatus::Dominated);
}

TEST(AnalyticsPareto, PredictedAndInvalidRowsAreNotPoints) {
  auto predicted = row("INT8", 1, 1e9, 99);
  predicted.level = "L0";
  auto invalid = row("INT8", 1, 1e9, 99);
  invalid.valid = false;
  EXPECT_EQ(statuses({predicted, invalid, row("INT8", 1, 1, 1)}),
            (std::vector<ParetoStatus>{ParetoStatus::Frontier}));
}

TEST(AnalyticsSummary, Type7Quartiles) {
  // 1 2 3 4: q1 at h = 0.75 -> 1.75, median 2.5, q3 at 2.25 -> 3.25.
  const auto s = summarize({4, 1, 3, 2});
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->q1, 1.75);
  EXPECT_DOUBLE_EQ(s->median, 2.5);
  EXPECT_DOUBLE_EQ(s->q3, 3.25);
  EXPECT_DOUBLE_EQ(s->mean, 2.5);
  const auto one = summarize({7});
  EXPECT_DOUBLE_EQ(one->q1, 7);
  EXPECT_DOUBLE_EQ(one->q3, 7);
  EXPECT_FALSE(summarize({}));
}

TEST(AnalyticsSummary, Pearson) {
  EXPECT_NEAR(*pearson({1, 2, 3}, {2, 4, 6}), 1.0, 1e-12);
  EXPECT_NEAR(*pearson({1, 2, 3}, {3, 2, 1}), -1.0, 1e-12);
  EXPECT_FALSE(pearson({1, 1, 1}, {1, 2, 3}));  // undefined, not 0
  EXPECT_FALSE(pearson({1}, {1}));
}

TEST(AnalyticsBox, MissingFiguresCountedNotSummarised) {
  const std::vector<ResultRow> rows{row("INT8", 1, 100), row("INT8", 1, 300, 0, 2),
                                    row("INT8", 1, std::nullopt), row("INT8", 0.5, 600)};
  const std::vector<BoxMetric> metrics{BoxMetric::Fps};
  const auto boxes = box_statistics(rows, metrics);
  ASSERT_EQ(boxes.size(), 2u);
  EXPECT_EQ(boxes[0].prune, 1.0);  // unpruned first
  EXPECT_EQ(boxes[0].absolute.n, 2u);
  EXPECT_EQ(boxes[0].missing, 1u);
  EXPECT_DOUBLE_EQ(boxes[0].absolute.median, 200);
  EXPECT_DOUBLE_EQ(boxes[0].peak, 600);  // platform's best for the topology, over all variants
  EXPECT_DOUBLE_EQ(boxes[0].normalised.max, 0.5);
  EXPECT_DOUBLE_EQ(boxes[1].normalised.max, 1.0);
}

TEST(AnalyticsOrthogonality, OneRowPerExistingPair) {
  // A FP32/1 = 100; B INT8/1 = 300 and W4A4/1 = 500; C FP32/0.5 = 200, FP32/0.25 = 350;
  // D INT8/0.5 = 600 exists, INT8/0.25, W4A4/0.5 and W4A4/0.25 do not -> exactly one row.
  const std::vector<ResultRow> rows{
      row("FP32", 1, 100),   row("FP32", 1, 80, 0, 4), row("INT8", 1, 300),  row("W4A4", 1, 500),
      row("FP32", 0.5, 200), row("FP32", 0.25, 350),   row("INT8", 0.5, 600)};
  const auto result = orthogonality(rows);
  ASSERT_EQ(result.size(), 2u);  // fps and latency
  const OrthogonalityRow& r = result[0];
  EXPECT_EQ(r.metric, OrthoMetric::Fps);
  EXPECT_EQ(r.a.precision, "FP32");
  EXPECT_EQ(r.a.deployment.batch, 1);  // best fps 100 at batch 1, not 80 at batch 4
  EXPECT_EQ(r.b.precision, "INT8");
  EXPECT_EQ(r.c.prune, 0.5);
  EXPECT_DOUBLE_EQ(r.p1, 2.0);
  EXPECT_DOUBLE_EQ(r.q1, 3.0);
  EXPECT_DOUBLE_EQ(r.p2, 2.0);
  EXPECT_DOUBLE_EQ(r.q2, 3.0);
  EXPECT_DOUBLE_EQ(r.p2_over_p1, 1.0);
  EXPECT_TRUE(r.d_beats_b_and_c);
  const OrthogonalityRow& lat = result[1];
  EXPECT_EQ(lat.metric, OrthoMetric::LatencyMs);
  EXPECT_DOUBLE_EQ(lat.a.value, 10.0);  // lowest latency: batch 1 at 100 fps
  // Latency A 10 ms, B 3.33, C 5, D 1.67: improvements old/new, the same as the fps ones here.
  EXPECT_DOUBLE_EQ(lat.p1, 2.0);
  EXPECT_DOUBLE_EQ(lat.q1, 3.0);
  EXPECT_NEAR(lat.p2, 2.0, 1e-12);
  EXPECT_NEAR(lat.q2, 3.0, 1e-12);
  EXPECT_TRUE(lat.d_beats_b_and_c);
}

TEST(AnalyticsOrthogonality, TiesNameTheFirstRowAndDoNotBeat) {
  // D equal to B: not strictly better, so not complementary.
  const std::vector<ResultRow> rows{row("INT8", 1, 100), row("W2A2", 1, 200, 0, 1),
                                    row("W2A2", 1, 200, 0, 2), row("INT8", 0.5, 150),
                                    row("W2A2", 0.5, 200)};
  const auto result = orthogonality(rows);
  ASSERT_FALSE(result.empty());
  EXPECT_EQ(result[0].b.deployment.batch, 1);
  EXPECT_FALSE(result[0].d_beats_b_and_c);
}

TEST(AnalyticsSpeedup, SpeedupAndCorrelation) {
  auto base = row("INT8", 1, 100);
  base.gops_per_input = 4;
  auto half = row("INT8", 0.5, 190);
  half.gops_per_input = 2;
  auto quarter = row("INT8", 0.25, 410);
  quarter.gops_per_input = 1;
  const auto points = pruning_speedup(std::vector<ResultRow>{base, half, quarter});
  ASSERT_EQ(points.size(), 2u);
  EXPECT_DOUBLE_EQ(points[0].speedup, 1.9);
  EXPECT_DOUBLE_EQ(*points[0].compute_reduction, 2.0);
  EXPECT_DOUBLE_EQ(points[1].speedup, 4.1);
  // Two points always lie on a line: r = 1.
  EXPECT_NEAR(*points[0].pearson_r, 1.0, 1e-12);
  EXPECT_EQ(points[0].platform_points, 2u);
}

TEST(AnalyticsTheory, RatioPerPlatform) {
  auto a = row("INT8", 1, 50);
  a.predicted_fps = 100;
  auto b = row("INT8", 0.5, 90);
  b.predicted_fps = 100;
  auto c = row("INT8", 0.25, 10);  // no prediction: not a point
  const auto error = prediction_error(std::vector<ResultRow>{a, b, c});
  ASSERT_EQ(error.points.size(), 2u);
  ASSERT_EQ(error.platforms.size(), 1u);
  EXPECT_DOUBLE_EQ(error.platforms[0].ratio.median, 0.7);
  EXPECT_DOUBLE_EQ(error.platforms[0].ratio.min, 0.5);
}

}  // namespace
}  // namespace qtb::analytics
