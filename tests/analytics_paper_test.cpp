// The analyses on the paper's 974 published rows, checked against values computed by hand from
// data/reference/qutibench-web/experimental_data.csv. Line numbers below are the file's (header =
// line 1); columns quoted are batch/thread/stream, fps-comp (fps), lat-comp (ms), top1, Pruning.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "analytics/box_stats.hpp"
#include "analytics/orthogonality.hpp"
#include "analytics/pareto.hpp"
#include "analytics/prediction_error.hpp"
#include "analytics/pruning_speedup.hpp"
#include "app_process.hpp"
#include "store/import.hpp"

namespace qtb::analytics {
namespace {

const std::vector<ResultRow>& paper_rows() {
  static const std::vector<ResultRow> rows = read_import_file(test::portal_csv()).rows;
  return rows;
}

const OrthogonalityRow* find_row(const std::vector<OrthogonalityRow>& rows, const std::string& topo,
                                 const std::string& platform, OrthoMetric metric,
                                 const std::string& b_precision, double prune,
                                 const std::string& op_mode = "default") {
  for (const OrthogonalityRow& r : rows)
    if (r.topology == topo && r.platform == platform && r.op_mode == op_mode &&
        r.metric == metric && r.b.precision == b_precision && r.c.prune == prune)
      return &r;
  return nullptr;
}

// cnv on ZCU104-FINN has INT4 and INT2 at every pruning (lines 711-785); A is INT4 (the widest).
// Best fps per variant (FINN sweeps the stream size):
//   A INT4 100 %: line 785, streams 10000, 686.76    B INT2 100 %: line 741, streams 512, 2979.082
//   C INT4  50 %: line 774, streams 10000, 8209.332  D INT2  50 %: line 731, streams 512, 17029.769
// p1 = C/A = 8209.332/686.76 = 11.9537    q1 = B/A = 2979.082/686.76 = 4.3379
// p2 = D/B = 17029.769/2979.082 = 5.7165  q2 = D/C = 17029.769/8209.332 = 2.0744
// D > B and D > C, so d_beats_b_and_c.
TEST(AnalyticsPaper, OrthogonalityCnvFinnFps) {
  const auto rows = orthogonality(paper_rows());
  const OrthogonalityRow* r = find_row(rows, "cnv", "ZCU104-FINN", OrthoMetric::Fps, "W2A2", 0.5);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->a.precision, "W4A4");
  EXPECT_EQ(r->a.prune, 1.0);
  EXPECT_DOUBLE_EQ(r->a.value, 686.76);
  EXPECT_EQ(r->a.deployment.streams, 10000);
  EXPECT_DOUBLE_EQ(r->b.value, 2979.082000000001);
  EXPECT_EQ(r->b.deployment.streams, 512);
  EXPECT_EQ(r->c.precision, "W4A4");
  EXPECT_DOUBLE_EQ(r->c.value, 8209.332);
  EXPECT_EQ(r->c.deployment.streams, 10000);
  EXPECT_DOUBLE_EQ(r->d.value, 17029.769);
  EXPECT_EQ(r->d.deployment.streams, 512);
  EXPECT_NEAR(r->p1, 11.9537, 1e-4);
  EXPECT_NEAR(r->q1, 4.3379, 1e-4);
  EXPECT_NEAR(r->p2, 5.7165, 1e-4);
  EXPECT_NEAR(r->q2, 2.0744, 1e-4);
  EXPECT_NEAR(r->p2_over_p1, 5.7165 / 11.9537, 1e-4);
  EXPECT_NEAR(r->q2_over_q1, 2.0744 / 4.3379, 1e-4);
  EXPECT_TRUE(r->d_beats_b_and_c);
}

// The same variants by lowest latency (lat-comp), all at streams 1:
//   A line 775: 4.874   B line 732: 1.299   C line 764: 0.507   D line 722: 0.27
// Lower latency is better, so the improvements are old / new (paper Fig. 18):
// p1 = A/C = 4.874/0.507 = 9.61341  q1 = A/B = 4.874/1.299 = 3.75212  p2 = B/D = 1.299/0.27
// = 4.81111 q2 = C/D = 0.507/0.27 = 1.87778; p2/p1 = q2/q1 = (1.299 x 0.507)/(4.874 x 0.27) =
// 0.50046; D is lower than B and C.
TEST(AnalyticsPaper, OrthogonalityCnvFinnLatency) {
  const auto rows = orthogonality(paper_rows());
  const OrthogonalityRow* r =
      find_row(rows, "cnv", "ZCU104-FINN", OrthoMetric::LatencyMs, "W2A2", 0.5);
  ASSERT_NE(r, nullptr);
  EXPECT_DOUBLE_EQ(r->a.value, 4.874);
  EXPECT_DOUBLE_EQ(r->b.value, 1.2990000000000002);
  EXPECT_DOUBLE_EQ(r->c.value, 0.507);
  EXPECT_DOUBLE_EQ(r->d.value, 0.27);
  for (const VariantFigure* f : {&r->a, &r->b, &r->c, &r->d}) EXPECT_EQ(f->deployment.streams, 1);
  EXPECT_NEAR(r->p1, 9.61341, 1e-5);
  EXPECT_NEAR(r->q1, 3.75212, 1e-5);
  EXPECT_NEAR(r->p2, 4.81111, 1e-5);
  EXPECT_NEAR(r->q2, 1.87778, 1e-5);
  EXPECT_NEAR(r->p2_over_p1, 0.50046, 1e-5);
  EXPECT_NEAR(r->q2_over_q1, 0.50046, 1e-5);
  EXPECT_TRUE(r->d_beats_b_and_c);
}

// cnv on TX2 maxn, FP32 (A, C) and FP16 (B, D), lowest lat-comp, all at batch 1:
//   A FP32 100 %: line 608, 1.68794   B FP16 100 %: line 512, 1.12055
//   C FP32  50 %: line 584, 0.64925   D FP16  50 %: line 488, 0.526068
// p1 = A/C = 1.68794/0.64925 = 2.59983 (the 1.6879/0.6493 = 2.600)
// q1 = A/B = 1.68794/1.12055 = 1.50635  p2 = B/D = 1.12055/0.526068 = 2.13005
// q2 = C/D = 0.64925/0.526068 = 1.23416; all above 1: both optimizations cut latency.
TEST(AnalyticsPaper, OrthogonalityCnvTx2LatencyImprovements) {
  const auto rows = orthogonality(paper_rows());
  const OrthogonalityRow* r =
      find_row(rows, "cnv", "TX2", OrthoMetric::LatencyMs, "FP16", 0.5, "maxn");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->op_mode, "maxn");
  EXPECT_EQ(r->a.precision, "FP32");
  EXPECT_DOUBLE_EQ(r->a.value, 1.6879400000000002);
  EXPECT_DOUBLE_EQ(r->c.value, 0.64925);
  EXPECT_EQ(r->a.deployment.batch, 1);
  EXPECT_EQ(std::round(r->p1 * 1000) / 1000, 2.600);
  EXPECT_NEAR(r->p1, 2.59983, 1e-5);
  EXPECT_NEAR(r->q1, 1.50635, 1e-5);
  EXPECT_NEAR(r->p2, 2.13005, 1e-5);
  EXPECT_NEAR(r->q2, 1.23416, 1e-5);
  EXPECT_TRUE(r->d_beats_b_and_c);
}

