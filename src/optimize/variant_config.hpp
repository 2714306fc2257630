#pragma once
// The variant matrix (paper Table 3): which variants of one topology to make on one data set and
// how. Read from TOML (data/variants/*.toml; docs/accuracy.md explains each field). Top level:
//
//   topology    required, a zoo name: "mlp", "cnv"
//   dataset     required, a name from `qutibench datasets`: "mnist", "fashion-mnist-32x32x3"
//   output      required, the directory for the model files and accuracy.{csv,json,md}; created
//               (with its parents) before anything is trained, refused when it cannot be
//   scales      pruning scales in (0, 1], default [1]
//   precisions  required, e.g. ["FP32", "INT8", "W4A4", "W2A2", "W1A1"]
//   pruning     "scratch" (default: each scale < 1 is the narrower topology trained from scratch,
//               as the paper's MLP/CNV scales were made) or "filter-l1" (the scale-1 FP32 model
//               pruned by L1 norm, then fine-tuned with [fine_tune])
//   qat_init    "fp32" (default: WxAy start from the FP32 model of their scale) or "scratch"
//   seed        0 or more, default 1
//   threads     1 to this machine's hardware threads, default 2
//   test_limit  test images for the accuracy, default 0 (the whole test set)
//
// Tables, every field optional:
//
//   [train]        recipe of every training from scratch (TrainOptions):
//                    epochs = 10          0 to 10000
//                    batch_size = 100     1 to 1024 images
//                    optimizer = "adam"   or "sgd"
//                    learning_rate = 0.001, momentum = 0.9, weight_decay = 0
//                    schedule = "cosine"  or "constant", "step"
//                    step_epochs = 0      0 to 10000; step_gamma = 0.1
//                    train_limit = 0      first N training images (0: all)
//   [train.W1A1]   per-precision overrides of [train]
//   [qat]          recipe of QAT from the FP32 model (qat_init = "fp32"), over [train];
//                  [qat.W1A1] overrides it per precision
//   [fine_tune]    recipe of the fine-tuning after filter pruning, over [train]
//   [quantize]     post-training quantization (INT8, FP16, BF16):
//                    method = "percentile"  or "minmax"
//                    percentile = 0.9999    in (0, 1]
//                    calibration_images = 1000   1 to 1000000
//
// Every problem is an InputError "FILE:LINE: field 'F': what is wrong", or for a value out of
// range "FILE:LINE: train.epochs = 1000000000 is out of range: must be 0 to 10000 epochs".
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
  std::string file;  // the config file, for messages about its fields

  // The recipe for training `precision` from scratch, or QAT from FP32 (seed and threads set).
  TrainOptions recipe(const Precision& precision, bool from_fp32) const;
};

VariantMatrixConfig parse_variant_config(std::string_view toml_text, const std::string& file_name);
VariantMatrixConfig load_variant_config(const std::filesystem::path& file);

}  // namespace qtb
