#include "optimize/post_training_quantization.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "graph/graph_copy.hpp"
#include "lowering/calibration_executor.hpp"

namespace qtb {
namespace {

// Resolution of the percentile: the range [0, max |x|] of a tensor in this many bins.
constexpr int kHistogramBins = 4096;

struct TensorRange {
  float max_abs = 0;
  std::vector<std::int64_t> histogram;  // of |x| over [0, max_abs]
  std::int64_t count = 0;
};

// Runs the first `images` calibration images through the float model, calling `observe` with
// every activation node's output.
template <typename Observe>
void run_calibration(const Graph& graph, const DataSet& data, std::int64_t images,
                     const Observe& observe) {
  CalibrationExecutor executor(graph);
  std::vector<float> input(static_cast<std::size_t>(data.image_bytes()));
  for (std::int64_t i = 0; i < images; ++i) {
    const auto pixels = data.image(i);
    for (std::size_t e = 0; e < input.size(); ++e) {
      input[e] = static_cast<float>(pixels[e]) * (1.0f / 255.0f);
    }
    executor.run(input, [&](int node, std::span<const float> values) {
      if (graph.node(node).kind == OpKind::Activation) observe(node, values);
    });
  }
}

float percentile_of(const TensorRange& range, double p) {
  const auto needed = static_cast<std::int64_t>(std::ceil(p * static_cast<double>(range.count)));
  std::int64_t seen = 0;
  for (std::size_t bin = 0; bin < range.histogram.size(); ++bin) {
    seen += range.histogram[bin];
    if (seen >= needed) {
      return range.max_abs * static_cast<float>(bin + 1) / static_cast<float>(kHistogramBins);
    }
  }
  return range.max_abs;
}

std::int32_t max_level(int bits, bool is_signed) {
  return is_signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
}

}  // namespace

std::string_view to_string(CalibrationMethod method) {
  return method == CalibrationMethod::minmax ? "minmax" : "percentile";
}

CalibrationMethod parse_calibration_method(std::string_view text) {
  if (text == "minmax") return CalibrationMethod::minmax;
  if (text == "percentile") return CalibrationMethod::percentile;
  throw InputError(fmt::format("unknown calibration method '{}' (minmax or percentile)", text));
}

PtqResult quantize_post_training(const Graph& fp32, const DataSet& calibration,
                                 const PtqOptions& options) {
  const Precision& precision = options.precision;
  if (is_float(precision.weights) && is_float(precision.activations)) {
    return {fp32, {}};  // FP16/BF16: rounded by the backends at compile time
  }
  if (is_float(precision.weights) || is_float(precision.activations)) {
    throw InputError(
        fmt::format("post-training quantization to {} mixes float and integer", precision.name()));
  }
  if (bit_width(precision.weights) < 2 || bit_width(precision.activations) < 2) {
    throw InputError(
        fmt::format("post-training quantization to {} is not supported: 1-bit "
                    "variants need quantization-aware training (optimize train)",
                    precision.name()));
  }
  if (!(options.percentile > 0.0 && options.percentile <= 1.0)) {
    throw InputError(fmt::format("percentile {} is outside (0, 1]", options.percentile));
  }
  const Shape& input = fp32.shape(0);
  if (!(Shape{calibration.channels, calibration.height, calibration.width} == input)) {
    throw InputError(fmt::format("calibration set {} has {}x{}x{} images, the model expects {}",
                                 calibration.name, calibration.channels, calibration.height,
                                 calibration.width, input.to_string()));
  }
  const std::int64_t images = std::min(options.calibration_images, calibration.size());
  if (images <= 0) throw InputError("post-training quantization needs calibration images");

  std::vector<TensorRange> ranges(static_cast<std::size_t>(fp32.size()));
  run_calibration(fp32, calibration, images, [&](int node, std::span<const float> values) {
    auto& range = ranges[static_cast<std::size_t>(node)];
    for (const float v : values) range.max_abs = std::max(range.max_abs, std::fabs(v));
  });
  if (options.method == CalibrationMethod::percentile) {
    run_calibration(fp32, calibration, images, [&](int node, std::span<const float> values) {
      auto& range = ranges[static_cast<std::size_t>(node)];
      if (range.max_abs <= 0.0f) return;
      range.histogram.resize(kHistogramBins, 0);
      for (const float v : values) {
        const auto bin = static_cast<std::int64_t>(std::fabs(v) / range.max_abs * kHistogramBins);
        ++range
              .histogram[static_cast<std::size_t>(std::min<std::int64_t>(bin, kHistogramBins - 1))];
      }
      range.count += static_cast<std::int64_t>(values.size());
    });
  }

  const int bits = bit_width(precision.activations);
  PtqResult result{Graph(fp32.name()), {}};
  std::vector<int> new_ids(static_cast<std::size_t>(fp32.size()));
  for (int id = 0; id < fp32.size(); ++id) {
    const Node& node = fp32.node(id);
    std::vector<int> inputs;
    for (const int from : node.inputs) inputs.push_back(new_ids[static_cast<std::size_t>(from)]);
    int new_id = append_like(result.graph, node, inputs);
    if (!node.weights.empty()) result.graph.set_weights(new_id, node.weights, node.bias);
    const bool followed_by_quantizer = id + 1 < fp32.size() &&
                                       fp32.node(id + 1).kind == OpKind::Quantizer &&
                                       fp32.node(id + 1).inputs == std::vector<int>{id};
    if (node.kind == OpKind::Activation && !followed_by_quantizer) {
      const auto& range = ranges[static_cast<std::size_t>(id)];
      const bool is_signed = std::get<ActivationAttrs>(node.attrs).kind != ActivationKind::ReLU;
      float clip = options.method == CalibrationMethod::percentile && range.count > 0
                       ? percentile_of(range, options.percentile)
                       : range.max_abs;
      if (clip <= 0.0f) clip = 1.0f;  // a tensor that is always 0: any scale represents it
      const float scale = clip / static_cast<float>(max_level(bits, is_signed));
      new_id = result.graph.quantizer(new_id, QuantizerAttrs{bits, is_signed, scale},
                                      node.name + "/quant");
      result.tensors.push_back({node.name, range.max_abs, clip, scale});
    }
    new_ids[static_cast<std::size_t>(id)] = new_id;
  }
  return result;
}

}  // namespace qtb
