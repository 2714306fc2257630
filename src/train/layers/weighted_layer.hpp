#pragma once
// What dense and conv layers share: float master weights (out x per-output, as in the Graph),
// their fake-quantized copy for QAT (per output channel, as lower() quantizes them), an optional
// bias, their gradients, and writing them back to the graph.
#include <vector>

#include "train/layers/layer.hpp"

namespace qtb::train_detail {

class WeightedLayer : public Layer {
 public:
  // weight_bits 0 = float weights.
  WeightedLayer(int node, std::int64_t out_channels, int weight_bits, std::vector<float> weights,
                std::vector<float> bias);

  std::vector<Parameter> parameters() override;
  void parameters_changed() override;
  void store(Graph& graph) const override;

 protected:
  // The weights the forward and backward use: quantized under QAT, else the masters.
  const float* effective() const { return weight_bits_ > 0 ? quantized_.data() : weights_.data(); }

  std::int64_t out_channels_;
  int weight_bits_;
  std::vector<float> weights_, quantized_, weight_grads_;
  std::vector<float> bias_, bias_grads_;
};

}  // namespace qtb::train_detail
