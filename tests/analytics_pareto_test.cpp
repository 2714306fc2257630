// The O(n log n) Pareto marking (src/analytics/pareto.cpp) against the rule applied pair by pair,
// O(n^2), on random sets: figures drawn from a few values so that ties, equal-x runs and exact
// duplicate points are common, some figures missing, several tasks, every frontier.
#include <gtest/gtest.h>

#include <random>

#include "analytics/pareto.hpp"

namespace qtb::analytics {
namespace {

// The documented rule, pair by pair: p is dominated when some q is at least as good in both
// figures and strictly better in one; points lacking a figure are missing and never compete.
std::vector<ParetoStatus> brute_force(const std::vector<std::optional<double>>& x,
                                      const std::vector<std::optional<double>>& y,
                                      bool x_lower_better, bool y_lower_better) {
  const auto at_least = [](double a, double b, bool lower) { return lower ? a <= b : a >= b; };
  const auto strictly = [](double a, double b, bool lower) { return lower ? a < b : a > b; };
  std::vector<ParetoStatus> out(x.size(), ParetoStatus::Missing);
  for (std::size_t p = 0; p < x.size(); ++p) {
    if (!x[p] || !y[p]) continue;
    out[p] = ParetoStatus::Frontier;
    for (std::size_t q = 0; q < x.size(); ++q) {
      if (!x[q] || !y[q]) continue;
      if (at_least(*x[q], *x[p], x_lower_better) && at_least(*y[q], *y[p], y_lower_better) &&
          (strictly(*x[q], *x[p], x_lower_better) || strictly(*y[q], *y[p], y_lower_better))) {
        out[p] = ParetoStatus::Dominated;
        break;
      }
    }
  }
  return out;
}

ResultRow random_row(std::mt19937_64& random, bool coarse) {
  const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
  // Coarse sets: values from five levels, so ties and duplicates are everywhere.
  const auto value = [&](double scale) {
    return coarse ? scale * static_cast<double>(1 + pick(5))
                  : scale * (0.5 + static_cast<double>(random() % 100000) / 1000.0);
  };
  static const char* const tasks[] = {"mnist", "cifar10", "imagenet"};
  ResultRow r;
  r.dataset = tasks[pick(3)];
  r.topology = "t";
  r.precision = "INT8";
  r.platform = "P";
  r.source = "ours";
  r.level = "L3";
  if (pick(10) != 0) r.fps_compute = value(100);
  if (pick(10) != 0) r.latency_compute_ms.mean = value(2);
  if (pick(10) != 0) r.top1 = value(10);
  if (pick(4) != 0) r.power_full_w = coarse ? 2.0 * static_cast<double>(1 + pick(2)) : value(1);
  return r;
}

void check_against_brute_force(std::size_t count, bool coarse, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<ResultRow> rows;
  for (std::size_t i = 0; i < count; ++i) rows.push_back(random_row(random, coarse));
  // Exact duplicates of earlier rows.
  for (std::size_t i = 0; i < count / 10; ++i) rows.push_back(rows[random() % rows.size()]);

  const std::vector<Frontier> frontiers = all_frontiers();
  const std::vector<ParetoPoint> points = pareto_frontiers(rows, frontiers);
  ASSERT_EQ(points.size(), rows.size() * frontiers.size());
  std::size_t checked = 0;
  for (const char* task : {"mnist", "cifar10", "imagenet"}) {
    for (const Frontier f : frontiers) {
      std::vector<const ParetoPoint*> group;
      for (const ParetoPoint& p : points)
        if (p.task() == task && p.frontier == f) group.push_back(&p);
      std::vector<std::optional<double>> xs, ys;
      for (const ParetoPoint* p : group) {
        xs.push_back(p->x);
        ys.push_back(p->y);
      }
      const auto expected =
          brute_force(xs, ys, f == Frontier::AccuracyVsLatency, f == Frontier::LatencyVsFps);
      for (std::size_t i = 0; i < group.size(); ++i) {
        ASSERT_EQ(group[i]->status, expected[i])
            << "seed " << seed << " task " << task << " frontier " << to_string(f) << " point " << i
            << " x " << group[i]->x.value_or(-1) << " y " << group[i]->y.value_or(-1);
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, points.size());
}

TEST(AnalyticsPareto, MatchesBruteForceWithTiesAndDuplicates) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) check_against_brute_force(300, true, seed);
}

TEST(AnalyticsPareto, MatchesBruteForceOnSpreadValues) {
  for (std::uint64_t seed = 100; seed <= 110; ++seed) check_against_brute_force(500, false, seed);
}

TEST(AnalyticsPareto, EveryOrderOfAFewPointsIsMarkedAlike) {
  // Two identical points, one equal in x and worse in y, one better in y and worse in x.
  std::vector<ResultRow> rows(4);
  const double fps[] = {100, 100, 100, 50};
  const double top1[] = {90, 90, 80, 95};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].dataset = "mnist";
    rows[i].level = "L3";
    rows[i].fps_compute = fps[i];
    rows[i].top1 = top1[i];
  }
  const std::vector<Frontier> frontier{Frontier::AccuracyVsFps};
  std::vector<std::size_t> order{0, 1, 2, 3};
  do {
    std::vector<ResultRow> permuted;
    for (const std::size_t i : order) permuted.push_back(rows[i]);
    const auto points = pareto_frontiers(permuted, frontier);
    for (std::size_t k = 0; k < order.size(); ++k) {
      const ParetoStatus expected =
          order[k] == 2 ? ParetoStatus::Dominated : ParetoStatus::Frontier;
      EXPECT_EQ(points[k].status, expected) << "row " << order[k];
      EXPECT_EQ(points[k].row, &permuted[k]);  // row order kept
    }
  } while (std::next_permutation(order.begin(), order.end()));
}

}  // namespace
}  // namespace qtb::analytics
