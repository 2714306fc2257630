// The report on more rows than its charts draw (src/report/chart_sample.hpp): every chart stays
// within kMaxChartPoints, the Pareto charts keep every frontier point, the notes say what was
// left out, and the "best variant" table's reduced points give the same answers as all rows,
// checked by brute force over the rows for several thresholds and platform filters.
#include <gtest/gtest.h>
#include <unistd.h>

#include <random>
#include <set>

#include "analytics/pareto.hpp"
#include "analytics/point.hpp"
#include "app_process.hpp"
#include "platform/catalog.hpp"
#include "report/chart_sample.hpp"
#include "report/report.hpp"
#include "report_rows.hpp"

namespace qtb {
namespace {

// 24,000 measured rows: mlp (mnist) and cnv (cifar10), on three catalog platforms, both sources,
// figures spread at random (seeded), a tenth without top-1 and a third without power.
std::vector<ResultRow> many_rows() {
  std::mt19937_64 random(7);
  const auto uniform = [&] { return static_cast<double>(random() >> 11) * 0x1.0p-53; };
  const char* const platforms[] = {"TX2", "ZCU104-FINN", "NCS2"};
  const char* const modes[] = {"maxn", "default", "default"};
  const char* const precisions[] = {"FP16", "INT8", "W2A2"};
  std::vector<ResultRow> rows;
  for (int i = 0; i < 24'000; ++i) {
    const std::size_t p = random() % 3;
    const bool mlp = random() % 2 == 0;
    ResultRow r = test::report_row(random() % 2 ? "paper" : "ours", mlp ? "mlp" : "cnv",
                                   platforms[p], modes[p], precisions[random() % 3],
                                   random() % 2 ? 1.0 : 0.5, std::int64_t{1} << (random() % 8),
                                   10.0 + 1e5 * uniform(), std::nullopt, std::nullopt);
    if (random() % 10 != 0) r.top1 = (mlp ? 90.0 : 70.0) + 9.0 * uniform();
    if (random() % 3 != 0) r.power_full_w = 2.0 + 10.0 * uniform();
    rows.push_back(r);
  }
  return rows;
}

class ReportScale : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One folder per process: ctest runs the suite's tests as parallel processes.
    const auto dir =
        std::filesystem::temp_directory_path() / ("qtb_report_scale_" + std::to_string(getpid()));
    catalog_ = new std::vector<Platform>(load_catalog(test::report_test_catalog(dir)));
    rows_ = new std::vector<ResultRow>(many_rows());
    report_ = new Report(build_report(*rows_, *catalog_, {"many rows"}));
  }
  static void TearDownTestSuite() {
    delete report_;
    delete rows_;
    delete catalog_;
  }
  static std::vector<Platform>* catalog_;
  static std::vector<ResultRow>* rows_;
  static Report* report_;
};
std::vector<Platform>* ReportScale::catalog_ = nullptr;
std::vector<ResultRow>* ReportScale::rows_ = nullptr;
Report* ReportScale::report_ = nullptr;

TEST_F(ReportScale, EveryChartDrawsAtMostTheLimit) {
  ASSERT_FALSE(report_->charts.empty());
  std::size_t thinned = 0;
  for (const ReportChart& chart : report_->charts) {
    std::size_t points = 0;
    for (const auto& d : chart.spec["data"]["values"])
      if (!d.contains("kind") || d["kind"] != "roof") ++points;
    EXPECT_LE(points, kMaxChartPoints) << chart.id;
    if (chart.note.find(" Drawn: ") != std::string::npos) ++thinned;
  }
  // 4 Pareto charts (2 tasks x fps, fps/W, latency, minus none) have 12,000 points each, the
  // latency charts 8,000, the rooflines up to 8,000, the theory chart about 14,000.
  EXPECT_GE(thinned, 10u);
}

TEST_F(ReportScale, ParetoChartsKeepEveryFrontierPoint) {
  // The frontier within each source, as the chart's note says, from the analysis on all rows.
  const std::vector<analytics::Frontier> fps{analytics::Frontier::AccuracyVsFps};
  std::size_t expected = 0;
  for (const char* source : {"paper", "ours"}) {
    std::vector<ResultRow> mine;
    for (const ResultRow& r : *rows_)
      if (r.source == source && r.dataset == "mnist") mine.push_back(r);
    for (const auto& p : analytics::pareto_frontiers(mine, fps))
      expected += p.status == analytics::ParetoStatus::Frontier ? 1 : 0;
  }
  ASSERT_GT(expected, 0u);
  for (const ReportChart& chart : report_->charts) {
    if (chart.id != "pareto-mnist-accuracy-vs-fps") continue;
    std::size_t frontier = 0, dominated = 0;
    for (const auto& d : chart.spec["data"]["values"])
      (d["status"] == "frontier" ? frontier : dominated)++;
    EXPECT_EQ(frontier, expected);
    EXPECT_GT(dominated, 0u);
    EXPECT_NE(chart.note.find(" Drawn: 1 in "), std::string::npos) << chart.note;
    return;
  }
  FAIL() << "no MNIST accuracy-vs-fps chart";
}

