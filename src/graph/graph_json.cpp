#include "graph/graph_json.hpp"

#include <fmt/format.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "core/error.hpp"
#include "core/text.hpp"
#include "graph/graph_copy.hpp"
#include "graph/strict_json.hpp"

namespace qtb {
namespace {

constexpr int kIntMax = std::numeric_limits<int>::max();
// Largest size of one dimension, channel or feature count accepted: far beyond any real network,
// and small enough that products of three never overflow the shape arithmetic.
constexpr std::int64_t kMaxDimension = std::int64_t{1} << 20;

nlohmann::json shape_json(const Shape& shape) {
  return nlohmann::json::array({shape.channels, shape.height, shape.width});
}

// The quantizer scale must come back as the same float. The shortest decimal that reads back as
// this float is stored when it survives the trip through double (nlohmann reads numbers as
// double); otherwise the float's exact value as a double, which always does.
double scale_json(float scale) {
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, scale);
  double shortest = 0.0;
  if (error == std::errc{} && std::from_chars(text, end, shortest).ec == std::errc{} &&
      std::abs(shortest) <= std::numeric_limits<float>::max() &&
      std::bit_cast<std::uint32_t>(static_cast<float>(shortest)) ==
          std::bit_cast<std::uint32_t>(scale)) {
    return shortest;
  }
  return static_cast<double>(scale);
}

nlohmann::json attrs_json(const Node& node) {
  nlohmann::json attrs = nlohmann::json::object();
  switch (node.kind) {
    case OpKind::Input:
      attrs["shape"] = shape_json(std::get<InputAttrs>(node.attrs).shape);
      break;
    case OpKind::Conv2d: {
      const auto& a = std::get<Conv2dAttrs>(node.attrs);
      attrs["out_channels"] = a.out_channels;
      attrs["kernel"] = {a.kernel_h, a.kernel_w};
      attrs["stride"] = {a.stride_h, a.stride_w};
      attrs["pad"] = {a.pad_h, a.pad_w};
      attrs["groups"] = a.groups;
      attrs["bias"] = a.bias;
      break;
    }
    case OpKind::Dense: {
      const auto& a = std::get<DenseAttrs>(node.attrs);
      attrs["out_features"] = a.out_features;
      attrs["bias"] = a.bias;
      break;
    }
    case OpKind::MaxPool:
    case OpKind::AvgPool: {
      const auto& a = std::get<PoolAttrs>(node.attrs);
      attrs["kernel"] = a.kernel;
      attrs["stride"] = a.stride;
      attrs["pad"] = a.pad;
      attrs["ceil_mode"] = a.ceil_mode;
      break;
    }
    case OpKind::Activation:
      attrs["function"] = std::string(to_string(std::get<ActivationAttrs>(node.attrs).kind));
      break;
    case OpKind::Quantizer: {
      const auto& a = std::get<QuantizerAttrs>(node.attrs);
      attrs["bits"] = a.bits;
      attrs["signed"] = a.is_signed;
      attrs["scale"] = scale_json(a.scale);
      break;
    }
    case OpKind::GlobalAvgPool:
    case OpKind::BatchNorm:
    case OpKind::Add:
    case OpKind::Concat:
    case OpKind::Flatten:
    case OpKind::Softmax:
      break;
  }
  return attrs;
}

// Reads one node's JSON and appends it to the graph under construction.
class NodeReader {
 public:
  NodeReader(Graph& graph, std::map<std::string, int>& ids, const nlohmann::json& json, int index)
      : graph_(graph),
        ids_(ids),
        node_(json, fmt::format("graph JSON, node {}", index)),
        name_(node_.string("name")),
        context_(named_context(node_, index, name_)),
        attrs_(node_.object("attrs"), context_ + " attrs") {}

  void read() {
    if (name_.empty()) fail("has an empty name");
    const OpKind kind = parse_kind(node_.string("kind"));
    const std::vector<int> inputs = read_inputs(kind);
    const int id = append(kind, inputs);
    attrs_.finish();
    check_result(id);
    node_.finish();
  }

 private:
  // Errors after the name is read say which node by index and name.
  static std::string named_context(StrictJsonObject& node, int index, const std::string& name) {
    node.set_context(fmt::format("graph JSON, node {} {}", index, quote_value(name)));
    return node.context();
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw InputError(fmt::format("{}: {}", context_, message));
  }

  OpKind parse_kind(const std::string& text) const {
    for (OpKind kind : kAllOpKinds) {
      if (to_string(kind) == text) return kind;
    }
    fail(fmt::format("unknown kind {}", quote_value(text)));
  }

  std::vector<int> read_inputs(OpKind kind) {
    const nlohmann::json& list = node_.any("inputs");
    if (!list.is_array()) fail("'inputs' must be an array of node names");
    std::vector<int> inputs;
    for (const auto& input : list) {
      if (!input.is_string()) {
        fail("'inputs' must be an array of node names, got " + quote_value(input.dump()));
      }
      const auto found = ids_.find(input.get<std::string>());
      if (found == ids_.end()) {
        fail(fmt::format("input {} is not an earlier node", quote_value(input.get<std::string>())));
      }
      inputs.push_back(found->second);
    }
    const std::size_t want = kind == OpKind::Input ? 0 : 1;
    const bool variadic = kind == OpKind::Add || kind == OpKind::Concat;
    if (!variadic && inputs.size() != want) {
      fail(
          fmt::format("a {} node takes {} input(s), got {}", to_string(kind), want, inputs.size()));
    }
    return inputs;
  }

