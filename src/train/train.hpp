#pragma once
// Training of the zoo's sequential CNNs (MLP, CNV) on a DataSet, in float with optional
// quantization-aware training (WxAy). The quantizers reproduce lower()'s rules exactly, so the
// returned graph runs on every integer backend as it was trained (docs/training.md).
#include <cstdint>
#include <functional>
#include <vector>

#include "core/precision.hpp"
#include "data/dataset.hpp"
#include "graph/graph.hpp"

namespace qtb {

enum class OptimizerKind { sgd, adam };
enum class ScheduleKind { constant, cosine, step };

struct TrainOptions {
  // FP32 (or any float precision): plain float training. WxAy (x, y in {1, 2, 4, 8}; INT8 is
  // W8A8): quantization-aware training with the straight-through estimator.
  Precision precision = Precision::uniform(DataType::FP32);
  int epochs = 10;
  std::int64_t batch_size = 100;
  OptimizerKind optimizer = OptimizerKind::adam;
  double learning_rate = 1e-3;
  double momentum = 0.9;      // sgd
  double weight_decay = 0.0;  // L2 on conv/dense weights only (not batchnorm, not biases)
  ScheduleKind schedule = ScheduleKind::cosine;  // cosine decays per batch to 0 at the end
  int step_epochs = 0;  // step schedule: lr * step_gamma^(epoch / step_epochs)
  double step_gamma = 0.1;
  std::uint64_t seed = 1;        // weight initialisation and mini-batch order
  int threads = 2;               // part of the determinism contract: same threads -> same weights
  std::int64_t train_limit = 0;  // 0 = all training images, else the first N
  bool freeze_zero_weights = false;  // fine-tuning after synaptic pruning: zeros stay 0
  // Called after every mini-batch (for progress/ETA): the 0-based epoch, images done in this
  // epoch, images per epoch, and the batch's mean loss. Optional.
  std::function<void(int epoch, std::int64_t done, std::int64_t total, double loss)> on_batch;
};

struct EpochStats {
  int epoch = 0;  // 1-based
  int epochs = 0;
  double loss = 0;            // mean cross-entropy over the epoch's images
  double train_accuracy = 0;  // top-1 over the epoch's images, in training mode
  double seconds = 0;
  std::int64_t images = 0;
};

struct TrainResult {
  Graph graph;
  std::vector<EpochStats> history;
  double seconds = 0;
};

// graph: a sequential zoo graph of input, conv2d (groups 1), dense, batchnorm, activation
// (relu, hardtanh), max_pool, flatten, quantizer and a trailing softmax (the loss).
// Without weights (!has_all_weights()): initialised from options.seed (He normal; batchnorm
// gamma 1, beta 0, mean 0, var 1). With weights: fine-tunes them.
// Returns the same structure with trained weights; for WxAy a Quantizer node follows every hidden
// activation (unless the graph has them already); batchnorms hold gamma, beta and the running
// mean/variance. Throws InputError for unsupported nodes, a data set that does not fit the
// graph, or bad options.
TrainResult train(const Graph& graph, const DataSet& train_set, const TrainOptions& options,
                  const std::function<void(const EpochStats&)>& on_epoch = {});

// Top-1 accuracy in [0, 1] of the trainer's own inference forward (batchnorm running stats,
// fake-quantized as in training) on the first `limit` images (0 = all).
double evaluate_top1(const Graph& trained, const DataSet& data, const Precision& precision,
                     int threads, std::int64_t limit = 0);
// The predicted class (top-1) of each of those images, by the same forward.
std::vector<int> predict(const Graph& trained, const DataSet& data, const Precision& precision,
                         int threads, std::int64_t limit = 0);

}  // namespace qtb
