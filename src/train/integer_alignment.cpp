#include "train/integer_alignment.hpp"

#include <cmath>
#include <optional>
#include <span>
#include <variant>

#include "graph/batch_norm.hpp"
#include "train/quantizers.hpp"
#include "train/training_graph.hpp"

namespace qtb::train_detail {
namespace {

// The scale of the quantized tensor `id` reads, or nothing when it is not fixed by the graph.
std::optional<double> input_scale(const Graph& graph, int id) {
  int from = graph.node(id).inputs.front();
  while (graph.node(from).kind == OpKind::MaxPool || graph.node(from).kind == OpKind::Flatten) {
    from = graph.node(from).inputs.front();
  }
  const Node& producer = graph.node(from);
  if (producer.kind == OpKind::Input) {
    return static_cast<double>(1.0f / 255.0f);  // lower()'s 8-bit input scale, a float
  }
  if (producer.kind == OpKind::Quantizer) {
    return static_cast<double>(std::get<QuantizerAttrs>(producer.attrs).scale);
  }
  return std::nullopt;
}

// True when `bn` is followed by an activation and a multi-bit quantizer (nothing else).
bool feeds_multibit_quantizer(const Graph& graph, int bn) {
  const int activation = bn + 1, quantizer = bn + 2;
  if (quantizer >= graph.size()) return false;
  if (graph.node(activation).kind != OpKind::Activation) return false;
  const Node& q = graph.node(quantizer);
  return q.kind == OpKind::Quantizer && std::get<QuantizerAttrs>(q.attrs).bits > 1;
}

}  // namespace

void align_biases_with_integer_units(Graph& graph, const Precision& precision) {
  const int bits = weight_bits(precision);
  if (bits == 0) return;
  for (int id = 0; id + 1 < graph.size(); ++id) {
    const Node& layer = graph.node(id);
    if (layer.kind != OpKind::Conv2d && layer.kind != OpKind::Dense) continue;
    const int bn = id + 1;
    if (graph.node(bn).kind != OpKind::BatchNorm || !feeds_multibit_quantizer(graph, bn)) continue;
    const std::optional<double> s_in = input_scale(graph, id);
    if (!s_in) continue;
    const ChannelAffine affine = batch_norm_affine(graph, bn);
    const auto channels = static_cast<std::size_t>(layer.output.channels);
    const std::size_t per_channel = layer.weights.size() / channels;
    std::vector<float> weights = graph.node(bn).weights;  // gamma, beta, mean, variance
    for (std::size_t c = 0; c < channels; ++c) {
      const double a = affine.scale[c];
      if (a == 0.0) continue;  // a constant channel: lower() ignores the weights
      const std::span<const float> channel(layer.weights.data() + c * per_channel, per_channel);
      const double unit = *s_in * weight_scale(bits, channel);
      const double conv_bias = layer.bias.empty() ? 0.0 : layer.bias[c];
      // lower(): bias = (conv_bias + b / a) / unit, rounded. Aim b at the rounded bias.
      const double bias = (conv_bias + affine.shift[c] / a) / unit;
      const double aligned_shift = (std::nearbyint(bias) * unit - conv_bias) * a;
      float& beta = weights[channels + c];
      beta = static_cast<float>(beta + (aligned_shift - affine.shift[c]));
    }
    graph.set_weights(bn, std::move(weights));
  }
}

}  // namespace qtb::train_detail
