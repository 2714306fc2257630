#include "measure/accuracy.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "core/error.hpp"

namespace qtb {

ProportionInterval wilson_interval95(std::int64_t successes, std::int64_t trials) {
  if (trials <= 0) return {};
  constexpr double z = 1.959963984540054;
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double denominator = 1.0 + z * z / n;
  const double centre = (p + z * z / (2.0 * n)) / denominator;
  const double half = z * std::sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denominator;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double AccuracyResult::top1() const {
  return samples ? static_cast<double>(top1_correct) / static_cast<double>(samples) : 0.0;
}

double AccuracyResult::top5() const {
  return samples ? static_cast<double>(top5_correct) / static_cast<double>(samples) : 0.0;
}

AccuracyResult measure_accuracy(CompiledModel& model, const DataSet& data, std::int64_t batch,
                                std::int64_t limit, const AccuracyProgress& progress) {
  const ModelInfo& info = model.info();
  const Shape image{data.channels, data.height, data.width};
  if (!(image == info.input)) {
    throw InputError(fmt::format("data set {} has {} images, the model expects {}", data.name,
                                 image.to_string(), info.input.to_string()));
  }
  const std::int64_t classes = info.output.elements();
  if (data.classes > classes) {
    throw InputError(fmt::format("data set {} has {} classes, the model outputs {}", data.name,
                                 data.classes, classes));
  }
  const std::int64_t total = limit > 0 ? std::min(limit, data.size()) : data.size();
  batch = std::clamp<std::int64_t>(batch, 1, info.max_batch);

  AccuracyResult result;
  result.dataset = data.name;
  result.samples = total;
  result.predictions.reserve(static_cast<std::size_t>(total));
  const std::int64_t elements = data.image_bytes();
  std::vector<float> inputs(static_cast<std::size_t>(batch * elements));
  std::vector<float> logits(static_cast<std::size_t>(batch * classes));
  const auto start = std::chrono::steady_clock::now();

  for (std::int64_t first = 0; first < total; first += batch) {
    const std::int64_t count = std::min(batch, total - first);
    for (std::int64_t i = 0; i < count; ++i) {
      const auto pixels = data.image(first + i);
      float* dst = inputs.data() + i * elements;
      // The harness's conversion, to the bit: pixel * (1/255).
      for (std::int64_t e = 0; e < elements; ++e) {
        dst[e] = static_cast<float>(pixels[static_cast<std::size_t>(e)]) * (1.0f / 255.0f);
      }
    }
    model.set_input(
        std::span<const float>(inputs.data(), static_cast<std::size_t>(count * elements)), count);
    model.run(count);
    model.get_output(std::span<float>(logits.data(), static_cast<std::size_t>(count * classes)),
                     count);
    for (std::int64_t i = 0; i < count; ++i) {
      const float* row = logits.data() + i * classes;
      const int label = data.labels[static_cast<std::size_t>(first + i)];
      const auto top1 = static_cast<std::int32_t>(std::max_element(row, row + classes) - row);
      result.predictions.push_back(top1);
      result.top1_correct += top1 == label;
      if (classes >= 5) {
        // Rank of the label: classes with a larger logit, or an equal one and a lower index.
        std::int64_t ahead = 0;
        for (std::int64_t c = 0; c < classes; ++c) {
          ahead += row[c] > row[label] || (row[c] == row[label] && c < label);
        }
        result.top5_correct += ahead < 5;
      }
    }
    if (progress) progress(first + count, total);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace qtb
