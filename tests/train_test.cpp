// The trainer end to end on synthetic data: determinism, the returned graph's structure
// (quantizer nodes, batchnorm statistics), frozen zero weights, and the errors it reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <variant>

#include "core/error.hpp"
#include "engine/registry.hpp"
#include "train/random.hpp"
#include "train/train.hpp"
#include "zoo/zoo.hpp"

namespace {

using namespace qtb;

// Images whose label is which quarter of the image is brightest (learnable, 4 classes padded to
// the 10 outputs of the zoo networks).
DataSet synthetic_mnist(std::int64_t count, std::uint64_t seed) {
  DataSet d;
  d.name = "synthetic";
  d.channels = 1, d.height = 28, d.width = 28;
  d.classes = 10;
  train_detail::SplitMix64 rng(seed);
  for (std::int64_t i = 0; i < count; ++i) {
    const auto label = static_cast<std::uint8_t>(rng.below(4));
    for (std::int64_t y = 0; y < 28; ++y) {
      for (std::int64_t x = 0; x < 28; ++x) {
        const int quarter = (y >= 14 ? 2 : 0) + (x >= 14 ? 1 : 0);
        const std::uint64_t noise = rng.below(100);
        d.pixels.push_back(static_cast<std::uint8_t>(quarter == label ? 120 + noise : noise));
      }
    }
    d.labels.push_back(label);
  }
  return d;
}

TrainOptions quick_options(const char* precision) {
  TrainOptions o;
  o.precision = parse_precision(precision);
  o.epochs = 1;
  o.batch_size = 32;
  o.learning_rate = 3e-3;
  o.threads = 1;  // quick and independent of other load; determinism checks 2 threads too
  return o;
}

std::vector<float> all_weights(const Graph& g) {
  std::vector<float> w;
  for (const Node& n : g.nodes()) {
    w.insert(w.end(), n.weights.begin(), n.weights.end());
    w.insert(w.end(), n.bias.begin(), n.bias.end());
  }
  return w;
}

TEST(Train, SameSeedSameWeightsOtherSeedDiffers) {
  const DataSet data = synthetic_mnist(200, 1);
  const Graph mlp = build_topology("mlp", 0.0625);
  for (const char* precision : {"FP32", "W2A2", "W1A1"}) {
    TrainOptions options = quick_options(precision);
    options.threads = 2;  // the parallel loops and GEMMs split work between threads
    const std::vector<float> a = all_weights(train(mlp, data, options).graph);
    const std::vector<float> b = all_weights(train(mlp, data, options).graph);
    EXPECT_EQ(a, b) << precision;
    TrainOptions other = options;
    other.seed = 2;
    EXPECT_NE(a, all_weights(train(mlp, data, other).graph)) << precision;
  }
}

TEST(Train, LearnsSyntheticTaskAndReportsEpochs) {
  const DataSet data = synthetic_mnist(600, 3);
  TrainOptions options = quick_options("FP32");
  options.epochs = 2;
  std::vector<EpochStats> seen;
  std::int64_t batches = 0;
  options.on_batch = [&](int, std::int64_t done, std::int64_t total, double loss) {
    ++batches;
    EXPECT_LE(done, total);
    EXPECT_GT(loss, 0.0);
  };
  const TrainResult r = train(build_topology("mlp", 0.0625), data, options,
                              [&](const EpochStats& s) { seen.push_back(s); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(batches, 2 * 19);  // 600 / 32, the last batch partial
  EXPECT_EQ(seen[1].epoch, 2);
  EXPECT_EQ(seen[1].images, 600);
  EXPECT_LT(seen[1].loss, seen[0].loss);
  EXPECT_GE(evaluate_top1(r.graph, synthetic_mnist(300, 4), options.precision, 1), 0.95);
}

TEST(Train, QuantizedGraphHasQuantizerAfterEveryHiddenActivation) {
  const DataSet data = synthetic_mnist(64, 5);
  const Graph mlp = build_topology("mlp", 0.0625);
  for (const char* precision : {"W2A2", "W1A1", "INT8"}) {
    const Graph g = train(mlp, data, quick_options(precision)).graph;
    ASSERT_EQ(g.size(), mlp.size() + 3) << precision;
    int quantizers = 0;
    for (int id = 0; id < g.size(); ++id) {
      const Node& n = g.node(id);
      if (n.kind != OpKind::Quantizer) continue;
      ++quantizers;
      EXPECT_EQ(g.node(n.inputs.front()).kind, OpKind::Activation);
      const auto& q = std::get<QuantizerAttrs>(n.attrs);
      EXPECT_EQ(q.bits, bit_width(parse_precision(precision).activations));
      EXPECT_EQ(q.is_signed, q.bits == 1);
    }
    EXPECT_EQ(quantizers, 3);
    // Fine-tuning the returned graph adds no second set of quantizers.
    EXPECT_EQ(train(g, data, quick_options(precision)).graph.size(), g.size());
  }
  EXPECT_EQ(train(mlp, data, quick_options("FP32")).graph.size(), mlp.size());
}

TEST(Train, BatchNormHoldsRunningStatistics) {
  const Graph g =
      train(build_topology("mlp", 0.0625), synthetic_mnist(64, 6), quick_options("FP32")).graph;
  const Node& bn = g.node(3);  // input, flatten, fc1, fc1/bn
  ASSERT_EQ(bn.kind, OpKind::BatchNorm);
  const std::size_t c = static_cast<std::size_t>(bn.output.channels);
  bool moved_mean = false;
  for (std::size_t i = 0; i < c; ++i) {
    moved_mean = moved_mean || bn.weights[2 * c + i] != 0.0f;
    EXPECT_GT(bn.weights[3 * c + i], 0.0f);  // variance
  }
  EXPECT_TRUE(moved_mean);
}

TEST(Train, FreezeZeroWeightsKeepsPrunedSynapses) {
  const DataSet data = synthetic_mnist(64, 7);
  Graph g = train(build_topology("mlp", 0.0625), data, quick_options("FP32")).graph;
  // Prune every other weight of fc1.
  const int fc1 = 2;
  std::vector<float> w = g.node(fc1).weights;
  for (std::size_t i = 0; i < w.size(); i += 2) w[i] = 0.0f;
  g.set_weights(fc1, w);
  TrainOptions options = quick_options("FP32");
  options.freeze_zero_weights = true;
  const Graph tuned = train(g, data, options).graph;
  const std::vector<float>& after = tuned.node(fc1).weights;
  bool changed = false;
  for (std::size_t i = 0; i < after.size(); ++i) {
    if (i % 2 == 0) {
      EXPECT_EQ(after[i], 0.0f);
    }
    changed = changed || after[i] != w[i];
  }
  EXPECT_TRUE(changed);
}

// CNV-shaped images: colour copies of the synthetic digits' quarter pattern, padded to 32x32.
DataSet synthetic_cifar(std::int64_t count, std::uint64_t seed) {
  const DataSet grey = synthetic_mnist(count, seed);
  DataSet d = grey;
  d.channels = 3, d.height = 32, d.width = 32;
  d.pixels.assign(static_cast<std::size_t>(count * 3 * 32 * 32), 0);
  for (std::int64_t i = 0; i < count; ++i) {
    for (std::int64_t c = 0; c < 3; ++c) {
      for (std::int64_t y = 0; y < 28; ++y) {
        for (std::int64_t x = 0; x < 28; ++x) {
          d.pixels[static_cast<std::size_t>(((i * 3 + c) * 32 + y + 2) * 32 + x + 2)] =
              grey.pixels[static_cast<std::size_t>((i * 28 + y) * 28 + x)];
        }
      }
    }
  }
  return d;
}

// A conv network with max pools, trained quantized, runs on the reference backend's integer
// network (via lower()) with the trainer's predictions.
TEST(Train, QuantizedCnvRunsOnTheIntegerBackendAsTrained) {
  const DataSet data = synthetic_cifar(200, 9);
  const DataSet test = synthetic_cifar(100, 10);
  std::vector<float> input(test.pixels.size());
  for (std::size_t i = 0; i < input.size(); ++i) {
    input[i] = static_cast<float>(test.pixels[i]) * (1.0f / 255.0f);
  }
  for (const char* precision : {"W2A2", "W1A1"}) {
    TrainOptions options = quick_options(precision);
    options.batch_size = 50;
    const Graph g = train(build_topology("cnv", 0.125), data, options).graph;
    const std::vector<int> trained = predict(g, test, options.precision, 1);
    auto model = make_backend("reference")->compile(g, options.precision, CompileOptions{1, 100});
    model->set_input(input, 100);
    model->run(100);
    std::vector<float> logits(100 * 10);
    model->get_output(logits, 100);
    int agree = 0;
    for (std::size_t n = 0; n < 100; ++n) {
      const auto row = logits.begin() + static_cast<std::ptrdiff_t>(n * 10);
      agree += std::max_element(row, row + 10) - row == trained[n];
    }
    EXPECT_GE(agree, 98) << precision;
  }
}

TEST(Train, RejectsBadOptionsGraphsAndData) {
  const DataSet data = synthetic_mnist(8, 8);
  const Graph mlp = build_topology("mlp", 0.0625);
  TrainOptions bad = quick_options("FP32");
  bad.batch_size = 0;
  EXPECT_THROW(train(mlp, data, bad), InputError);
  bad = quick_options("FP32");
  bad.schedule = ScheduleKind::step;
  EXPECT_THROW(train(mlp, data, bad), InputError);  // step_epochs 0
  bad = quick_options("FP32");
  bad.learning_rate = 0.0;
  EXPECT_THROW(train(mlp, data, bad), InputError);
  // CNV takes 3x32x32 images.
  EXPECT_THROW(train(build_topology("cnv", 0.125), data, quick_options("FP32")), InputError);
  // Residual adds are not a chain.
  EXPECT_THROW(train(build_topology("resnet50", 0.125), data, quick_options("FP32")), InputError);
  DataSet five_classes = data;
  five_classes.classes = 5;
  EXPECT_THROW(train(mlp, five_classes, quick_options("FP32")), InputError);
  DataSet bad_label = data;
  bad_label.labels[3] = 10;
  EXPECT_THROW(train(mlp, bad_label, quick_options("FP32")), InputError);
}

}  // namespace
