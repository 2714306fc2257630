#include "train/train.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/omp_thread_scope.hpp"
#include "train/integer_alignment.hpp"
#include "train/loss.hpp"
#include "train/network.hpp"
#include "train/optimizer.hpp"
#include "train/random.hpp"
#include "train/training_graph.hpp"

namespace qtb {
namespace {

using train_detail::Mode;
using train_detail::Network;
using train_detail::Tensor;

constexpr std::uint64_t kShuffleStream = 2;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void check_options(const TrainOptions& o) {
  auto fail = [](const std::string& what) { throw InputError("training: " + what); };
  if (o.epochs < 0) fail("epochs must be >= 0");
  if (o.batch_size < 1) fail("batch size must be >= 1");
  if (!(o.learning_rate > 0.0) || !std::isfinite(o.learning_rate)) {
    fail("learning rate must be > 0");
  }
  if (!(o.momentum >= 0.0 && o.momentum < 1.0)) fail("momentum must be in [0, 1)");
  if (!(o.weight_decay >= 0.0) || !std::isfinite(o.weight_decay)) {
    fail("weight decay must be >= 0");
  }
  if (o.schedule == ScheduleKind::step && (o.step_epochs < 1 || !(o.step_gamma > 0.0))) {
    fail("the step schedule needs step_epochs >= 1 and step_gamma > 0");
  }
  if (o.threads < 1) fail("threads must be >= 1");
  if (o.train_limit < 0) fail("train_limit must be >= 0");
  if (is_float(o.precision.weights) != is_float(o.precision.activations)) {
    fail("precision " + o.precision.name() + " mixes float and integer types");
  }
}

void check_data(const Network& net, const DataSet& data, const std::string& graph_name) {
  const Shape image{data.channels, data.height, data.width};
  if (image != net.input_shape()) {
    throw InputError(fmt::format("data set '{}' has {} images, graph '{}' takes {}", data.name,
                                 image.to_string(), graph_name, net.input_shape().to_string()));
  }
  if (data.classes != net.classes()) {
    throw InputError(fmt::format("data set '{}' has {} classes, graph '{}' outputs {}", data.name,
                                 data.classes, graph_name, net.classes()));
  }
  if (data.size() == 0) throw InputError("data set '" + data.name + "' is empty");
  for (const Label label : data.labels) {
    if (label >= data.classes) {
      throw InputError(
          fmt::format("data set '{}' has label {} but {} classes", data.name, label, data.classes));
    }
  }
}

// Conv/dense weights that are exactly 0 when training starts, to keep at 0 (pruned synapses).
class ZeroMask {
 public:
  // Empty (a no-op) unless `enabled`.
  ZeroMask(const std::vector<train_detail::Parameter>& parameters, bool enabled) {
    if (!enabled) return;
    for (const auto& p : parameters) {
      if (!p.is_weight) continue;
      std::vector<std::int64_t> zeros;
      for (std::size_t i = 0; i < p.values.size(); ++i) {
        if (p.values[i] == 0.0f) zeros.push_back(static_cast<std::int64_t>(i));
      }
      masks_.push_back({p, std::move(zeros)});
    }
  }
  void clear_gradients() const {
    for (const auto& [p, zeros] : masks_)
      for (std::int64_t i : zeros) p.grads[static_cast<std::size_t>(i)] = 0.0f;
  }
  void apply() const {
    for (const auto& [p, zeros] : masks_)
      for (std::int64_t i : zeros) p.values[static_cast<std::size_t>(i)] = 0.0f;
  }

