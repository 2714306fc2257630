// The trainer on real MNIST (skipped when scripts/setup.sh has not fetched it): a small MLP
// learns from a few thousand images in one epoch, and the integer networks that lower() makes of
// the W2A2 and W1A1 results predict what the trainer's own fake-quantized forward predicts.
#include <gtest/gtest.h>

#include <algorithm>

#include "data/locate.hpp"
#include "engine/registry.hpp"
#include "train/train.hpp"
#include "zoo/zoo.hpp"

namespace {

using namespace qtb;

constexpr std::int64_t kTrainImages = 4000;
constexpr std::int64_t kTestImages = 1000;

struct Mnist {
  DataSet train, test;
};

const Mnist* mnist() {
  static const Mnist* loaded = [] {
    const DataSetSource source = locate_data_set("mnist");
    if (!probe_data_set(source).present) return static_cast<Mnist*>(nullptr);
    return new Mnist{load_data_set(source, Split::train), load_data_set(source, Split::test)};
  }();
  return loaded;
}

TrainOptions small_run(const char* precision) {
  TrainOptions o;
  o.precision = parse_precision(precision);
  o.epochs = 1;
  o.batch_size = 50;
  o.learning_rate = 3e-3;
  o.train_limit = kTrainImages;
  o.threads = 1;
  return o;
}

TEST(TrainMnist, SmallMlpLearnsInOneEpoch) {
  if (mnist() == nullptr) GTEST_SKIP() << "MNIST is not installed (scripts/setup.sh)";
  const TrainResult r = train(build_topology("mlp", 0.125), mnist()->train, small_run("FP32"));
  const double top1 =
      evaluate_top1(r.graph, mnist()->test, parse_precision("FP32"), 1, kTestImages);
  EXPECT_GE(top1, 0.85) << "4000 images, one epoch";
}

// Predictions of the reference backend's integer network for the first `count` test images.
std::vector<int> integer_predictions(const Graph& g, const Precision& p, const DataSet& data,
                                     std::int64_t count) {
  auto model = make_backend("reference")->compile(g, p, CompileOptions{1, count});
  const std::int64_t size = data.image_bytes();
  std::vector<float> input(static_cast<std::size_t>(count * size));
  for (std::size_t i = 0; i < input.size(); ++i) {
    input[i] = static_cast<float>(data.pixels[i]) * (1.0f / 255.0f);
  }
  model->set_input(input, count);
  model->run(count);
  std::vector<float> logits(static_cast<std::size_t>(count * 10));
  model->get_output(logits, count);
  std::vector<int> predictions;
  for (std::int64_t n = 0; n < count; ++n) {
    const auto first = logits.begin() + n * 10;
    predictions.push_back(static_cast<int>(std::max_element(first, first + 10) - first));
  }
  return predictions;
}

void expect_integer_network_agrees(const char* precision_name, double min_top1) {
  if (mnist() == nullptr) GTEST_SKIP() << "MNIST is not installed (scripts/setup.sh)";
  const Precision precision = parse_precision(precision_name);
  const TrainResult r =
      train(build_topology("mlp", 0.125), mnist()->train, small_run(precision_name));
  constexpr std::int64_t kImages = 500;
  const std::vector<int> trained = predict(r.graph, mnist()->test, precision, 1, kImages);
  const std::vector<int> integer = integer_predictions(r.graph, precision, mnist()->test, kImages);
  std::int64_t agree = 0, correct = 0;
  for (std::int64_t i = 0; i < kImages; ++i) {
    agree += trained[static_cast<std::size_t>(i)] == integer[static_cast<std::size_t>(i)];
    correct +=
        integer[static_cast<std::size_t>(i)] == mnist()->test.labels[static_cast<std::size_t>(i)];
  }
  EXPECT_GE(agree, kImages * 99 / 100) << precision_name << ": trainer and lower() disagree";
  EXPECT_GE(static_cast<double>(correct) / kImages, min_top1) << precision_name;
}

TEST(TrainMnist, W2A2IntegerNetworkPredictsLikeTheTrainer) {
  expect_integer_network_agrees("W2A2", 0.80);
}

TEST(TrainMnist, W1A1IntegerNetworkPredictsLikeTheTrainer) {
  expect_integer_network_agrees("W1A1", 0.75);
}

}  // namespace
