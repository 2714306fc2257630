#include "cost/cost.hpp"

#include <variant>

namespace qtb {
namespace {

std::int64_t input_elements(const Graph& graph, const Node& node) {
  std::int64_t total = 0;
  for (int id : node.inputs) total += graph.shape(id).elements();
  return total;
}

LayerCost layer_cost(const Graph& graph, int id, const Precision& precision) {
  const Node& node = graph.node(id);
  LayerCost cost;
  cost.name = node.name;
  cost.kind = node.kind;
  cost.output = node.output;
  const std::int64_t out = node.output.elements();
  bool materialised = true;  // does the layer read and write its tensors in memory?
  switch (node.kind) {
    case OpKind::Conv2d:
    case OpKind::Dense: {
      cost.params = graph.weight_count(id);
      // Each weight is used once per output position (1 for dense).
      cost.macs = cost.params * node.output.height * node.output.width;
      cost.other_ops = graph.bias_count(id) > 0 ? out : 0;
      break;
    }
    case OpKind::MaxPool:
    case OpKind::AvgPool: {
      const auto& pool = std::get<PoolAttrs>(node.attrs);
      cost.other_ops = out * pool.kernel * pool.kernel;
      break;
    }
    case OpKind::GlobalAvgPool:
      cost.other_ops = input_elements(graph, node);
      break;
    case OpKind::Add:
      cost.other_ops = out * static_cast<std::int64_t>(node.inputs.size() - 1);
      break;
    case OpKind::Softmax:
      cost.other_ops = 3 * out;
      break;  // exp, sum, divide
    case OpKind::BatchNorm:
    case OpKind::Quantizer:
      cost.other_ops = 2 * out;  // scale and shift / scale and round
      materialised = false;
      break;
    case OpKind::Activation:
      cost.other_ops = out;
      materialised = false;
      break;
    case OpKind::Input:
    case OpKind::Flatten:
    case OpKind::Concat:
      materialised = false;
      break;
  }
  cost.ops = 2 * cost.macs;
  cost.weight_bytes = static_cast<double>(cost.params) * precision.weight_bytes();
  if (materialised) {
    cost.activation_bytes =
        static_cast<double>(input_elements(graph, node) + out) * precision.activation_bytes();
  }
  return cost;
}

}  // namespace

NetworkCost compute_cost(const Graph& graph, const Precision& precision,
                         const StorageModel& storage) {
  NetworkCost total;
  total.topology = graph.name();
  total.precision = precision;
  total.storage = storage;
  for (int id = 0; id < graph.size(); ++id) {
    LayerCost layer = layer_cost(graph, id, precision);
    total.macs += layer.macs;
    total.ops += layer.ops;
    total.other_ops += layer.other_ops;
    total.params += layer.params;
    total.weight_bytes += layer.weight_bytes;
    total.activation_bytes += layer.activation_bytes;
    total.layers.push_back(std::move(layer));
  }
  total.offchip_bytes = total.weight_bytes / static_cast<double>(storage.batch) +
                        (storage.activations_offchip ? total.activation_bytes : 0.0);
  total.oi = total.offchip_bytes > 0 ? static_cast<double>(total.ops) / total.offchip_bytes : 0.0;
  return total;
}

}  // namespace qtb