 private:
  std::vector<std::pair<train_detail::Parameter, std::vector<std::int64_t>>> masks_;
};

}  // namespace

TrainResult train(const Graph& graph, const DataSet& train_set, const TrainOptions& options,
                  const std::function<void(const EpochStats&)>& on_epoch) {
  const auto start = std::chrono::steady_clock::now();
  check_options(options);
  const Graph prepared = train_detail::training_graph(graph, options.precision);
  const OmpThreadScope threads(options.threads);
  Network net(prepared, train_detail::weight_bits(options.precision), options.seed);
  check_data(net, train_set, graph.name());

  const std::int64_t images =
      options.train_limit > 0 ? std::min(options.train_limit, train_set.size()) : train_set.size();
  const std::int64_t batches = (images + options.batch_size - 1) / options.batch_size;
  train_detail::Optimizer optimizer(options, net.parameters());
  const ZeroMask zero_mask(net.parameters(), options.freeze_zero_weights);
  train_detail::SplitMix64 shuffle_rng = train_detail::stream(options.seed, kShuffleStream);

  TrainResult result{prepared, {}, 0.0};
  Tensor input, grad;
  std::vector<Label> labels;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    const auto epoch_start = std::chrono::steady_clock::now();
    const std::vector<std::int64_t> order = train_detail::shuffled_indices(images, shuffle_rng);
    double loss_sum = 0.0;
    std::int64_t correct = 0;
    for (std::int64_t b = 0; b < batches; ++b) {
      const std::int64_t first = b * options.batch_size;
      const std::int64_t count = std::min(options.batch_size, images - first);
      const std::span<const std::int64_t> indices(order.data() + first,
                                                  static_cast<std::size_t>(count));
      train_detail::load_batch(train_set, indices, input);
      labels.resize(static_cast<std::size_t>(count));
      for (std::size_t n = 0; n < labels.size(); ++n) {
        labels[n] = train_set.labels[static_cast<std::size_t>(indices[n])];
      }
      const Tensor& logits = net.forward(input, Mode::train);
      const train_detail::LossResult loss =
          train_detail::softmax_cross_entropy(logits, labels, grad);
      net.backward(grad);
      zero_mask.clear_gradients();
      optimizer.step(train_detail::learning_rate_at(options, epoch, epoch * batches + b,
                                                    options.epochs * batches));
      zero_mask.apply();
      net.parameters_changed();
      loss_sum += loss.total_loss;
      correct += loss.correct;
      if (options.on_batch) {
        options.on_batch(epoch, first + count, images,
                         loss.total_loss / static_cast<double>(count));
      }
    }
    EpochStats stats;
    stats.epoch = epoch + 1;
    stats.epochs = options.epochs;
    stats.images = images;
    stats.loss = loss_sum / static_cast<double>(images);
    stats.train_accuracy = static_cast<double>(correct) / static_cast<double>(images);
    stats.seconds = seconds_since(epoch_start);
    result.history.push_back(stats);
    if (on_epoch) on_epoch(stats);
  }
  result.graph = net.trained_graph();
  train_detail::align_biases_with_integer_units(result.graph, options.precision);
  result.seconds = seconds_since(start);
  return result;
}

std::vector<int> predict(const Graph& trained, const DataSet& data, const Precision& precision,
                         int threads, std::int64_t limit) {
  if (!trained.has_all_weights()) {
    throw InputError("evaluate: graph '" + trained.name() + "' lacks weights");
  }
  if (threads < 1) throw InputError("evaluate: threads must be >= 1");
  const Graph prepared = train_detail::training_graph(trained, precision);
  const OmpThreadScope scope(threads);
  Network net(prepared, train_detail::weight_bits(precision), 0);
  check_data(net, data, trained.name());
  const std::int64_t images = limit > 0 ? std::min(limit, data.size()) : data.size();
  constexpr std::int64_t kBatch = 500;
  std::vector<std::int64_t> indices;
  std::vector<int> predictions;
  Tensor input;
  for (std::int64_t first = 0; first < images; first += kBatch) {
    const std::int64_t count = std::min(kBatch, images - first);
    indices.resize(static_cast<std::size_t>(count));
    for (std::int64_t i = 0; i < count; ++i) indices[static_cast<std::size_t>(i)] = first + i;
    train_detail::load_batch(data, indices, input);
    const Tensor& logits = net.forward(input, Mode::eval);
    for (std::int64_t n = 0; n < count; ++n) {
      predictions.push_back(
          static_cast<int>(train_detail::argmax(logits.item(n), logits.item_size())));
    }
  }
  return predictions;
}

double evaluate_top1(const Graph& trained, const DataSet& data, const Precision& precision,
                     int threads, std::int64_t limit) {
  const std::vector<int> predictions = predict(trained, data, precision, threads, limit);
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    if (predictions[i] == data.labels[i]) ++correct;
  }
  return static_cast<double>(correct) / static_cast<double>(predictions.size());
}

}  // namespace qtb
