#include "engine/integer_model.hpp"

#include <stdexcept>

namespace qtb {

void decode_logits(std::span<const std::int32_t> accumulators, const Shape& per_input,
                   const std::vector<float>& output_scale, const std::vector<float>& output_bias,
                   std::span<float> logits) {
  const auto channels = static_cast<std::size_t>(per_input.channels);
  if (output_scale.size() != channels || output_bias.size() != channels) {
    throw std::invalid_argument(
        "decode_logits: output_scale/output_bias do not match the channels");
  }
  if (logits.size() != accumulators.size()) {
    throw std::invalid_argument("decode_logits: as many logits as accumulators");
  }
  const auto plane = static_cast<std::size_t>(per_input.height * per_input.width);
  const auto elements = static_cast<std::size_t>(per_input.elements());
  for (std::size_t i = 0; i < accumulators.size(); ++i) {
    const std::size_t c = i % elements / plane;
    logits[i] = static_cast<float>((static_cast<double>(accumulators[i]) + output_bias[c]) *
                                   output_scale[c]);
  }
}

IntegerModel::IntegerModel(const LoweredModel& model)
    : output_scale_(model.output_scale), output_bias_(model.output_bias) {}

void IntegerModel::do_get_output(std::span<float> output, std::int64_t batch) const {
  std::vector<std::int32_t> accumulators(output.size());
  get_output_accumulators(accumulators, batch);
  decode_logits(accumulators, info_.output, output_scale_, output_bias_, output);
}

}  // namespace qtb
