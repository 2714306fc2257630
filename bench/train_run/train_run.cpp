// qutibench_train_run: trains a zoo topology on a data set with the trainer (src/train) and
// prints seconds and loss per epoch and the top-1 on the test split, for measuring the trainer
// and trying recipes. Usage (positional; --help lists them with their ranges):
//   qutibench_train_run TOPOLOGY SCALE PRECISION EPOCHS [LR [BATCH [TRAIN_LIMIT [THREADS
//                       [DATASET [TEST_LIMIT [OPTIMIZER [BACKEND]]]]]]]]
// e.g. qutibench_train_run mlp 1 W2A2 10 0.002 100 0 2 mnist 10000 adam reference
// With BACKEND, the trained graph is also compiled by that backend and run on the test images:
// its top-1 and how often it predicts the trainer's class are printed.
#include <algorithm>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench_options.hpp"
#include "data/locate.hpp"
#include "engine/registry.hpp"
#include "measure/deployment.hpp"
#include "number_options.hpp"
#include "optimize/recipe_limits.hpp"
#include "train/recipe_names.hpp"
#include "train/train.hpp"
#include "zoo/zoo.hpp"

namespace {

// Runs `graph` on `backend` over the first `limit` test images (0 = all) and prints its top-1
// and its agreement with the trainer's predictions.
void check_backend(const std::string& backend, const qtb::Graph& graph,
                   const qtb::Precision& precision, const qtb::DataSet& test, std::int64_t limit) {
  const std::int64_t images = limit > 0 ? std::min(limit, test.size()) : test.size();
  const std::vector<int> trained = qtb::predict(graph, test, precision, 1, images);
  constexpr std::int64_t kBatch = 100;
  auto model =
      qtb::make_backend(backend)->compile(graph, precision, qtb::CompileOptions{1, kBatch});
  const std::int64_t size = test.image_bytes();
  const std::int64_t classes = test.classes;
  std::vector<float> input(static_cast<std::size_t>(kBatch * size));
  std::vector<float> logits(static_cast<std::size_t>(kBatch * classes));
  std::int64_t correct = 0, agree = 0;
  for (std::int64_t first = 0; first < images; first += kBatch) {
    const std::int64_t count = std::min(kBatch, images - first);
    for (std::int64_t i = 0; i < count * size; ++i) {
      input[static_cast<std::size_t>(i)] =
          static_cast<float>(test.pixels[static_cast<std::size_t>(first * size + i)]) *
          (1.0f / 255.0f);
    }
    model->set_input(std::span(input).first(static_cast<std::size_t>(count * size)), count);
    model->run(count);
    model->get_output(std::span(logits).first(static_cast<std::size_t>(count * classes)), count);
    for (std::int64_t n = 0; n < count; ++n) {
      const auto row = logits.begin() + n * classes;
      const auto predicted = static_cast<int>(std::max_element(row, row + classes) - row);
      correct += predicted == test.labels[static_cast<std::size_t>(first + n)];
      agree += predicted == trained[static_cast<std::size_t>(first + n)];
    }
  }
  fmt::print("{} backend: top-1 {:.4f}, predicts the trainer's class on {:.2f} % of {} images\n",
             backend, static_cast<double>(correct) / static_cast<double>(images),
             100.0 * static_cast<double>(agree) / static_cast<double>(images), images);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"trains a zoo topology with the trainer: seconds and loss per epoch, test top-1",
               "qutibench_train_run"};
  std::string topology, precision, optimizer = "adam", dataset, backend;
  double scale = 1;
  std::int64_t test_limit = 0;
  qtb::TrainOptions options;
  options.learning_rate = 0.001;
  options.batch_size = 100;
  options.train_limit = 0;
  options.threads = 2;
  // Positional, in this order, as the usage at the top says.
  app.add_option("TOPOLOGY", topology, "zoo topology (mlp, cnv)")->required();
  qtb::app::add_number_option(&app, "SCALE", scale, qtb::kPruneRange, "pruning scale")->required();
  app.add_option("PRECISION", precision, "FP32, or WxAy for quantization-aware training")
      ->required();
  qtb::app::add_count_option(&app, "EPOCHS", options.epochs, {0, qtb::kMaxEpochs, "epochs"},
                             "passes over the training set")
      ->required();
  qtb::app::add_number_option(&app, "LR", options.learning_rate, {1e-9, 10, ""},
                              "initial learning rate");
  qtb::app::add_count_option(&app, "BATCH", options.batch_size, {1, qtb::kMaxTrainBatch, "images"},
                             "images per mini-batch");
  qtb::app::add_count_option(&app, "TRAIN_LIMIT", options.train_limit, {0, 1'000'000'000, "images"},
                             "first N training images (0: all)");
  qtb::app::add_threads_option(&app, "THREADS", options.threads, false, "training threads");
  app.add_option("DATASET", dataset, "data set (default: mnist, for cnv fashion-mnist-32x32x3)");
  qtb::app::add_count_option(&app, "TEST_LIMIT", test_limit, {0, 1'000'000'000, "images"},
                             "first N test images (0: all)");
  app.add_option("OPTIMIZER", optimizer, "adam or sgd")
      ->capture_default_str()
      ->check(CLI::IsMember(qtb::optimizer_names()));
  app.add_option("BACKEND", backend, "also run the trained graph on this backend");
  return qtb::bench::run_driver(app, argc, argv, [&] {
    const qtb::Graph graph = qtb::build_topology(topology, scale);
    options.precision = qtb::parse_precision(precision);
    options.optimizer = *qtb::parse_optimizer(optimizer);  // checked by the option
    if (dataset.empty()) dataset = graph.name() == "cnv" ? "fashion-mnist-32x32x3" : "mnist";
    const qtb::DataSetSource source = qtb::locate_data_set(dataset);
    const qtb::DataSet train_set = qtb::load_data_set(source, qtb::Split::train);
    const qtb::DataSet test_set = qtb::load_data_set(source, qtb::Split::test);
    const qtb::TrainResult result =
        qtb::train(graph, train_set, options, [](const qtb::EpochStats& s) {
          fmt::print("epoch {}/{}: loss {:.4f} train top-1 {:.4f}, {:.2f} s ({} images)\n", s.epoch,
                     s.epochs, s.loss, s.train_accuracy, s.seconds, s.images);
          std::fflush(stdout);
        });
    const double top1 =
        qtb::evaluate_top1(result.graph, test_set, options.precision, options.threads, test_limit);
    fmt::print("{} {} {}: test top-1 {:.4f} after {} epochs, {:.1f} s\n", topology, scale,
               options.precision.name(), top1, options.epochs, result.seconds);
    if (!backend.empty())
      check_backend(backend, result.graph, options.precision, test_set, test_limit);
  });
}
