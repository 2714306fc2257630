#include "optimize/filter_pruning.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "core/error.hpp"
#include "graph/graph_copy.hpp"

namespace qtb {
namespace {

// Which channels of a node's output survive; empty optional: all of them (nothing pruned).
using KeptChannels = std::optional<std::vector<std::int64_t>>;

bool is_weighted(OpKind kind) {
  return kind == OpKind::Conv2d || kind == OpKind::Dense;
}

std::int64_t out_channels(const Node& node) {
  return node.kind == OpKind::Conv2d ? std::get<Conv2dAttrs>(node.attrs).out_channels
                                     : std::get<DenseAttrs>(node.attrs).out_features;
}

int last_weighted(const Graph& graph) {
  for (int id = graph.size() - 1; id >= 0; --id) {
    if (is_weighted(graph.node(id).kind)) return id;
  }
  throw InputError(fmt::format("graph '{}' has no conv or dense layer to prune", graph.name()));
}

// Rows of `weights` ([out x in_per_out]) for the kept outputs, and within each row the columns
// of the kept inputs (each input channel spans `per_input` consecutive columns: kernel taps).
std::vector<float> slice(const std::vector<float>& weights, std::int64_t in_per_out,
                         std::int64_t per_input, const KeptChannels& outputs,
                         const KeptChannels& inputs, std::int64_t out_count) {
  std::vector<std::int64_t> rows(static_cast<std::size_t>(out_count));
  std::iota(rows.begin(), rows.end(), 0);
  if (outputs) rows = *outputs;
  std::vector<std::int64_t> channels(static_cast<std::size_t>(in_per_out / per_input));
  std::iota(channels.begin(), channels.end(), 0);
  if (inputs) channels = *inputs;
  std::vector<float> result;
  result.reserve(rows.size() * channels.size() * static_cast<std::size_t>(per_input));
  for (const std::int64_t row : rows) {
    for (const std::int64_t channel : channels) {
      const auto begin = weights.begin() + row * in_per_out + channel * per_input;
      result.insert(result.end(), begin, begin + per_input);
    }
  }
  return result;
}

std::vector<float> pick(const std::vector<float>& values, const KeptChannels& kept) {
  if (!kept || values.empty()) return values;
  std::vector<float> result;
  for (const std::int64_t i : *kept) result.push_back(values[static_cast<std::size_t>(i)]);
  return result;
}

// Batchnorm stores gamma, beta, mean and variance one after the other (4 x channels).
std::vector<float> pick_batch_norm(const std::vector<float>& values, std::int64_t channels,
                                   const KeptChannels& kept) {
  if (!kept) return values;
  std::vector<float> result;
  for (int part = 0; part < 4; ++part) {
    for (const std::int64_t c : *kept) {
      result.push_back(values[static_cast<std::size_t>(part * channels + c)]);
    }
  }
  return result;
}

}  // namespace

std::vector<std::int64_t> largest_l1_rows(const std::vector<float>& matrix, std::int64_t rows,
                                          std::int64_t keep) {
  const auto row_size = static_cast<std::int64_t>(matrix.size()) / rows;
  std::vector<double> norms(static_cast<std::size_t>(rows), 0.0);
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t i = 0; i < row_size; ++i) {
      norms[static_cast<std::size_t>(r)] +=
          std::fabs(matrix[static_cast<std::size_t>(r * row_size + i)]);
    }
  }
  std::vector<std::int64_t> order(static_cast<std::size_t>(rows));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    return norms[static_cast<std::size_t>(a)] > norms[static_cast<std::size_t>(b)];
  });
  order.resize(static_cast<std::size_t>(keep));
  std::sort(order.begin(), order.end());
  return order;
}

