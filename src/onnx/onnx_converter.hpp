#pragma once
// The conversion of one parsed ONNX graph to a Graph (the frame in onnx_converter.cpp, one method
// per operator in onnx_operators.cpp). Internal to onnx_import.cpp.
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <onnx/onnx_pb.h>

#include "graph/graph.hpp"
#include "onnx/onnx_attributes.hpp"
#include "onnx/onnx_tensor.hpp"

namespace qtb {

class OnnxConverter {
 public:
  OnnxConverter(const onnx::ModelProto& model, std::filesystem::path model_dir,
                std::string graph_name);
  Graph convert();

 private:
  // A tensor computed by a node of our graph, and its rank as ONNX sees it: 4 (N x C x H x W) or
  // 2 (N x features).
  struct Activation {
    int node = -1;
    int rank = 4;
  };
  // The output of a zero Pad, waiting for the Conv or AveragePool it folds into.
  struct PendingPad {
    Activation source;
    int pad_h = 0, pad_w = 0;
    std::string pad_node;
  };
  using Value = std::variant<Activation, ConstantTensor, PendingPad>;

  void add_input();
  void collect_constants();
  void convert_node(int index);
  void check_output();
  void check_stated_shape(const std::string& tensor, const Activation& value) const;

  // Inputs of `node`: an activation (Pad folding refused), a constant, or an optional constant.
  Activation activation(const onnx::NodeProto& node, int input) const;
  const ConstantTensor& constant(const onnx::NodeProto& node, int input) const;
  const ConstantTensor* optional_constant(const onnx::NodeProto& node, int input) const;
  const Value& value(const onnx::NodeProto& node, int input) const;
  void define(const onnx::NodeProto& node, Value value);
  std::string node_name(const onnx::NodeProto& node);
  [[noreturn]] void fail(const onnx::NodeProto& node, const std::string& message) const;
  // Only output 0 of a node may be consumed (MaxPool's indices, Dropout's mask are not computed).
  void check_extra_outputs_unused(const onnx::NodeProto& node) const;

  // Operators (onnx_operators.cpp).
  void conv(const onnx::NodeProto& node);
  void gemm(const onnx::NodeProto& node);
  void mat_mul(const onnx::NodeProto& node);
  void dense(const onnx::NodeProto& node, const Activation& in, std::vector<float> weights_kn,
             bool transposed, const ConstantTensor* bias);
  void batch_normalization(const onnx::NodeProto& node);
  void clip(const onnx::NodeProto& node);
  void pool(const onnx::NodeProto& node, bool average);
  void add(const onnx::NodeProto& node);
  void concat(const onnx::NodeProto& node);
  void flatten(const onnx::NodeProto& node);
  void reshape(const onnx::NodeProto& node);
  void softmax(const onnx::NodeProto& node);
  void pad(const onnx::NodeProto& node);
  void pass_through(const onnx::NodeProto& node);
  // The constant bias a following Add holds for a bias-less Gemm/MatMul output, marking that Add
  // as absorbed; nullptr when there is none.
  const ConstantTensor* absorbed_bias(const onnx::NodeProto& node, std::int64_t features);

  const onnx::ModelProto& model_;
  const onnx::GraphProto& onnx_graph_;
  std::filesystem::path model_dir_;
  std::int64_t opset_;
  Graph graph_;
  std::map<std::string, Value> values_;
  std::map<std::string, std::vector<int>> consumers_;  // tensor -> nodes reading it
  std::map<std::string, const onnx::TypeProto*> stated_types_;
  std::set<int> absorbed_;  // Add nodes folded into the bias of the dense before them
  std::set<std::string> used_names_;
};

// The operators the importer converts, for messages and docs/onnx.md.
inline constexpr const char* kSupportedOnnxOps =
    "Conv, Gemm, MatMul, BatchNormalization, Relu, Clip (ReLU, ReLU6, HardTanh), MaxPool, "
    "AveragePool, GlobalAveragePool, Add, Concat, Flatten, Reshape (to 2-D), Softmax, Dropout, "
    "Identity, Pad (zero, before Conv or AveragePool), Constant";

}  // namespace qtb
