#include "graph/node.hpp"

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
  }
  return "?";
}

}  // namespace qtb