// MNIST (mlp, 406 rows, every one with fps-comp and top1), accuracy vs fps. No mlp row has top1
// above line 33's 98.86 (NCS2 FP16 100 %, batch 128, 621.337 fps), and no 98.86 row is faster, so
// it is on the frontier; line 347 (FINN W2A2 12.5 %, streams 512, 3849624.06 fps) is the fastest
// of all, so it is too. Line 376 (FINN W2A2 100 %, streams 256: 80250.784 fps, 98.75) is
// dominated by line 377 (same variant, streams 512: 80389.386 fps, 98.75). Checking every pair,
// the frontier has 8 points (lines 33, 336, 377, 407, 367, 397, 357, 347).
TEST(AnalyticsPaper, ParetoMnistAccuracyVsFps) {
  const std::vector<Frontier> frontiers{Frontier::AccuracyVsFps};
  const auto points = pareto_frontiers(paper_rows(), frontiers);
  std::vector<const ParetoPoint*> mnist_front;
  const ParetoPoint* line376 = nullptr;
  std::size_t mnist = 0;
  for (const ParetoPoint& p : points) {
    if (p.task() != "mnist") continue;
    ++mnist;
    if (p.status == ParetoStatus::Frontier) mnist_front.push_back(&p);
    if (p.platform() == "ZCU104-FINN" && p.precision() == "W2A2" && p.prune() == 1.0 &&
        p.deployment().streams == 256)
      line376 = &p;
  }
  EXPECT_EQ(mnist, 406u);
  ASSERT_EQ(mnist_front.size(), 8u);
  const auto on_front = [&](const std::string& platform, double x, double y) {
    return std::any_of(mnist_front.begin(), mnist_front.end(), [&](const ParetoPoint* p) {
      return p->platform() == platform && *p->x == x && *p->y == y;
    });
  };
  EXPECT_TRUE(on_front("NCS2", 621.337, 98.86));
  EXPECT_TRUE(on_front("ZCU104-FINN", 3849624.06, 96.85));
  ASSERT_NE(line376, nullptr);
  EXPECT_EQ(line376->status, ParetoStatus::Dominated);
}

