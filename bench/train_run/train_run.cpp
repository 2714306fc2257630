// qutibench_train_run: trains a zoo topology on a data set with the trainer (src/train) and
// prints seconds and loss per epoch and the top-1 on the test split, for measuring the trainer
// and trying recipes. Usage:
//   qutibench_train_run TOPOLOGY SCALE PRECISION EPOCHS [LR [BATCH [TRAIN_LIMIT [THREADS
//                       [DATASET [TEST_LIMIT [OPTIMIZER]]]]]]]
// e.g. qutibench_train_run mlp 1 W2A2 10 0.002 100 0 2 mnist 10000 adam
#include <cstdio>
#include <exception>
#include <string>

#include <fmt/format.h>

#include "data/locate.hpp"
#include "train/train.hpp"
#include "zoo/zoo.hpp"

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: %s TOPOLOGY SCALE PRECISION EPOCHS [LR [BATCH [TRAIN_LIMIT [THREADS "
                 "[DATASET [TEST_LIMIT [sgd|adam]]]]]]]\n",
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
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
