#pragma once
// Inference-time batchnorm as an affine map y = scale * x + shift per channel.
#include <vector>

#include "graph/graph.hpp"

namespace qtb {

inline constexpr float kBatchNormEpsilon = 1e-5f;

struct ChannelAffine {
  std::vector<float> scale;
  std::vector<float> shift;
};

// scale = gamma / sqrt(var + eps), shift = beta - mean * scale, from the node's weights
// (gamma, beta, mean, var). Throws InputError if the node is not a batchnorm with weights.
ChannelAffine batch_norm_affine(const Graph& graph, int id);

}  // namespace qtb