  int integer(const std::string& key, std::int64_t min = 0) {
    return static_cast<int>(attrs_.integer(key, min, kIntMax));
  }

  // A pair [height, width] of non-negative ints.
  std::pair<int, int> pair(const std::string& key) {
    const nlohmann::json& value = attrs_.array(key);
    if (value.size() != 2) attrs_.fail(key, "must be [height, width]");
    const std::string what = fmt::format("{}: '{}'", attrs_.context(), key);
    return {static_cast<int>(json_array_integer(value[0], 0, kIntMax, what)),
            static_cast<int>(json_array_integer(value[1], 0, kIntMax, what))};
  }

  Shape shape(const nlohmann::json& value, const std::string& what, std::int64_t max) const {
    if (!value.is_array() || value.size() != 3) {
      fail(fmt::format("{} must be [channels, height, width], got {}", what,
                       quote_value(value.dump())));
    }
    const std::string where = fmt::format("{}: {}", context_, what);
    return {json_array_integer(value[0], 0, max, where),
            json_array_integer(value[1], 0, max, where),
            json_array_integer(value[2], 0, max, where)};
  }

  ActivationKind activation_kind() {
    const std::string text = attrs_.string("function");
    for (ActivationKind kind : kAllActivationKinds) {
      if (to_string(kind) == text) return kind;
    }
    attrs_.fail("function", fmt::format("{} is not relu, hardtanh or relu6", quote_value(text)));
  }

  QuantizerAttrs quantizer_attrs() {
    QuantizerAttrs a;
    a.bits = integer("bits");
    a.is_signed = attrs_.boolean("signed");
    const double scale = attrs_.number("scale");
    // Checked before the cast: a double beyond float's range (up to the halfway point above
    // FLT_MAX, which still rounds to it) has no float to convert to.
    if (!(std::abs(scale) < 0x1.ffffffp+127)) {
      attrs_.fail("scale", "is not a finite float");
    }
    a.scale = static_cast<float>(scale);
    return a;
  }

  // The node's attributes from the JSON; the builders (through append_like) check the rest.
  NodeAttrs read_attrs(OpKind kind) {
    switch (kind) {
      case OpKind::Input:
        return InputAttrs{shape(attrs_.any("shape"), "'shape'", kMaxDimension)};
      case OpKind::Conv2d: {
        Conv2dAttrs a;
        a.out_channels = attrs_.integer("out_channels", 0, kMaxDimension);
        std::tie(a.kernel_h, a.kernel_w) = pair("kernel");
        std::tie(a.stride_h, a.stride_w) = pair("stride");
        std::tie(a.pad_h, a.pad_w) = pair("pad");
        a.groups = attrs_.integer("groups", 0, kMaxDimension);
        a.bias = attrs_.boolean("bias");
        return a;
      }
      case OpKind::Dense:
        return DenseAttrs{attrs_.integer("out_features", 0, kMaxDimension), attrs_.boolean("bias")};
      case OpKind::MaxPool:
      case OpKind::AvgPool: {
        PoolAttrs a;
        a.kernel = integer("kernel");
        a.stride = integer("stride");
        a.pad = integer("pad");
        a.ceil_mode = attrs_.boolean("ceil_mode");
        return a;
      }
      case OpKind::Activation:
        return ActivationAttrs{activation_kind()};
      case OpKind::Quantizer:
        return quantizer_attrs();
      default:
        return NoAttrs{};
    }
  }

  int append(OpKind kind, const std::vector<int>& inputs) {
    Node like;
    like.name = name_;
    like.kind = kind;
    like.attrs = read_attrs(kind);
    return append_like(graph_, like, inputs);
  }

  // The builder must have kept the name, and the shape it inferred must be the stored one: a
  // file whose shapes disagree was edited by hand or written by a different rule.
  void check_result(int id) {
    const Node& built = graph_.node(id);
    if (built.name != name_) fail(fmt::format("the graph named it {}", quote_value(built.name)));
    const Shape stored =
        shape(node_.any("output"), "'output'", std::numeric_limits<std::int64_t>::max());
    if (stored != built.output) {
      fail(fmt::format("stored output [{}, {}, {}] differs from the inferred [{}, {}, {}]",
                       stored.channels, stored.height, stored.width, built.output.channels,
                       built.output.height, built.output.width));
    }
    ids_.emplace(name_, id);
  }

  Graph& graph_;
  std::map<std::string, int>& ids_;
  StrictJsonObject node_;
  std::string name_;
  std::string context_;
  StrictJsonObject attrs_;
};

}  // namespace

nlohmann::json graph_to_json(const Graph& graph) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const Node& node : graph.nodes()) {
    nlohmann::json inputs = nlohmann::json::array();
    for (int input : node.inputs) inputs.push_back(graph.node(input).name);
    nodes.push_back({{"name", node.name},
                     {"kind", std::string(to_string(node.kind))},
                     {"inputs", inputs},
                     {"attrs", attrs_json(node)},
                     {"output", shape_json(node.output)}});
  }
  return {{"name", graph.name()}, {"nodes", nodes}};
}

Graph graph_from_json(const nlohmann::json& json) {
  StrictJsonObject top(json, "graph JSON");
  Graph graph(top.string("name"));
  const nlohmann::json& nodes = top.array("nodes");
  top.finish();
  if (nodes.empty()) throw InputError("graph JSON: 'nodes' is empty");
  std::map<std::string, int> ids;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    NodeReader(graph, ids, nodes[i], static_cast<int>(i)).read();
  }
  return graph;
}

}  // namespace qtb
