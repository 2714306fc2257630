#pragma once
// Making and measuring the variant matrix of one topology on one data set (paper Table 3): for
// every scale an FP32 model (trained, or filter-pruned from scale 1 and fine-tuned), then every
// precision from it (post-training quantization for INT8/FP16/BF16, quantization-aware training
// for WxAy), each saved as a model file and its top-1 measured on the test set by the backend
// that runs it, with the other exact backends checked for identical predictions.
//
// Resumable: a variant whose model file exists and was made by the same recipe from the same
// parent is loaded instead of made again (its accuracy is measured again, which is cheap).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "optimize/training_progress.hpp"
#include "optimize/variant_accuracy.hpp"
#include "optimize/variant_config.hpp"
#include "optimize/variant_steps.hpp"
#include "train/train.hpp"

namespace qtb {

struct VariantOutcome {
  std::string topology;
  double prune = 1;  // the pruning scale, as in the result column
  Precision precision;
  std::string dataset;
  std::string method;  // how the model was made
  std::filesystem::path model_file;
  bool reused = false;  // resumed from an existing model file
  // Training / pruning / calibration wall time; empty when resumed (nothing was made).
  std::optional<double> make_seconds;
  int epochs = 0;            // trained epochs (0 for post-training quantization)
  std::string backend;       // that measured the accuracy
  std::int64_t samples = 0;  // test images
  std::int64_t top1_correct = 0;
  ProportionInterval top1_interval;
  std::vector<BackendAgreement> agreement;  // integer precisions: the other exact backends

  double top1() const {
    return samples ? static_cast<double>(top1_correct) / static_cast<double>(samples) : 0.0;
  }
};

struct MatrixProgress {
  std::function<void(const std::string& line)> message;  // one line per step
  TrainingDisplay training;                              // each training's epochs
};

// The outcome row of one variant (also for the single-step commands).
VariantOutcome make_outcome(const MadeVariant& variant, const VariantAccuracy& accuracy,
                            const std::filesystem::path& model_file, bool reused);

// The model file of a variant: OUTPUT/<topology>-s<scale>-<precision>.safetensors.
std::filesystem::path variant_model_path(const VariantMatrixConfig& config, double scale,
                                         const Precision& precision);

// Throws InputError for a missing data set or unwritable output directory.
std::vector<VariantOutcome> run_variant_matrix(const VariantMatrixConfig& config,
                                               const MatrixProgress& progress);

}  // namespace qtb