// cnv, ZCU104-FINN, INT2, 100 %: fps of lines 732-741 (streams 1..512), already ascending:
//   769.823 1121.076 1539.053 2034.588 2425.345 2682.763 2832.987 2914.655 2957.315 2979.082
// n = 10; type-7 positions h = 9q: q1 at 2.25 -> 1539.053 + 0.25 (2034.588 - 1539.053) = 1662.93675
// median at 4.5 -> (2425.345 + 2682.763) / 2 = 2554.054; q3 at 6.75 -> 2832.987 + 0.75 (2914.655 -
// 2832.987) = 2894.238; mean = 22256.687 / 10 = 2225.6687. Peak of cnv on FINN: line 711 (INT2
// 12.5 %, streams 512) 60757.09 fps, so the normalised median is 2554.054 / 60757.09 = 0.042037.
TEST(AnalyticsPaper, BoxCnvFinnInt2) {
  const std::vector<BoxMetric> metrics{BoxMetric::Fps};
  const auto boxes = box_statistics(paper_rows(), metrics);
  const auto it = std::find_if(boxes.begin(), boxes.end(), [](const BoxStats& b) {
    return b.topology == "cnv" && b.platform == "ZCU104-FINN" && b.precision == "W2A2" &&
           b.prune == 1.0;
  });
  ASSERT_NE(it, boxes.end());
  EXPECT_EQ(it->absolute.n, 10u);
  EXPECT_EQ(it->missing, 0u);
  EXPECT_DOUBLE_EQ(it->absolute.min, 769.823);
  EXPECT_NEAR(it->absolute.q1, 1662.93675, 1e-6);
  EXPECT_NEAR(it->absolute.median, 2554.054, 1e-6);
  EXPECT_NEAR(it->absolute.q3, 2894.238, 1e-6);
  EXPECT_NEAR(it->absolute.max, 2979.082, 1e-6);
  EXPECT_NEAR(it->absolute.mean, 2225.6687, 1e-6);
  EXPECT_DOUBLE_EQ(it->peak, 60757.09);
  EXPECT_NEAR(it->normalised.median, 0.042037, 1e-6);
}

// Pruning on FINN for cnv, INT2: 50 % vs 100 % best fps = 17029.769 / 2979.082 = 5.7165 (lines
// 731, 741); ops per input from GOPS / streams: 0.46945 / 1 (line 732) vs 0.118923636 / 1 (line
// 722), a reduction of 3.9475.
TEST(AnalyticsPaper, PruningSpeedupCnvFinn) {
  const auto points = pruning_speedup(paper_rows());
  const auto it = std::find_if(points.begin(), points.end(), [](const SpeedupPoint& p) {
    return p.topology == "cnv" && p.platform == "ZCU104-FINN" && p.precision == "W2A2" &&
           p.prune == 0.5;
  });
  ASSERT_NE(it, points.end());
  EXPECT_NEAR(it->speedup, 5.7165, 1e-4);
  ASSERT_TRUE(it->compute_reduction.has_value());
  EXPECT_NEAR(*it->compute_reduction, 0.46945 / 0.118923636, 1e-9);
  EXPECT_TRUE(it->pearson_r.has_value());
}

// The portal rows carry no L0 prediction, so theory vs measurement has nothing to say about them.
TEST(AnalyticsPaper, NoPredictionsInPaperRows) {
  EXPECT_TRUE(prediction_error(paper_rows()).points.empty());
}

// The command end to end: JSON keys exactly as docs/analytics.md names them.
TEST(AnalyticsPaper, AnalyzeResultsOrthogonalityJson) {
  const auto dir = test::fresh_dir("qtb_analytics");
  const std::string db = (dir / "paper.db").string();
  ASSERT_EQ(test::run_app(dir, "import " + test::portal_csv().string() + " --db " + db).exit_code,
            0);
  const auto r = test::run_app(
      dir, "analyze-results --analysis orthogonality --source paper --format json --db " + db);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_FALSE(json.at("rows").empty());
  const auto& row = json.at("rows").at(0);
  for (const char* key : {"topology", "platform", "op_mode", "metric", "A", "B", "C", "D", "p1",
                          "q1", "p2", "q2", "p2_over_p1", "q2_over_q1", "d_beats_b_and_c"})
    EXPECT_TRUE(row.contains(key)) << key;
  for (const char* key : {"precision", "prune", "value", "deployment"})
    EXPECT_TRUE(row.at("A").contains(key)) << key;
  const auto bad = test::run_app(dir, "analyze-results --analysis nope --db " + db);
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
}  // namespace qtb::analytics
