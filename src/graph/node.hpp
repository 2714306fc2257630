#pragma once
// Nodes of the network IR. Attributes are plain structs; a node's output shape is inferred when the
// node is added to a Graph, so a Graph is always shape-consistent.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "graph/shape.hpp"

namespace qtb {

enum class OpKind {
  Input,
  Conv2d,
  Dense,
  MaxPool,
  AvgPool,
  GlobalAvgPool,
  BatchNorm,
  Activation,
  Quantizer,
  Add,
  Concat,
  Flatten,
  Softmax,
};

std::string_view to_string(OpKind kind);

inline constexpr OpKind kAllOpKinds[] = {
    OpKind::Input,     OpKind::Conv2d,        OpKind::Dense,     OpKind::MaxPool,
    OpKind::AvgPool,   OpKind::GlobalAvgPool, OpKind::BatchNorm, OpKind::Activation,
    OpKind::Quantizer, OpKind::Add,           OpKind::Concat,    OpKind::Flatten,
    OpKind::Softmax};

struct InputAttrs {
  Shape shape;
};

struct Conv2dAttrs {
  std::int64_t out_channels = 0;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int pad_h = 0, pad_w = 0;
  std::int64_t groups = 1;  // groups == in_channels == out_channels is depthwise
  bool bias = false;
};

// A conv with a square kernel and equal strides and padding in both directions.
inline Conv2dAttrs square_conv(std::int64_t out_channels, int kernel, int stride = 1, int pad = 0,
                               std::int64_t groups = 1) {
  Conv2dAttrs attrs;
  attrs.out_channels = out_channels;
  attrs.kernel_h = attrs.kernel_w = kernel;
  attrs.stride_h = attrs.stride_w = stride;
  attrs.pad_h = attrs.pad_w = pad;
  attrs.groups = groups;
  return attrs;
}

struct DenseAttrs {
  std::int64_t out_features = 0;
  bool bias = false;
};

struct PoolAttrs {
  int kernel = 2;
  int stride = 2;
  int pad = 0;
  bool ceil_mode = false;  // Caffe rounds output sizes up (GoogLeNet, ResNet-50 as released)
};

// ReLU6 (clamp to [0, 6]) is MobileNetV2's activation; ONNX writes it as Clip(0, 6).
enum class ActivationKind { ReLU, HardTanh, ReLU6 };
inline constexpr ActivationKind kAllActivationKinds[] = {
    ActivationKind::ReLU, ActivationKind::HardTanh, ActivationKind::ReLU6};
std::string_view to_string(ActivationKind kind);

// The range an activation clamps to (ReLU's upper bound is +infinity).
struct ActivationBounds {
  float low = 0.0f;
  float high = 0.0f;
};
ActivationBounds activation_bounds(ActivationKind kind);

struct ActivationAttrs {
  ActivationKind kind = ActivationKind::ReLU;
};

struct QuantizerAttrs {
  int bits = 8;
  bool is_signed = true;
  float scale = 1.0f;
};

struct NoAttrs {};

using NodeAttrs = std::variant<NoAttrs, InputAttrs, Conv2dAttrs, DenseAttrs, PoolAttrs,
                               ActivationAttrs, QuantizerAttrs>;

struct Node {
  std::string name;
  OpKind kind = OpKind::Input;
  std::vector<int> inputs;  // indices of earlier nodes
  NodeAttrs attrs;
  Shape output;
  // Trained parameters; empty when absent (the L0 cost model needs only shapes). When present,
  // their sizes match weight_count()/bias_count() (checked by Graph::set_weights).
  std::vector<float> weights;
  std::vector<float> bias;
};

}  // namespace qtb
