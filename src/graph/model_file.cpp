#include "graph/model_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/precision.hpp"
#include "core/text.hpp"
#include "graph/graph_json.hpp"
#include "graph/safetensors.hpp"

namespace qtb {
namespace {

constexpr const char* kFormatKey = "format";
constexpr const char* kFormatName = "qutibench";
constexpr const char* kVersionKey = "qutibench.version";
constexpr const char* kGraphKey = "qutibench.graph";
constexpr const char* kMetadataKey = "qutibench.metadata";

// Which slice of a node's parameters a tensor holds: conv/dense weights or bias, or one of the
// four per-channel vectors a batchnorm node keeps one after another in its weights.
enum class Part { Weights, Bias, BatchNormVector };

struct TensorSlot {
  std::string name;
  std::vector<std::int64_t> shape;
  int node = 0;
  Part part = Part::Weights;
  std::size_t offset = 0;  // first value within the node's weights (batchnorm vectors)
};

// The tensors a graph's parameters are stored as, in node order; save and load both use this
// list, so names and shapes cannot drift apart between them.
std::vector<TensorSlot> tensor_slots(const Graph& graph) {
  std::vector<TensorSlot> slots;
  for (int id = 0; id < graph.size(); ++id) {
    const Node& node = graph.node(id);
    const std::int64_t out = node.output.channels;
    const std::int64_t in = node.inputs.empty() ? 0 : graph.shape(node.inputs.front()).channels;
    if (node.kind == OpKind::Conv2d) {
      const auto& a = std::get<Conv2dAttrs>(node.attrs);
      slots.push_back({node.name + ".weight", {out, in / a.groups, a.kernel_h, a.kernel_w}, id});
    } else if (node.kind == OpKind::Dense) {
      slots.push_back({node.name + ".weight", {out, in}, id});
    } else if (node.kind == OpKind::BatchNorm) {
      // PyTorch's BatchNorm2d names, so its load_state_dict takes them as they are.
      const char* names[] = {".weight", ".bias", ".running_mean", ".running_var"};
      for (std::size_t i = 0; i < 4; ++i) {
        slots.push_back({node.name + names[i],
                         {out},
                         id,
                         Part::BatchNormVector,
                         i * static_cast<std::size_t>(out)});
      }
    }
    if (graph.bias_count(id) > 0) slots.push_back({node.name + ".bias", {out}, id, Part::Bias});
  }
  return slots;
}

std::vector<float> slot_values(const Graph& graph, const TensorSlot& slot) {
  const Node& node = graph.node(slot.node);
  switch (slot.part) {
    case Part::Weights:
      return node.weights;
    case Part::Bias:
      // A declared bias the node lacks is zero for every backend; stored as such so readers
      // find the tensor the graph promises.
      return node.bias.empty()
                 ? std::vector<float>(static_cast<std::size_t>(graph.bias_count(slot.node)), 0.0f)
                 : node.bias;
    case Part::BatchNormVector: {
      const auto begin = node.weights.begin() + static_cast<std::ptrdiff_t>(slot.offset);
      return {begin, begin + static_cast<std::ptrdiff_t>(slot.shape.front())};
    }
  }
  return {};
}

// The file's tensors checked against the graph's slots and attached to its nodes.
void attach_weights(Graph& graph, const SafetensorsFile& file, const std::string& source) {
  const std::vector<TensorSlot> slots = tensor_slots(graph);
  std::vector<std::vector<float>> weights(static_cast<std::size_t>(graph.size()));
  std::vector<std::vector<float>> biases(static_cast<std::size_t>(graph.size()));
  std::set<std::string> expected;
  for (const TensorSlot& slot : slots) {
    expected.insert(slot.name);
    const SafeTensor* tensor = file.find(slot.name);
    if (!tensor) {
      throw InputError(fmt::format("{}: tensor {} is missing (node '{}' needs it)", source,
                                   slot.name, graph.node(slot.node).name));
    }
    if (tensor->dtype != TensorDtype::F32) {
      throw InputError(fmt::format("{}: tensor {} has dtype {}, model files store F32", source,
                                   slot.name, to_string(tensor->dtype)));
    }
    if (tensor->shape != slot.shape) {
      throw InputError(fmt::format("{}: tensor {} has shape {}, the graph expects {}", source,
                                   slot.name, shape_string(tensor->shape),
                                   shape_string(slot.shape)));
    }
    std::vector<float> values = tensor_floats(*tensor);
    auto& target = slot.part == Part::Bias ? biases[static_cast<std::size_t>(slot.node)]
                                           : weights[static_cast<std::size_t>(slot.node)];
    target.insert(target.end(), values.begin(), values.end());
  }
  for (const SafeTensor& tensor : file.tensors) {
    if (!expected.contains(tensor.name)) {
      throw InputError(fmt::format("{}: tensor {} is not a parameter of any node of the graph",
                                   source, tensor.name));
    }
  }
  for (int id = 0; id < graph.size(); ++id) {
    const auto i = static_cast<std::size_t>(id);
    if (!weights[i].empty()) graph.set_weights(id, std::move(weights[i]), std::move(biases[i]));
  }
}

const std::string& metadata_entry(const SafetensorsFile& file, const char* key,
                                  const std::string& source) {
  const auto found = file.metadata.find(key);
  if (found == file.metadata.end()) {
    throw InputError(
        fmt::format("{}: not a qutibench model file (no '{}' in the metadata)", source, key));
  }
  return found->second;
}

// Runs a step that throws InputError without the file name and puts the file name in front.
template <typename Step>
auto with_source(const std::string& source, Step&& step) {
  try {
    return step();
  } catch (const InputError& error) {
    throw InputError(fmt::format("{}: {}", source, error.what()));
  }
}

nlohmann::json parse_json_entry(const SafetensorsFile& file, const char* key,
                                const std::string& source) {
  return parse_json(metadata_entry(file, key, source),
                    fmt::format("{}: metadata '{}'", source, key));
}

std::string node_text(const Node& node) {
  return fmt::format("{} {} [{}, {}, {}]", to_string(node.kind), quote_value(node.name),
                     node.output.channels, node.output.height, node.output.width);
}

// The graph is the zoo's topology at the metadata's scale, apart from the quantizer nodes that
// quantization adds after activations (checked against the precision instead).
void check_topology(const ModelFile& model, const TopologyBuilder& zoo) {
  const ModelMetadata& m = model.metadata;
  const Graph expected = zoo(m.topology, m.prune);
  const std::string says =
      fmt::format("metadata says {} at scale {}", quote_value(m.topology), format_number(m.prune));
  std::vector<const Node*> layers;
  for (const Node& node : model.graph.nodes()) {
    if (node.kind != OpKind::Quantizer) layers.push_back(&node);
  }
  const std::size_t common = std::min(layers.size(), static_cast<std::size_t>(expected.size()));
  for (std::size_t i = 0; i < common; ++i) {
    const Node& got = *layers[i];
    const Node& want = expected.node(static_cast<int>(i));
    if (got.kind != want.kind || got.name != want.name || got.output != want.output) {
      throw InputError(fmt::format("{}, but layer {} is {} where that has {}", says, i,
                                   node_text(got), node_text(want)));
    }
  }
  if (layers.size() != static_cast<std::size_t>(expected.size())) {
    throw InputError(fmt::format("{}, but the graph has {} layers besides quantizers, that has {}",
                                 says, layers.size(), expected.size()));
  }
}

void check_precision(const ModelFile& model) {
  const Precision precision = parse_precision(model.metadata.precision);
  const bool float_activations = is_float(precision.activations);
  for (const Node& node : model.graph.nodes()) {
    if (node.kind != OpKind::Quantizer) continue;
    const int bits = std::get<QuantizerAttrs>(node.attrs).bits;
    if (float_activations || bits != bit_width(precision.activations)) {
      throw InputError(
          fmt::format("metadata says precision {}, but quantizer {} has {}-bit activations",
                      precision.name(), quote_value(node.name), bits));
    }
  }
}

}  // namespace

void save_model(const std::filesystem::path& path, const Graph& graph,
                const ModelMetadata& metadata) {
  for (int id = 0; id < graph.size(); ++id) {
    if (graph.weight_count(id) > 0 && graph.node(id).weights.empty()) {
      throw InputError(fmt::format("cannot save {}: node '{}' of graph '{}' has no weights",
                                   path.string(), graph.node(id).name, graph.name()));
    }
  }
  SafetensorsFile file;
  for (const TensorSlot& slot : tensor_slots(graph)) {
    file.tensors.push_back(float_tensor(slot.name, slot.shape, slot_values(graph, slot)));
  }
  file.metadata = {{kFormatKey, kFormatName},
                   {kVersionKey, kModelFormatVersion},
                   {kGraphKey, graph_to_json(graph).dump()},
                   {kMetadataKey, model_metadata_to_json(metadata).dump()}};
  write_safetensors(path, file);
}

ModelFile load_model(const std::filesystem::path& path) {
  const std::string source = path.string();
  const SafetensorsFile file = read_safetensors(path);
  if (metadata_entry(file, kFormatKey, source) != kFormatName) {
    throw InputError(fmt::format("{}: not a qutibench model file (format {})", source,
                                 quote_value(file.metadata.at(kFormatKey))));
  }
  const std::string& version = metadata_entry(file, kVersionKey, source);
  if (version != kModelFormatVersion) {
    throw InputError(
        fmt::format("{}: model format version {} is not supported (this build "
                    "reads version {})",
                    source, quote_value(version), kModelFormatVersion));
  }
  for (const auto& [key, value] : file.metadata) {
    if (key != kFormatKey && key != kVersionKey && key != kGraphKey && key != kMetadataKey) {
      throw InputError(fmt::format("{}: unknown metadata key {}", source, quote_value(key)));
    }
  }
  const nlohmann::json graph_json = parse_json_entry(file, kGraphKey, source);
  const nlohmann::json metadata_json = parse_json_entry(file, kMetadataKey, source);
  ModelFile model{with_source(source, [&] { return graph_from_json(graph_json); }),
                  with_source(source, [&] { return model_metadata_from_json(metadata_json); })};
  attach_weights(model.graph, file, source);
  return model;
}

ModelFile load_model(const std::filesystem::path& path, const TopologyBuilder& zoo) {
  ModelFile model = load_model(path);
  with_source(path.string(), [&] {
    check_topology(model, zoo);
    check_precision(model);
  });
  return model;
}

}  // namespace qtb
