#include "measure/statistics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace qtb {
namespace {

std::vector<double> one_to(int n) {
  std::vector<double> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 1.0);
  return v;
}

TEST(Statistics, NearestRankPercentilesOfOneToThousand) {
  std::vector<double> samples = one_to(1000);
  std::reverse(samples.begin(), samples.end());  // order must not matter
  const LatencyStats s = summarize_latencies(samples);
  // Hand-computed: nearest rank ceil(p * n) of 1..1000 is the value itself.
  EXPECT_DOUBLE_EQ(*s.p50, 500);
  EXPECT_DOUBLE_EQ(*s.p90, 900);
  EXPECT_DOUBLE_EQ(*s.p95, 950);
  EXPECT_DOUBLE_EQ(*s.p99, 990);
  EXPECT_DOUBLE_EQ(*s.p999, 999);
  EXPECT_DOUBLE_EQ(*s.min, 1);
  EXPECT_DOUBLE_EQ(*s.max, 1000);
  EXPECT_DOUBLE_EQ(*s.mean, 500.5);
  // Sample standard deviation of 1..n: sqrt(n (n + 1) / 12).
  EXPECT_NEAR(*s.stddev, std::sqrt(1000.0 * 1001 / 12), 1e-9);
}

TEST(Statistics, PercentilesNeedEnoughSamplesToBeObserved) {
  const LatencyStats s = summarize_latencies(one_to(99));
  EXPECT_TRUE(s.p90.has_value());
  EXPECT_FALSE(s.p99.has_value());  // 99 samples cannot show a 1-in-100 event
  EXPECT_FALSE(s.p999.has_value());
  EXPECT_TRUE(summarize_latencies(one_to(100)).p99.has_value());
  EXPECT_FALSE(summarize_latencies(one_to(999)).p999.has_value());
  EXPECT_TRUE(summarize_latencies(one_to(1000)).p999.has_value());
  const LatencyStats single = summarize_latencies(std::vector<double>{3.0});
  EXPECT_DOUBLE_EQ(*single.mean, 3.0);
  EXPECT_FALSE(single.stddev.has_value());
  EXPECT_FALSE(summarize_latencies({}).mean.has_value());
}

TEST(Statistics, MedianConfidenceIntervalFromOrderStatistics) {
  // n = 100: ranks 50 -+ 9.8 -> 40 and 61 (1-based); values 40 and 61 around the median 50:
  // half-width (61 - 40) / 2 / 50 = 0.21.
  const std::vector<double> sorted = one_to(100);
  EXPECT_NEAR(*median_ci_relative_half_width(sorted), 0.21, 1e-12);
  // A constant sample has no spread at all.
  EXPECT_DOUBLE_EQ(*median_ci_relative_half_width(std::vector<double>(50, 2.0)), 0.0);
  EXPECT_FALSE(median_ci_relative_half_width(one_to(5)).has_value());
}

}  // namespace
}  // namespace qtb
