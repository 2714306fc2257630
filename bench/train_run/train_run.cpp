// qutibench_train_run: trains a zoo topology on a data set with the trainer (src/train) and
// prints seconds and loss per epoch and the top-1 on the test split, for measuring the trainer
// and trying recipes. Usage:
//   qutibench_train_run TOPOLOGY SCALE PRECISION EPOCHS [LR [BATCH [TRAIN_LIMIT [THREADS
//                       [DATASET [TEST_LIMIT [OPTIMIZER [BACKEND]]]]]]]]
// e.g. qutibench_train_run mlp 1 W2A2 10 0.002 100 0 2 mnist 10000 adam reference
// With BACKEND, the trained graph is also compiled by that backend and run on the test images:
// its top-1 and how often it predicts the trainer's class are printed.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "data/locate.hpp"
#include "engine/registry.hpp"
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
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: %s TOPOLOGY SCALE PRECISION EPOCHS [LR [BATCH [TRAIN_LIMIT [THREADS "
                 "[DATASET [TEST_LIMIT [sgd|adam [BACKEND]]]]]]]]\n",
                 argv[0]);
    return 2;
  }
  try {
    auto arg = [&](int i, const char* fallback) {
      return std::string(i < argc ? argv[i] : fallback);
    };
    const qtb::Graph graph = qtb::build_topology(argv[1], std::stod(argv[2]));
    qtb::TrainOptions options;
    options.precision = qtb::parse_precision(argv[3]);
    options.epochs = std::stoi(argv[4]);
    options.learning_rate = std::stod(arg(5, "0.001"));
    options.batch_size = std::stoll(arg(6, "100"));
    options.train_limit = std::stoll(arg(7, "0"));
    options.threads = std::stoi(arg(8, "2"));
    const std::string data_name = arg(9, graph.name() == "cnv" ? "fashion-mnist-32x32x3" : "mnist");
    const std::int64_t test_limit = std::stoll(arg(10, "0"));
    options.optimizer =
        arg(11, "adam") == "sgd" ? qtb::OptimizerKind::sgd : qtb::OptimizerKind::adam;
    const qtb::DataSetSource source = qtb::locate_data_set(data_name);
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
    fmt::print("{} {} {}: test top-1 {:.4f} after {} epochs, {:.1f} s\n", argv[1], argv[2],
               options.precision.name(), top1, options.epochs, result.seconds);
    if (argc > 12) check_backend(argv[12], result.graph, options.precision, test_set, test_limit);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
