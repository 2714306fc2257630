// Accuracy runs: top-1/top-5 counted through a backend's system path on a hand-made model whose
// answers are known, and the Wilson interval against published values.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "engine/registry.hpp"
#include "measure/accuracy.hpp"

namespace qtb {
namespace {

// Six pixels in, six logits out, logit c = pixel c: the prediction is the brightest pixel.
Graph brightest_pixel() {
  Graph g("brightest");
  const int x = g.flatten(g.input(Shape{1, 2, 3}), "flat");
  const int d = g.dense(x, DenseAttrs{6, false}, "fc");
  std::vector<float> identity(36, 0.0f);
  for (int i = 0; i < 6; ++i) identity[static_cast<std::size_t>(i * 7)] = 1.0f;
  g.set_weights(d, identity);
  return g;
}

DataSet images(std::vector<std::vector<std::uint8_t>> pixels, std::vector<std::uint8_t> labels) {
  DataSet data;
  data.name = "hand-made";
  data.channels = 1;
  data.height = 2;
  data.width = 3;
  data.classes = 6;
  for (const auto& image : pixels)
    data.pixels.insert(data.pixels.end(), image.begin(), image.end());
  data.labels.assign(labels.begin(), labels.end());
  return data;
}

TEST(Accuracy, CountsTopOneAndTopFiveThroughTheBackend) {
  const DataSet data = images(
      {
          {10, 50, 20, 0, 0, 0},     // predicts 1; label 1: top-1 hit
          {90, 80, 70, 60, 50, 40},  // predicts 0; label 4 is 5th: top-5 hit
          {90, 80, 70, 60, 50, 40},  // label 5 is 6th: miss both
          {5, 5, 5, 5, 5, 5},        // all tied: predicts 0; label 4 ranks 5th (ties: lower first)
      },
      {1, 4, 5, 4});
  const auto model =
      make_backend("reference")->compile(brightest_pixel(), Precision{}, {1, 3, false});
  const AccuracyResult result = measure_accuracy(*model, data, 3);
  EXPECT_EQ(result.samples, 4);
  EXPECT_EQ(result.predictions, (std::vector<std::int32_t>{1, 0, 0, 0}));
  EXPECT_EQ(result.top1_correct, 1);
  EXPECT_EQ(result.top5_correct, 3);
  EXPECT_DOUBLE_EQ(result.top1(), 0.25);

  const AccuracyResult first_two = measure_accuracy(*model, data, 8, 2);
  EXPECT_EQ(first_two.samples, 2);
  EXPECT_EQ(first_two.top1_correct, 1);
}

TEST(Accuracy, RefusesDataOfTheWrongShape) {
  DataSet data = images({{1, 2, 3, 4, 5, 6}}, {0});
  data.height = 3;
  data.width = 2;
  const auto model = make_backend("reference")->compile(brightest_pixel(), Precision{}, {});
  EXPECT_THROW(measure_accuracy(*model, data, 1), InputError);
}

TEST(Accuracy, WilsonIntervalMatchesTheFormulaTables) {
  // Wilson (1927) score interval; values as tabulated by Newcombe (1998) for 95/100 and 10/10.
  const ProportionInterval a = wilson_interval95(95, 100);
  EXPECT_NEAR(a.low, 0.8882, 1e-4);
  EXPECT_NEAR(a.high, 0.9785, 1e-4);
  const ProportionInterval b = wilson_interval95(10, 10);
  EXPECT_NEAR(b.low, 0.7225, 1e-4);
  EXPECT_DOUBLE_EQ(b.high, 1.0);
  const ProportionInterval c = wilson_interval95(9850, 10000);
  EXPECT_NEAR(c.low, 0.98242, 1e-5);
  EXPECT_NEAR(c.high, 0.98720, 1e-5);
}

}  // namespace
}  // namespace qtb
