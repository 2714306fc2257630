#include "engine/onednn/float_fusion.hpp"

#include <algorithm>
#include <variant>

#include <fmt/format.h>

#include "engine/backend.hpp"
#include "graph/batch_norm.hpp"

namespace qtb::onednn {
namespace {

// y = scale * x + shift folded into the step's output channels.
void fold_affine(FloatStep& step, const ChannelAffine& affine) {
  const std::size_t channels = step.bias.size();
  const std::size_t per_channel = step.weights.size() / channels;
  for (std::size_t o = 0; o < channels; ++o) {
    for (std::size_t i = 0; i < per_channel; ++i)
      step.weights[o * per_channel + i] *= affine.scale[o];
    step.bias[o] = step.bias[o] * affine.scale[o] + affine.shift[o];
  }
}

FloatStep compute_head(const Graph& graph, int id) {
  const Node& node = graph.node(id);
  FloatStep step;
  step.kind = FloatStepKind::Compute;
  step.op = node.kind;
  step.name = node.name;
  step.inputs = {node.inputs.front()};
  const auto channels = static_cast<std::size_t>(node.output.channels);
  if (node.kind == OpKind::BatchNorm) {
    const ChannelAffine affine = batch_norm_affine(graph, id);
    step.conv.out_channels = node.output.channels;
    step.conv.groups = node.output.channels;
    step.weights = affine.scale;
    step.bias = affine.shift;
    return step;
  }
  if (node.kind == OpKind::Conv2d) {
    step.conv = std::get<Conv2dAttrs>(node.attrs);
  } else {
    step.conv.out_channels = node.output.channels;
  }
  step.weights = node.weights;
  step.bias = node.bias.empty() ? std::vector<float>(channels, 0.0f) : node.bias;
  return step;
}

}  // namespace

FloatNetwork fuse_float_graph(const Graph& graph) {
  FloatNetwork net;
  const int n = graph.size();
  if (n == 0) throw UnsupportedError("graph '" + graph.name() + "' is empty");
  for (int id = 0; id < n; ++id) {
    const Node& node = graph.node(id);
    net.shapes.push_back(node.output);
    if (node.kind == OpKind::Input) {
      if (net.input_node >= 0) {
        throw UnsupportedError("onednn: graph '" + graph.name() + "' has more than one input");
      }
      net.input_node = id;
    }
    if (node.kind == OpKind::Quantizer) {
      throw UnsupportedError(fmt::format("backend onednn does not support {} layers (node '{}')",
                                         to_string(node.kind), node.name));
    }
  }
  if (net.input_node < 0)
    throw UnsupportedError("onednn: graph '" + graph.name() + "' has no input");
  net.output_node = n - 1;
  if (graph.node(net.output_node).kind == OpKind::Softmax) {
    net.output_node = graph.node(net.output_node).inputs.front();
  }
  if (net.output_node == net.input_node) {
    throw UnsupportedError("onednn: graph '" + graph.name() + "' computes nothing");
  }

  std::vector<std::vector<int>> consumers(static_cast<std::size_t>(n));
  for (int id = 0; id <= net.output_node; ++id) {
    for (int from : graph.node(id).inputs) consumers[static_cast<std::size_t>(from)].push_back(id);
  }
  auto single_consumer = [&](int id) -> int {
    const auto& c = consumers[static_cast<std::size_t>(id)];
    return (id != net.output_node && c.size() == 1) ? c.front() : -1;
  };

  std::vector<bool> claimed(static_cast<std::size_t>(n), false);
  std::vector<FloatStep> chains;  // indexed by the position of their last node below
  std::vector<int> step_at(static_cast<std::size_t>(n), -1);

  for (int id = 0; id <= net.output_node; ++id) {
    if (claimed[static_cast<std::size_t>(id)]) continue;
    const Node& node = graph.node(id);
    FloatStep step;
    switch (node.kind) {
      case OpKind::Input:
        continue;
      case OpKind::Conv2d:
      case OpKind::Dense:
      case OpKind::BatchNorm:
        step = compute_head(graph, id);
        break;
      case OpKind::Add:
        step.kind = FloatStepKind::Add;
        step.inputs = node.inputs;
        break;
      case OpKind::MaxPool:
      case OpKind::AvgPool:
        step.kind = node.kind == OpKind::MaxPool ? FloatStepKind::MaxPool : FloatStepKind::AvgPool;
        step.pool = std::get<PoolAttrs>(node.attrs);
        step.inputs = node.inputs;
        break;
      case OpKind::GlobalAvgPool:
        step.kind = FloatStepKind::GlobalPool;
        step.inputs = node.inputs;
        break;
      case OpKind::Activation:
        step.kind = FloatStepKind::Eltwise;
        step.activation = std::get<ActivationAttrs>(node.attrs).kind;
        step.inputs = node.inputs;
        break;
      case OpKind::Concat:
        step.kind = FloatStepKind::Concat;
        step.inputs = node.inputs;
        break;
      case OpKind::Flatten: {
        step.kind = FloatStepKind::Flatten;
        step.inputs = node.inputs;
        const auto& c = consumers[static_cast<std::size_t>(id)];
        step.flatten_alias =
            id != net.output_node && !c.empty() && std::all_of(c.begin(), c.end(), [&](int k) {
              return graph.node(k).kind == OpKind::Dense;
            });
        break;
      }
      case OpKind::Softmax:
        step.kind = FloatStepKind::Softmax;
        step.inputs = node.inputs;
        break;
      case OpKind::Quantizer:
        break;  // refused above
    }
    step.name = node.name;
    int last = id;
    const bool computes = step.kind == FloatStepKind::Compute;
    const bool chains_ops =
        computes || (step.kind == FloatStepKind::Add && node.inputs.size() == 2);
    bool has_sum = false;
    while (chains_ops) {
      const int next = single_consumer(last);
      if (next < 0 || claimed[static_cast<std::size_t>(next)]) break;
      const Node& nx = graph.node(next);
      if (nx.kind == OpKind::BatchNorm && computes && step.post_ops.empty()) {
        fold_affine(step, batch_norm_affine(graph, next));
      } else if (nx.kind == OpKind::Activation) {
        step.post_ops.push_back({false, std::get<ActivationAttrs>(nx.attrs).kind, -1});
      } else if (nx.kind == OpKind::Add && computes && !has_sum && nx.inputs.size() == 2 &&
                 nx.inputs[0] != nx.inputs[1]) {
        const int other = nx.inputs[0] == last ? nx.inputs[1] : nx.inputs[0];
        step.post_ops.push_back({true, ActivationKind::ReLU, other});
        has_sum = true;
      } else {
        break;
      }
      claimed[static_cast<std::size_t>(next)] = true;
      last = next;
    }
    step.output = last;
    claimed[static_cast<std::size_t>(id)] = true;
    step_at[static_cast<std::size_t>(last)] = static_cast<int>(chains.size());
    chains.push_back(std::move(step));
  }
  // Order by the last node: every value a chain reads is produced by then.
  for (int id = 0; id <= net.output_node; ++id) {
    const int s = step_at[static_cast<std::size_t>(id)];
    if (s >= 0) net.steps.push_back(std::move(chains[static_cast<std::size_t>(s)]));
  }
  return net;
}

}  // namespace qtb::onednn
