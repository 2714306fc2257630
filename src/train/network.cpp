#include "train/network.hpp"

#include <cmath>
#include <variant>

#include "train/layers/batch_norm_layer.hpp"
#include "train/layers/conv_layer.hpp"
#include "train/layers/dense_layer.hpp"
#include "train/layers/elementwise_layers.hpp"
#include "train/layers/max_pool_layer.hpp"
#include "train/random.hpp"

namespace qtb::train_detail {
namespace {

constexpr std::uint64_t kInitStream = 1;

void initialise(Graph& graph, std::uint64_t seed) {
  SplitMix64 rng = stream(seed, kInitStream);
  for (int id = 0; id < graph.size(); ++id) {
    const Node& node = graph.node(id);
    const std::int64_t count = graph.weight_count(id);
    if (count == 0) continue;
    if (node.kind == OpKind::BatchNorm) {
      const auto channels = static_cast<std::size_t>(node.output.channels);
      std::vector<float> w(4 * channels, 0.0f);
      std::fill_n(w.begin(), channels, 1.0f);                 // gamma
      std::fill_n(w.begin() + 3 * channels, channels, 1.0f);  // variance
      graph.set_weights(id, std::move(w));
      continue;
    }
    // He (Kaiming) normal: std = sqrt(2 / fan_in) keeps ReLU activations' variance constant.
    const std::int64_t fan_in = count / node.output.channels;
    const double std_dev = std::sqrt(2.0 / static_cast<double>(fan_in));
    std::vector<float> w(static_cast<std::size_t>(count));
    for (float& v : w) v = static_cast<float>(rng.normal() * std_dev);
    graph.set_weights(id, std::move(w),
                      std::vector<float>(static_cast<std::size_t>(graph.bias_count(id)), 0.0f));
  }
}

bool is_binary_quantizer(const Node& node) {
  if (node.kind != OpKind::Quantizer) return false;
  const auto& q = std::get<QuantizerAttrs>(node.attrs);
  return q.bits == 1 && q.is_signed;
}

}  // namespace

Network::Network(const Graph& graph, int weight_bits, std::uint64_t seed) : graph_(graph) {
  if (!graph_.has_all_weights()) initialise(graph_, seed);
  input_shape_ = graph_.shape(0);
  for (int id = 1; id < graph_.size(); ++id) {
    const Node& node = graph_.node(id);
    const Shape& in = graph_.shape(node.inputs.front());
    std::unique_ptr<Layer> layer;
    switch (node.kind) {
      case OpKind::Conv2d:
        layer = std::make_unique<ConvLayer>(id, in, node.output, std::get<Conv2dAttrs>(node.attrs),
                                            weight_bits, node.weights, node.bias);
        break;
      case OpKind::Dense:
        layer = std::make_unique<DenseLayer>(id, in.elements(), node.output.channels, weight_bits,
                                             node.weights, node.bias);
        break;
      case OpKind::BatchNorm:
        layer = std::make_unique<BatchNormLayer>(id, node.output.channels, node.weights);
        break;
      case OpKind::Activation:
        // A binary quantizer takes the sign of the pre-activation: the activation before it has
        // no effect (lower() ignores it the same way).
        if (id + 1 < graph_.size() && is_binary_quantizer(graph_.node(id + 1))) break;
        layer = std::make_unique<ActivationLayer>(id, std::get<ActivationAttrs>(node.attrs).kind);
        break;
      case OpKind::MaxPool:
        layer = std::make_unique<MaxPoolLayer>(id, node.output, std::get<PoolAttrs>(node.attrs));
        break;
      case OpKind::Flatten:
        layer = std::make_unique<FlattenLayer>(id);
        break;
      case OpKind::Quantizer:
        layer =
            std::make_unique<ActivationQuantizerLayer>(id, std::get<QuantizerAttrs>(node.attrs));
        break;
      default:  // input, softmax (the loss)
        break;
    }
    if (layer) layers_.push_back(std::move(layer));
  }
  outputs_.resize(layers_.size());
  // Layers before the first one with parameters need no input gradients (for the MLP that saves
  // the 784 x 2048 GEMM of the first dense layer's input gradient).
  while (first_trained_ + 1 < layers_.size() && layers_[first_trained_]->parameters().empty()) {
    ++first_trained_;
  }
  classes_ = graph_.shape(layers_.back()->node()).elements();
}

const Tensor& Network::forward(const Tensor& input, Mode mode) {
  input_ = &input;
  const Tensor* current = &input;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    layers_[i]->forward(*current, outputs_[i], mode);
    current = &outputs_[i];
  }
  return *current;
}

void Network::backward(const Tensor& grad_logits) {
  const Tensor* grad_out = &grad_logits;
  for (std::size_t i = layers_.size(); i-- > first_trained_;) {
    const Tensor& in = i == 0 ? *input_ : outputs_[i - 1];
    Tensor* grad_in = i == first_trained_ ? nullptr : (grad_out == &grad_a_ ? &grad_b_ : &grad_a_);
    layers_[i]->backward(in, outputs_[i], *grad_out, grad_in);
    grad_out = grad_in;
  }
}

std::vector<Parameter> Network::parameters() {
  std::vector<Parameter> all;
  for (auto& layer : layers_) {
    for (const Parameter& p : layer->parameters()) all.push_back(p);
  }
  return all;
}

void Network::parameters_changed() {
  for (auto& layer : layers_) layer->parameters_changed();
}

Graph Network::trained_graph() const {
  Graph graph = graph_;
  for (const auto& layer : layers_) layer->store(graph);
  return graph;
}

void load_batch(const DataSet& data, std::span<const std::int64_t> indices, Tensor& input) {
  input.resize(static_cast<std::int64_t>(indices.size()),
               Shape{data.channels, data.height, data.width});
  const std::int64_t size = data.image_bytes();
  for (std::size_t n = 0; n < indices.size(); ++n) {
    const std::uint8_t* pixels = data.pixels.data() + indices[n] * size;
    float* x = input.item(static_cast<std::int64_t>(n));
    for (std::int64_t i = 0; i < size; ++i) x[i] = static_cast<float>(pixels[i]) * (1.0f / 255.0f);
  }
}

}  // namespace qtb::train_detail
