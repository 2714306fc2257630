#include "train/training_graph.hpp"

#include <variant>

#include <fmt/format.h>

#include "core/error.hpp"
#include "train/quantizers.hpp"

namespace qtb::train_detail {
namespace {

[[noreturn]] void refuse(const Graph& graph, const Node& node, const std::string& why) {
  throw InputError(fmt::format("training graph '{}', node '{}': {}", graph.name(), node.name, why));
}

// Appends a copy of `node` (with its weights) reading `from` in `out`; returns its id.
int copy_node(Graph& out, const Node& node, int from) {
  int id = -1;
  switch (node.kind) {
    case OpKind::Input:
      return out.input(std::get<InputAttrs>(node.attrs).shape, node.name);
    case OpKind::Conv2d:
      id = out.conv2d(from, std::get<Conv2dAttrs>(node.attrs), node.name);
      break;
    case OpKind::Dense:
      id = out.dense(from, std::get<DenseAttrs>(node.attrs), node.name);
      break;
    case OpKind::BatchNorm:
      id = out.batch_norm(from, node.name);
      break;
    case OpKind::Activation:
      return out.activation(from, std::get<ActivationAttrs>(node.attrs).kind, node.name);
    case OpKind::MaxPool:
      return out.max_pool(from, std::get<PoolAttrs>(node.attrs), node.name);
    case OpKind::Flatten:
      return out.flatten(from, node.name);
    case OpKind::Quantizer:
      return out.quantizer(from, std::get<QuantizerAttrs>(node.attrs), node.name);
    case OpKind::Softmax:
      return out.softmax(from, node.name);
    default:
      throw InputError("training: cannot copy node '" + node.name + "'");
  }
  if (!node.weights.empty()) out.set_weights(id, node.weights, node.bias);
  return id;
}

}  // namespace

int weight_bits(const Precision& precision) {
  return is_float(precision.weights) ? 0 : bit_width(precision.weights);
}

int activation_bits(const Precision& precision) {
  return is_float(precision.activations) ? 0 : bit_width(precision.activations);
}

void check_trainable(const Graph& graph) {
  if (graph.size() < 2 || graph.node(0).kind != OpKind::Input) {
    throw InputError("training graph '" + graph.name() + "': must start with its input node");
  }
  int logits = graph.size() - 1;
  for (int id = 1; id < graph.size(); ++id) {
    const Node& node = graph.node(id);
    if (node.inputs.size() != 1 || node.inputs.front() != id - 1) {
      refuse(graph, node, "the trainer needs a chain (each node reading the one before it)");
    }
    switch (node.kind) {
      case OpKind::Conv2d:
        if (std::get<Conv2dAttrs>(node.attrs).groups != 1) {
          refuse(graph, node, "grouped convolutions are not supported by the trainer");
        }
        break;
      case OpKind::Dense:
      case OpKind::BatchNorm:
      case OpKind::Activation:
      case OpKind::MaxPool:
      case OpKind::Flatten:
      case OpKind::Quantizer:
        break;
      case OpKind::Softmax:
        if (id != graph.size() - 1) refuse(graph, node, "softmax must be the last node");
        logits = id - 1;
        break;
      default:
        refuse(graph, node,
               fmt::format("{} nodes are not supported by the trainer", to_string(node.kind)));
    }
  }
  const OpKind last = graph.node(logits).kind;
  if (last != OpKind::Dense && last != OpKind::Conv2d) {
    refuse(graph, graph.node(logits), "the logits must come from a dense or conv layer");
  }
}

Graph training_graph(const Graph& graph, const Precision& precision) {
  check_trainable(graph);
  const int bits = activation_bits(precision);
  Graph out(graph.name());
  int previous = -1;
  for (int id = 0; id < graph.size(); ++id) {
    const Node& node = graph.node(id);
    if (node.kind == OpKind::Quantizer && bits > 0 &&
        std::get<QuantizerAttrs>(node.attrs).bits != bits) {
      refuse(graph, node,
             fmt::format("a {}-bit quantizer in a {}-bit activation precision",
                         std::get<QuantizerAttrs>(node.attrs).bits, bits));
    }
    previous = copy_node(out, node, previous);
    const bool followed_by_quantizer =
        id + 1 < graph.size() && graph.node(id + 1).kind == OpKind::Quantizer;
    if (node.kind == OpKind::Activation && bits > 0 && !followed_by_quantizer) {
      const auto kind = std::get<ActivationAttrs>(node.attrs).kind;
      const QuantizerAttrs q =
          kind == ActivationKind::ReLU ? relu_quantizer(bits) : hardtanh_quantizer(bits);
      previous = out.quantizer(previous, q, node.name + "/quant");
    }
  }
  return out;
}

}  // namespace qtb::train_detail
