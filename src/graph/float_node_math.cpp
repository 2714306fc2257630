#include "graph/float_node_math.hpp"

#include <algorithm>
#include <cmath>
#include <variant>

namespace qtb {

float fake_quantize_value(const QuantizerAttrs& q, float x) {
  if (q.is_signed && q.bits == 1) return x >= 0.0f ? q.scale : -q.scale;
  // Level range in double: the graph allows up to 32 bits.
  const double top =
      q.is_signed ? std::ldexp(1.0, q.bits - 1) - 1.0 : std::ldexp(1.0, q.bits) - 1.0;
  const double bottom = q.is_signed ? -top : 0.0;
  const double level = std::nearbyint(x / q.scale);
  if (!(level >= bottom)) return static_cast<float>(bottom * q.scale);  // also NaN
  if (level > top) return static_cast<float>(top * q.scale);
  return static_cast<float>(level * q.scale);
}

void apply_activation(ActivationKind kind, std::span<float> values) {
  if (kind == ActivationKind::ReLU) {
    for (float& v : values) v = std::max(v, 0.0f);
    return;
  }
  const ActivationBounds bounds = activation_bounds(kind);
  for (float& v : values) v = std::clamp(v, bounds.low, bounds.high);
}

void apply_fake_quantize(const QuantizerAttrs& q, std::span<float> values) {
  for (float& v : values) v = fake_quantize_value(q, v);
}

void apply_batch_norm(const ChannelAffine& affine, const Shape& shape, std::span<float> values) {
  const auto plane = static_cast<std::size_t>(shape.height * shape.width);
  for (std::size_t c = 0; c < affine.scale.size(); ++c) {
    float* x = values.data() + c * plane;
    for (std::size_t i = 0; i < plane; ++i) x[i] = affine.scale[c] * x[i] + affine.shift[c];
  }
}

void apply_softmax(const Shape& shape, std::span<float> values) {
  const std::int64_t plane = shape.height * shape.width;
  for (std::int64_t p = 0; p < plane; ++p) {
    auto at = [&](std::int64_t c) -> float& {
      return values[static_cast<std::size_t>(c * plane + p)];
    };
    float max = -INFINITY;
    for (std::int64_t c = 0; c < shape.channels; ++c) max = std::max(max, at(c));
    float sum = 0.0f;
    for (std::int64_t c = 0; c < shape.channels; ++c) sum += (at(c) = std::exp(at(c) - max));
    for (std::int64_t c = 0; c < shape.channels; ++c) at(c) /= sum;
  }
}

void add_into(std::span<float> values, std::span<const float> other) {
  for (std::size_t e = 0; e < values.size(); ++e) values[e] += other[e];
}

std::vector<float> global_average_pool(const Shape& in_shape, std::span<const float> in) {
  const std::int64_t plane = in_shape.height * in_shape.width;
  std::vector<float> out(static_cast<std::size_t>(in_shape.channels));
  for (std::int64_t c = 0; c < in_shape.channels; ++c) {
    float sum = 0.0f;
    for (std::int64_t i = 0; i < plane; ++i) sum += in[static_cast<std::size_t>(c * plane + i)];
    out[static_cast<std::size_t>(c)] = sum / static_cast<float>(plane);
  }
  return out;
}

std::optional<std::vector<float>> elementwise_node_output(
    const Node& node, std::span<const std::vector<float>* const> inputs,
    const Shape& first_input_shape, const ChannelAffine& batch_norm) {
  std::vector<float> out;
  switch (node.kind) {
    case OpKind::GlobalAvgPool:
      return global_average_pool(first_input_shape, *inputs[0]);
    case OpKind::BatchNorm:
      out = *inputs[0];
      apply_batch_norm(batch_norm, node.output, out);
      return out;
    case OpKind::Activation:
      out = *inputs[0];
      apply_activation(std::get<ActivationAttrs>(node.attrs).kind, out);
      return out;
    case OpKind::Quantizer:
      out = *inputs[0];
      apply_fake_quantize(std::get<QuantizerAttrs>(node.attrs), out);
      return out;
    case OpKind::Add:
      out = *inputs[0];
      for (std::size_t i = 1; i < inputs.size(); ++i) add_into(out, *inputs[i]);
      return out;
    case OpKind::Concat:  // CHW: concatenating along channels appends whole planes
      out.reserve(static_cast<std::size_t>(node.output.elements()));
      for (const std::vector<float>* in : inputs) out.insert(out.end(), in->begin(), in->end());
      return out;
    case OpKind::Flatten:
      return *inputs[0];
    case OpKind::Softmax:
      out = *inputs[0];
      apply_softmax(node.output, out);
      return out;
    case OpKind::Input:
    case OpKind::Conv2d:
    case OpKind::Dense:
    case OpKind::MaxPool:
    case OpKind::AvgPool:
      break;
  }
  return std::nullopt;
}

}  // namespace qtb
