#pragma once
// Accuracy of a compiled variant on a labelled data set, through the same system path the harness
// times (8-bit pixels to float, set_input, run, get_output, argmax), so the figure belongs to the
// exact backend, precision and weights that produced the speed figures. Not timed.
#include <cstdint>
#include <functional>
#include <vector>

#include "data/dataset.hpp"
#include "engine/backend.hpp"

namespace qtb {

struct ProportionInterval {
  double low = 0;
  double high = 0;
};

// Wilson score interval at 95 % for `successes` out of `trials` (trials > 0): unlike the normal
// approximation it stays inside [0, 1] and is honest near 100 %.
ProportionInterval wilson_interval95(std::int64_t successes, std::int64_t trials);

struct AccuracyResult {
  std::string dataset;  // DataSet::name
  std::int64_t samples = 0;
  std::int64_t top1_correct = 0;
  std::int64_t top5_correct = 0;          // counted when the model has >= 5 classes
  std::vector<std::int32_t> predictions;  // top-1 class per image, in data set order
  double seconds = 0;

  double top1() const;
  double top5() const;
  ProportionInterval top1_interval95() const { return wilson_interval95(top1_correct, samples); }
};

// Test images per accuracy query, for every accuracy run of the tool: the run is not timed, so it
// batches for speed.
inline constexpr std::int64_t kAccuracyBatch = 100;

using AccuracyProgress = std::function<void(std::int64_t done, std::int64_t total)>;

// Runs the first `limit` images (0: all) in batches of up to `batch` (the model's max_batch
// bounds it). Throws InputError when the images do not have the model's input shape or the data
// set has more classes than the model outputs. Ties between logits go to the lower class, as in
// the harness.
AccuracyResult measure_accuracy(CompiledModel& model, const DataSet& data, std::int64_t batch,
                                std::int64_t limit = 0, const AccuracyProgress& progress = {});

}  // namespace qtb
