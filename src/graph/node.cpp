#include "graph/node.hpp"

#include <limits>

namespace qtb {

std::string_view to_string(OpKind kind) {
  switch (kind) {
    case OpKind::Input:
      return "input";
    case OpKind::Conv2d:
      return "conv2d";
    case OpKind::Dense:
      return "dense";
    case OpKind::MaxPool:
      return "maxpool";
    case OpKind::AvgPool:
      return "avgpool";
    case OpKind::GlobalAvgPool:
      return "global_avgpool";
    case OpKind::BatchNorm:
      return "batchnorm";
    case OpKind::Activation:
      return "activation";
    case OpKind::Quantizer:
      return "quantizer";
    case OpKind::Add:
      return "add";
    case OpKind::Concat:
      return "concat";
    case OpKind::Flatten:
      return "flatten";
    case OpKind::Softmax:
      return "softmax";
  }
  return "?";
}

std::string_view to_string(ActivationKind kind) {
  switch (kind) {
    case ActivationKind::ReLU:
      return "relu";
    case ActivationKind::HardTanh:
      return "hardtanh";
    case ActivationKind::ReLU6:
      return "relu6";
  }
  return "?";
}

ActivationBounds activation_bounds(ActivationKind kind) {
  switch (kind) {
    case ActivationKind::ReLU:
      return {0.0f, std::numeric_limits<float>::infinity()};
    case ActivationKind::HardTanh:
      return {-1.0f, 1.0f};
    case ActivationKind::ReLU6:
      return {0.0f, 6.0f};
  }
  return {};
}

}  // namespace qtb
