#include "onnx/onnx_attributes.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace qtb {

std::string node_label(const onnx::NodeProto& node) {
  const std::string& name =
      node.name().empty() && node.output_size() > 0 ? node.output(0) : node.name();
  return fmt::format("node {} ({})", quote_value(name, 60), quote_value(node.op_type(), 30));
}

NodeAttributes::NodeAttributes(const onnx::NodeProto& node) : node_(node) {
  for (const auto& attribute : node.attribute()) {
    if (attribute.type() == onnx::AttributeProto_AttributeType_GRAPH ||
        attribute.type() == onnx::AttributeProto_AttributeType_GRAPHS || attribute.has_g() ||
        attribute.graphs_size() > 0) {
      throw InputError(fmt::format("{}: attribute {} holds a subgraph; subgraphs are not supported",
                                   node_label(node), quote_value(attribute.name(), 40)));
    }
  }
}

const onnx::AttributeProto* NodeAttributes::find(const std::string& name) const {
  for (const auto& attribute : node_.attribute())
    if (attribute.name() == name) return &attribute;
  return nullptr;
}

const onnx::AttributeProto& NodeAttributes::typed(const std::string& name,
                                                  onnx::AttributeProto_AttributeType type) const {
  const onnx::AttributeProto* attribute = find(name);
  if (attribute->type() != type) {
    throw InputError(fmt::format("{}: attribute {} is {}, not {}", node_label(node_),
                                 quote_value(name, 40),
                                 onnx::AttributeProto_AttributeType_Name(attribute->type()),
                                 onnx::AttributeProto_AttributeType_Name(type)));
  }
  return *attribute;
}

std::int64_t NodeAttributes::integer(const std::string& name, std::int64_t fallback) const {
  return has(name) ? typed(name, onnx::AttributeProto_AttributeType_INT).i() : fallback;
}

float NodeAttributes::number(const std::string& name, float fallback) const {
  return has(name) ? typed(name, onnx::AttributeProto_AttributeType_FLOAT).f() : fallback;
}

std::string NodeAttributes::text(const std::string& name, const std::string& fallback) const {
  return has(name) ? typed(name, onnx::AttributeProto_AttributeType_STRING).s() : fallback;
}

std::vector<std::int64_t> NodeAttributes::integers(const std::string& name,
                                                   std::vector<std::int64_t> fallback) const {
  if (!has(name)) return fallback;
  const auto& values = typed(name, onnx::AttributeProto_AttributeType_INTS).ints();
  return {values.begin(), values.end()};
}

const onnx::TensorProto* NodeAttributes::tensor(const std::string& name) const {
  return has(name) ? &typed(name, onnx::AttributeProto_AttributeType_TENSOR).t() : nullptr;
}

}  // namespace qtb