// What the page's table computes from report.points, computed here from every row instead.
struct Best {
  double fps = 0, fps_per_w = 0, latency = 1e300;
};
Best best_of_rows(const std::vector<ResultRow>& rows, const std::string& task, double threshold,
                  const std::string& platform) {
  Best best;
  for (const ResultRow& r : rows) {
    if (!analytics::is_measurement(r) || !analytics::fps_of(r) || r.dataset != task || !r.top1 ||
        *r.top1 < threshold || (!platform.empty() && r.platform != platform))
      continue;
    best.fps = std::max(best.fps, *analytics::fps_of(r));
    if (const auto e = analytics::fps_per_w_of(r)) best.fps_per_w = std::max(best.fps_per_w, *e);
    if (const auto l = analytics::latency_ms_of(r)) best.latency = std::min(best.latency, *l);
  }
  return best;
}
Best best_of_points(const nlohmann::json& points, const std::string& task, double threshold,
                    const std::string& platform) {
  Best best;
  for (const auto& p : points) {
    if (p["task"] != task || p["top1"].is_null() || p["top1"].get<double>() < threshold ||
        (!platform.empty() && p["platform"] != platform))
      continue;
    best.fps = std::max(best.fps, p["fps"].get<double>());
    if (!p["fps_per_w"].is_null())
      best.fps_per_w = std::max(best.fps_per_w, p["fps_per_w"].get<double>());
    if (!p["latency_ms"].is_null())
      best.latency = std::min(best.latency, p["latency_ms"].get<double>());
  }
  return best;
}

TEST_F(ReportScale, BestTableKeepsOnlyPossibleWinnersAndAnswersAlike) {
  EXPECT_LT(report_->points.size(), 2'000u);  // of 24,000
  bool noted = false;
  for (const std::string& note : report_->notes)
    noted = noted || note.starts_with("The best-variant table looks at the ");
  EXPECT_TRUE(noted);
  for (const auto& [task, thresholds] : std::vector<std::pair<std::string, std::vector<double>>>{
           {"mnist", {0, 93.5, 98.9}}, {"cifar10", {0, 75, 78.95}}}) {
    for (const double threshold : thresholds) {
      for (const std::string platform : {"", "TX2", "ZCU104-FINN", "NCS2"}) {
        const Best all = best_of_rows(*rows_, task, threshold, platform);
        const Best kept = best_of_points(report_->points, task, threshold, platform);
        EXPECT_EQ(kept.fps, all.fps) << task << " " << threshold << " " << platform;
        EXPECT_EQ(kept.fps_per_w, all.fps_per_w) << task << " " << threshold << " " << platform;
        EXPECT_EQ(kept.latency, all.latency) << task << " " << threshold << " " << platform;
      }
    }
  }
}

TEST(ReportScaleSmall, SmallStoresAreDrawnWhole) {
  const auto dir = test::fresh_dir("qtb_report_scale_small");
  const auto catalog = load_catalog(test::report_test_catalog(dir));
  const std::vector<ResultRow> rows = test::report_rows();
  const Report report = build_report(rows, catalog, {"test rows"});
  for (const ReportChart& chart : report.charts)
    EXPECT_EQ(chart.note.find(" Drawn: "), std::string::npos) << chart.id;
  EXPECT_EQ(report.points.size(), 10u);  // every valid measured row with fps
}

TEST(ReportScaleSmall, SampleStride) {
  EXPECT_EQ(sample_stride(3000, 3000), 1u);
  EXPECT_EQ(sample_stride(3001, 3000), 2u);
  EXPECT_EQ(sample_stride(9000, 3000), 3u);
  EXPECT_EQ(sample_stride(9001, 3000), 4u);
  EXPECT_EQ(sampled_count(9001, 4), 2251u);  // 0, 4, ..., 9000
  EXPECT_EQ(sample_stride(5, 0), 5u);        // a budget of 0 still draws one
  EXPECT_EQ(sample_note(100, 1, "points"), "");
  EXPECT_EQ(sample_note(9001, 4, "dominated points"),
            " Drawn: 1 in 4 of the 9001 dominated points, 2251 in all (a chart draws at most "
            "3000).");
}

}  // namespace
}  // namespace qtb
