#include "graph/batch_norm.hpp"

#include <cmath>

#include "core/error.hpp"

namespace qtb {

ChannelAffine batch_norm_affine(const Graph& graph, int id) {
  const Node& node = graph.node(id);
  if (node.kind != OpKind::BatchNorm || node.weights.empty()) {
    throw InputError("node '" + node.name + "' is not a batchnorm with weights");
  }
  const auto channels = static_cast<std::size_t>(node.output.channels);
  ChannelAffine affine{std::vector<float>(channels), std::vector<float>(channels)};
  for (std::size_t c = 0; c < channels; ++c) {
    const float gamma = node.weights[c];
    const float beta = node.weights[channels + c];
    const float mean = node.weights[2 * channels + c];
    const float variance = node.weights[3 * channels + c];
    affine.scale[c] = gamma / std::sqrt(variance + kBatchNormEpsilon);
    affine.shift[c] = beta - mean * affine.scale[c];
  }
  return affine;
}

}  // namespace qtb
