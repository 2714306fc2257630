#pragma once
// Filter (channel) pruning by L1-norm sensitivity (paper Sec. 2.2.2, Fig. 2; Li et al.): in every
// hidden conv/dense layer, keep the filters with the largest sum of absolute weights and drop the
// rest, together with the matching batchnorm channels and the next layer's input channels. The
// result is a smaller dense network, to be fine-tuned.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.hpp"

namespace qtb {

struct PrunedLayer {
  std::string name;
  std::int64_t channels_before = 0;
  std::vector<std::int64_t> kept;  // original channel indices, ascending
};

struct FilterPruningResult {
  Graph graph;
  std::vector<PrunedLayer> layers;  // the pruned conv/dense layers, in graph order
};

// Prunes `trained` (with weights) to the widths of `target`, a graph of the same topology built
// for a smaller scale (same node names and kinds; only conv/dense widths differ). The classifier
// (the last conv/dense) keeps its outputs. Supported: chains of conv (groups 1), dense, batchnorm,
// activation, quantizer, pooling and flatten, as in mlp and cnv; a pruned tensor that reaches an
// add or a concat is refused (InputError), as is a width that would grow.
FilterPruningResult prune_filters_l1(const Graph& trained, const Graph& target);

// The indices of the `keep` rows of a row-major [rows x row_size] matrix with the largest L1
// norms, ascending; ties keep the lower index.
std::vector<std::int64_t> largest_l1_rows(const std::vector<float>& matrix, std::int64_t rows,
                                          std::int64_t keep);

}  // namespace qtb
