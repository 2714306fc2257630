#pragma once
// Shorthands the zoo builders (and tests building blocks) share: conv/dense + batchnorm (+ ReLU).
#include <string>

#include "graph/graph.hpp"

namespace qtb::zoo_detail {

inline int conv_bn(Graph& g, int from, std::int64_t out_channels, int kernel, int stride, int pad,
                   const std::string& name, std::int64_t groups = 1) {
  return g.batch_norm(g.conv2d(from, square_conv(out_channels, kernel, stride, pad, groups), name),
                      name + "/bn");
}

inline int conv_bn_relu(Graph& g, int from, std::int64_t out_channels, int kernel, int stride,
                        int pad, const std::string& name, std::int64_t groups = 1) {
  return g.activation(conv_bn(g, from, out_channels, kernel, stride, pad, name, groups),
                      ActivationKind::ReLU, name + "/relu");
}

inline int dense_bn_relu(Graph& g, int from, std::int64_t out_features, const std::string& name) {
  const int dense = g.dense(from, DenseAttrs{out_features, false}, name);
  return g.activation(g.batch_norm(dense, name + "/bn"), ActivationKind::ReLU, name + "/relu");
}

}  // namespace qtb::zoo_detail
