#pragma once
// Typed access to one ONNX node's attributes, with the defaults of the operator's specification.
// A wrong attribute type and a subgraph attribute (If, Loop, Scan bodies) are InputErrors.
#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace qtb {

class NodeAttributes {
 public:
  explicit NodeAttributes(const onnx::NodeProto& node);

  bool has(const std::string& name) const { return find(name) != nullptr; }
  std::int64_t integer(const std::string& name, std::int64_t fallback) const;
  float number(const std::string& name, float fallback) const;
  std::string text(const std::string& name, const std::string& fallback) const;
  std::vector<std::int64_t> integers(const std::string& name,
                                     std::vector<std::int64_t> fallback) const;
  const onnx::TensorProto* tensor(const std::string& name) const;

 private:
  const onnx::AttributeProto* find(const std::string& name) const;
  const onnx::AttributeProto& typed(const std::string& name,
                                    onnx::AttributeProto_AttributeType type) const;

  const onnx::NodeProto& node_;
};

// "node '<name>' (<op>)", how messages name a node.
std::string node_label(const onnx::NodeProto& node);

}  // namespace qtb