FilterPruningResult prune_filters_l1(const Graph& trained, const Graph& target) {
  if (!trained.has_all_weights()) {
    throw InputError(
        fmt::format("filter pruning of '{}' needs a trained graph with weights", trained.name()));
  }
  if (trained.size() != target.size()) {
    throw InputError(fmt::format("filter pruning: '{}' and the target structure differ in size",
                                 trained.name()));
  }
  const int classifier = last_weighted(trained);
  FilterPruningResult result{Graph(trained.name()), {}};
  std::vector<KeptChannels> kept(static_cast<std::size_t>(trained.size()));

  for (int id = 0; id < trained.size(); ++id) {
    const Node& node = trained.node(id);
    const Node& goal = target.node(id);
    if (node.name != goal.name || node.kind != goal.kind) {
      throw InputError(
          fmt::format("filter pruning: node {} is '{}' in the trained graph and '{}' "
                      "in the target structure",
                      id, node.name, goal.name));
    }
    const KeptChannels in =
        node.inputs.empty() ? KeptChannels{} : kept[static_cast<std::size_t>(node.inputs.front())];
    std::vector<int> inputs;
    for (const int from : node.inputs) inputs.push_back(from);  // ids coincide: same node order

    if (node.kind == OpKind::Add || node.kind == OpKind::Concat) {
      for (const int from : node.inputs) {
        if (kept[static_cast<std::size_t>(from)]) {
          throw InputError(
              fmt::format("filter pruning: pruned channels reach '{}' ({}), which "
                          "only sequential topologies such as mlp and cnv support",
                          node.name, to_string(node.kind)));
        }
      }
    }
    if (node.kind == OpKind::Conv2d && std::get<Conv2dAttrs>(node.attrs).groups != 1) {
      throw InputError(
          fmt::format("filter pruning: grouped conv '{}' is not supported", node.name));
    }

    Node copy = node;
    std::vector<float> weights = node.weights;
    std::vector<float> bias = node.bias;
    if (is_weighted(node.kind)) {
      const std::int64_t before = out_channels(node);
      const std::int64_t after = out_channels(goal);
      if (after > before) {
        throw InputError(fmt::format("filter pruning: '{}' would grow from {} to {} channels",
                                     node.name, before, after));
      }
      KeptChannels outputs;
      if (id != classifier && after < before) {
        outputs = largest_l1_rows(node.weights, before, after);
        result.layers.push_back({node.name, before, *outputs});
      }
      const std::int64_t in_per_out = static_cast<std::int64_t>(node.weights.size()) / before;
      const Shape& in_shape = trained.shape(node.inputs.front());
      const std::int64_t per_input =
          node.kind == OpKind::Conv2d ? in_per_out / in_shape.channels : 1;
      weights = slice(node.weights, in_per_out, per_input, outputs, in, before);
      bias = pick(node.bias, outputs);
      if (node.kind == OpKind::Conv2d) {
        std::get<Conv2dAttrs>(copy.attrs).out_channels = after;
      } else {
        std::get<DenseAttrs>(copy.attrs).out_features = after;
      }
      kept[static_cast<std::size_t>(id)] = outputs;
    } else if (node.kind == OpKind::BatchNorm) {
      weights = pick_batch_norm(node.weights, trained.shape(id).channels, in);
      kept[static_cast<std::size_t>(id)] = in;
    } else if (node.kind == OpKind::Flatten && in) {
      // CHW order: channel c owns features c*H*W .. (c+1)*H*W - 1.
      const Shape& in_shape = trained.shape(node.inputs.front());
      const std::int64_t plane = in_shape.height * in_shape.width;
      std::vector<std::int64_t> features;
      for (const std::int64_t c : *in) {
        for (std::int64_t i = 0; i < plane; ++i) features.push_back(c * plane + i);
      }
      kept[static_cast<std::size_t>(id)] = features;
    } else if (node.kind != OpKind::Add && node.kind != OpKind::Concat) {
      kept[static_cast<std::size_t>(id)] = in;  // pooling, activation, quantizer keep channels
    }

    const int new_id = append_like(result.graph, copy, inputs);
    if (!weights.empty()) result.graph.set_weights(new_id, std::move(weights), std::move(bias));
    if (!(result.graph.shape(new_id) == target.shape(id))) {
      throw InputError(fmt::format("filter pruning: '{}' came out {}, the target structure has {}",
                                   node.name, result.graph.shape(new_id).to_string(),
                                   target.shape(id).to_string()));
    }
  }
  return result;
}

}  // namespace qtb
