#pragma once
// The variant matrix (paper Table 3): which variants of one topology to make on one data set and
// how. Read from TOML:
//
//   topology = "mlp"
//   dataset = "mnist"                  # a name from `qutibench datasets`
//   output = "models/mlp-mnist"        # model files, accuracy.csv and accuracy.json go here
//   scales = [1, 0.5, 0.25, 0.125]     # pruning scales (fraction of hidden channels kept)
//   precisions = ["FP32", "INT8", "W4A4", "W2A2", "W1A1"]
//   pruning = "scratch"                # scales < 1: "scratch" trains the narrower topology from
//                                      # scratch (how the paper's MLP/CNV scales were made);
//                                      # "filter-l1" prunes the scale-1 FP32 model by L1 norm
//                                      # and fine-tunes it ([fine_tune])
//   qat_init = "fp32"                  # WxAy start from the FP32 model of their scale, or
//   "scratch" seed = 1 threads = 2 test_limit = 0                     # test images for the
//   accuracy (0: the whole test set) [train]                            # recipe of every training
//   from scratch (TrainOptions) epochs = 10, batch_size = 100, optimizer = "adam", learning_rate =
//   0.001, momentum = 0.9, weight_decay = 0, schedule = "cosine", step_epochs = 0, step_gamma =
//   0.1, train_limit = 0 [train.W1A1]                       # per-precision overrides of [train]
//   [qat]                              # recipe of QAT from the FP32 model (qat_init = "fp32"),
//                                      # over [train]; [qat.W1A1] overrides it per precision
//   [fine_tune]                        # recipe of the fine-tuning after filter pruning
//   [quantize]                         # post-training quantization: INT8, FP16, BF16
//   method = "percentile", percentile = 0.9999, calibration_images = 1000
//
// Every problem is an InputError "FILE:LINE: field 'F': what is wrong".
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/precision.hpp"
#include "optimize/post_training_quantization.hpp"
#include "train/train.hpp"

namespace qtb {

enum class ScalePruning { scratch, filter_l1 };
std::string_view to_string(ScalePruning pruning);

struct VariantMatrixConfig {
  std::string topology;
  std::string dataset;
  std::filesystem::path output;
  std::vector<double> scales;
  std::vector<Precision> precisions;
  ScalePruning pruning = ScalePruning::scratch;
  bool qat_from_fp32 = true;
  std::uint64_t seed = 1;
  int threads = 2;
  std::int64_t test_limit = 0;
  TrainOptions train;                                      // from scratch
  TrainOptions qat;                                        // QAT from the FP32 model
  TrainOptions fine_tune;                                  // after filter pruning
  std::map<std::string, TrainOptions> train_by_precision;  // [train.X] merged over [train]
  std::map<std::string, TrainOptions> qat_by_precision;    // [train.X] merged over [qat]
  PtqOptions quantize;

  // The recipe for training `precision` from scratch, or QAT from FP32 (seed and threads set).
  TrainOptions recipe(const Precision& precision, bool from_fp32) const;
};

VariantMatrixConfig parse_variant_config(std::string_view toml_text, const std::string& file_name);
VariantMatrixConfig load_variant_config(const std::filesystem::path& file);

}  // namespace qtb
