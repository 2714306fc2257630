#include "onnx/onnx_converter.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "onnx/onnx_file.hpp"

namespace qtb {
namespace {

std::vector<std::int64_t> onnx_dims(const Shape& shape, int rank) {
  if (rank == 2) return {shape.elements()};
  return {shape.channels, shape.height, shape.width};
}

}  // namespace

OnnxConverter::OnnxConverter(const onnx::ModelProto& model, std::filesystem::path model_dir,
                             std::string graph_name)
    : model_(model),
      onnx_graph_(model.graph()),
      model_dir_(std::move(model_dir)),
      opset_(onnx_opset(model)),
      graph_(std::move(graph_name)) {}

Graph OnnxConverter::convert() {
  for (const auto& info : onnx_graph_.value_info()) stated_types_[info.name()] = &info.type();
  for (const auto& info : onnx_graph_.output()) stated_types_[info.name()] = &info.type();
  for (int i = 0; i < onnx_graph_.node_size(); ++i) {
    for (const std::string& input : onnx_graph_.node(i).input()) consumers_[input].push_back(i);
  }
  for (const auto& output : onnx_graph_.output()) consumers_[output.name()].push_back(-1);
  collect_constants();
  add_input();
  for (int i = 0; i < onnx_graph_.node_size(); ++i) convert_node(i);
  check_output();
  return std::move(graph_);
}

void OnnxConverter::collect_constants() {
  for (const auto& initializer : onnx_graph_.initializer()) {
    values_[initializer.name()] = decode_tensor(initializer, model_dir_);
  }
  // Constant nodes have no inputs: their values are known before the walk, wherever they stand.
  for (const auto& node : onnx_graph_.node()) {
    if (node.op_type() != "Constant" || !(node.domain().empty() || node.domain() == "ai.onnx")) {
      continue;
    }
    const NodeAttributes attributes(node);
    ConstantTensor tensor;
    if (const onnx::TensorProto* value = attributes.tensor("value")) {
      tensor = decode_tensor(*value, model_dir_);
    } else if (attributes.has("value_float")) {
      tensor.floats = {attributes.number("value_float", 0)};
    } else if (attributes.has("value_int")) {
      tensor.is_integer = true;
      tensor.integers = {attributes.integer("value_int", 0)};
    } else if (attributes.has("value_ints")) {
      tensor.is_integer = true;
      tensor.integers = attributes.integers("value_ints", {});
      tensor.dims = {static_cast<std::int64_t>(tensor.integers.size())};
    } else {
      fail(node, "only a tensor, value_float, value_int or value_ints Constant is supported");
    }
    if (node.output_size() != 1) fail(node, "a Constant has one output");
    values_[node.output(0)] = std::move(tensor);
  }
}

void OnnxConverter::add_input() {
  std::vector<const onnx::ValueInfoProto*> inputs;
  for (const auto& input : onnx_graph_.input()) {
    if (!values_.contains(input.name())) inputs.push_back(&input);
  }
  if (inputs.size() != 1) {
    throw InputError(
        fmt::format("the graph has {} inputs besides its initializers; one is "
                    "supported",
                    inputs.size()));
  }
  const onnx::ValueInfoProto& input = *inputs.front();
  const std::string where = fmt::format("input {}", quote_value(input.name(), 60));
  if (!input.type().has_tensor_type() ||
      input.type().tensor_type().elem_type() != onnx::TensorProto_DataType_FLOAT) {
    throw InputError(where + ": only a FLOAT tensor input is supported");
  }
  const auto& dims = input.type().tensor_type().shape().dim();
  std::vector<std::int64_t> sizes;
  for (int d = 1; d < dims.size(); ++d) {
    if (!dims[d].has_dim_value() || dims[d].dim_value() <= 0 ||
        dims[d].dim_value() > (std::int64_t{1} << 24)) {
      throw InputError(where + ": every dimension but the batch must be a positive size");
    }
    sizes.push_back(dims[d].dim_value());
  }
  Shape shape;
  if (sizes.size() == 3) {
    shape = {sizes[0], sizes[1], sizes[2]};
  } else if (sizes.size() == 1) {
    shape = {sizes[0], 1, 1};
  } else {
    throw InputError(where + ": the input must be N x C x H x W or N x features");
  }
  used_names_.insert(input.name());
  const int id = graph_.input(shape, input.name());
  values_[input.name()] = Activation{id, sizes.size() == 3 ? 4 : 2};
}

void OnnxConverter::convert_node(int index) {
  const onnx::NodeProto& node = onnx_graph_.node(index);
  if (!(node.domain().empty() || node.domain() == "ai.onnx")) {
    fail(node, fmt::format("domain {} is not supported; supported ops: {}",
                           quote_value(node.domain(), 40), kSupportedOnnxOps));
  }
  const NodeAttributes attributes(node);  // refuses subgraphs
  if (node.output_size() < 1 || node.output(0).empty()) fail(node, "the node has no output");
  const std::string& op = node.op_type();
  if (absorbed_.contains(index)) {
    for (int i = 0; i < node.input_size(); ++i) {
      if (std::holds_alternative<Activation>(value(node, i))) define(node, value(node, i));
    }
    return;
  }
  if (op == "Constant") return;  // collected before the walk
  if (op == "Conv") {
    conv(node);
  } else if (op == "Gemm") {
    gemm(node);
  } else if (op == "MatMul") {
    mat_mul(node);
  } else if (op == "BatchNormalization") {
    batch_normalization(node);
  } else if (op == "Relu") {
    define(node, Activation{graph_.activation(activation(node, 0).node, ActivationKind::ReLU,
                                              node_name(node)),
                            activation(node, 0).rank});
  } else if (op == "Clip") {
    clip(node);
  } else if (op == "MaxPool" || op == "AveragePool") {
    pool(node, op == "AveragePool");
  } else if (op == "GlobalAveragePool") {
    const Activation in = activation(node, 0);
    if (in.rank != 4) fail(node, "GlobalAveragePool needs an N x C x H x W input");
    define(node, Activation{graph_.global_avg_pool(in.node, node_name(node)), 4});
  } else if (op == "Add") {
    add(node);
  } else if (op == "Concat") {
    concat(node);
  } else if (op == "Flatten") {
    flatten(node);
  } else if (op == "Reshape") {
    reshape(node);
  } else if (op == "Softmax") {
    softmax(node);
  } else if (op == "Pad") {
    pad(node);
  } else if (op == "Dropout" || op == "Identity") {
    pass_through(node);
  } else {
    fail(node, fmt::format("op {} is not supported; supported ops: {}", quote_value(op, 40),
                           kSupportedOnnxOps));
  }
}

void OnnxConverter::check_output() {
  if (onnx_graph_.output_size() != 1) {
    throw InputError(
        fmt::format("the graph has {} outputs; one is supported", onnx_graph_.output_size()));
  }
  const std::string& name = onnx_graph_.output(0).name();
  const auto it = values_.find(name);
  if (it == values_.end() || !std::holds_alternative<Activation>(it->second)) {
    throw InputError(
        fmt::format("output {} is not computed by the graph's nodes", quote_value(name, 60)));
  }
  if (std::get<Activation>(it->second).node != graph_.size() - 1) {
    throw InputError(
        fmt::format("output {} is not the last node computed (nodes whose results "
                    "are never used are not supported)",
                    quote_value(name, 60)));
  }
}

void OnnxConverter::check_stated_shape(const std::string& tensor, const Activation& value) const {
  const auto it = stated_types_.find(tensor);
  if (it == stated_types_.end() || !it->second->has_tensor_type() ||
      !it->second->tensor_type().has_shape()) {
    return;
  }
  const auto& dims = it->second->tensor_type().shape().dim();
  const std::vector<std::int64_t> ours = onnx_dims(graph_.shape(value.node), value.rank);
  std::vector<std::string> stated{"N"};
  bool agrees = dims.size() == static_cast<int>(ours.size()) + 1;
  for (int d = 1; d < dims.size(); ++d) {
    stated.push_back(dims[d].has_dim_value() ? std::to_string(dims[d].dim_value()) : "?");
    if (agrees && dims[d].has_dim_value() &&
        dims[d].dim_value() != ours[static_cast<std::size_t>(d - 1)]) {
      agrees = false;
    }
  }
  if (!agrees) {
    std::string computed = "N";
    for (std::int64_t d : ours) computed += fmt::format(" x {}", d);
    std::string file = stated.front();
    for (std::size_t i = 1; i < stated.size(); ++i) file += " x " + stated[i];
    throw InputError(fmt::format("tensor {}: the file states shape {}, the graph computes {}",
                                 quote_value(tensor, 60), file, computed));
  }
}

const OnnxConverter::Value& OnnxConverter::value(const onnx::NodeProto& node, int input) const {
  if (input >= node.input_size() || node.input(input).empty()) {
    fail(node, fmt::format("input {} is missing", input));
  }
  const auto it = values_.find(node.input(input));
  if (it == values_.end()) {
    fail(node, fmt::format("input {} is not produced by an earlier node (an unknown tensor or a "
                           "cycle)",
                           quote_value(node.input(input), 60)));
  }
  return it->second;
}

OnnxConverter::Activation OnnxConverter::activation(const onnx::NodeProto& node, int input) const {
  const Value& v = value(node, input);
  if (const auto* pending = std::get_if<PendingPad>(&v)) {
    fail(node, fmt::format("its input comes from Pad {}, which folds only into a Conv or "
                           "AveragePool",
                           quote_value(pending->pad_node, 60)));
  }
  if (!std::holds_alternative<Activation>(v)) {
    fail(node, fmt::format("input {} is a constant; a computed tensor is needed",
                           quote_value(node.input(input), 60)));
  }
  return std::get<Activation>(v);
}

const ConstantTensor& OnnxConverter::constant(const onnx::NodeProto& node, int input) const {
  const Value& v = value(node, input);
  if (!std::holds_alternative<ConstantTensor>(v)) {
    fail(node, fmt::format("input {} must be a constant (an initializer or a Constant node)",
                           quote_value(node.input(input), 60)));
  }
  return std::get<ConstantTensor>(v);
}

const ConstantTensor* OnnxConverter::optional_constant(const onnx::NodeProto& node,
                                                       int input) const {
  if (input >= node.input_size() || node.input(input).empty()) return nullptr;
  return &constant(node, input);
}

void OnnxConverter::define(const onnx::NodeProto& node, Value v) {
  if (const auto* computed = std::get_if<Activation>(&v))
    check_stated_shape(node.output(0), *computed);
  values_[node.output(0)] = std::move(v);
}

std::string OnnxConverter::node_name(const onnx::NodeProto& node) {
  std::string name = node.name().empty() ? node.output(0) : node.name();
  if (used_names_.contains(name)) name = node.output(0);
  for (int suffix = 2; used_names_.contains(name); ++suffix) {
    name = fmt::format("{}#{}", node.output(0), suffix);
  }
  used_names_.insert(name);
  return name;
}

void OnnxConverter::fail(const onnx::NodeProto& node, const std::string& message) const {
  throw InputError(fmt::format("{}: {}", node_label(node), message));
}

void OnnxConverter::check_extra_outputs_unused(const onnx::NodeProto& node) const {
  for (int i = 1; i < node.output_size(); ++i) {
    if (!node.output(i).empty() && consumers_.contains(node.output(i))) {
      fail(node, fmt::format("output {} is used; only the first output is supported",
                             quote_value(node.output(i), 60)));
    }
  }
}

}  // namespace qtb
