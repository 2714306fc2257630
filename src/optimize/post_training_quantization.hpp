#pragma once
// Post-training quantization of a trained float model (no retraining):
//  - FP16 and BF16 are storage formats the backends round the FP32 weights to at compile time, so
//    the graph stays as it is;
//  - INT8 and WxAy (x, y >= 2): weights are quantized per output channel by lower() (symmetric,
//    max |w|); activation ranges come from running the FP32 model on real calibration images, and
//    are fixed in the graph as explicit quantizer nodes after every ReLU/HardTanh, so every
//    backend uses the same scales. The range is the largest value seen (minmax) or a percentile
//    of the values seen (percentile; clips rare outliers to spend the levels on the bulk).
// 1-bit weights or activations need quantization-aware training and are refused.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/precision.hpp"
#include "data/dataset.hpp"
#include "graph/graph.hpp"

namespace qtb {

enum class CalibrationMethod { minmax, percentile };
std::string_view to_string(CalibrationMethod method);
// "minmax" or "percentile"; anything else is an InputError.
CalibrationMethod parse_calibration_method(std::string_view text);

struct PtqOptions {
  Precision precision = Precision::uniform(DataType::INT8);
  CalibrationMethod method = CalibrationMethod::percentile;
  double percentile = 0.9999;              // of |x| over all values of a tensor, in (0, 1]
  std::int64_t calibration_images = 1000;  // the first N images of the calibration set
};

struct CalibratedTensor {
  std::string node;  // the activation node the quantizer follows
  float max_abs = 0;
  float clip = 0;   // the range kept: max_abs (minmax) or the percentile
  float scale = 0;  // clip / max level
};

struct PtqResult {
  Graph graph;
  std::vector<CalibratedTensor> tensors;
};

// `fp32` must have all weights. Throws InputError for a data set whose images do not fit the
// graph, 1-bit precisions, an empty calibration set or a percentile outside (0, 1].
PtqResult quantize_post_training(const Graph& fp32, const DataSet& calibration,
                                 const PtqOptions& options);

}  // namespace qtb
