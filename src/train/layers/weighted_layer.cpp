#include "train/layers/weighted_layer.hpp"

#include "train/quantizers.hpp"

namespace qtb::train_detail {

WeightedLayer::WeightedLayer(int node, std::int64_t out_channels, int weight_bits,
                             std::vector<float> weights, std::vector<float> bias)
    : Layer(node),
      out_channels_(out_channels),
      weight_bits_(weight_bits),
      weights_(std::move(weights)),
      weight_grads_(weights_.size()),
      bias_(std::move(bias)),
      bias_grads_(bias_.size()) {
  if (weight_bits_ > 0) quantized_.resize(weights_.size());
  WeightedLayer::parameters_changed();
}

void WeightedLayer::parameters_changed() {
  if (weight_bits_ > 0) quantize_weights(weight_bits_, weights_, out_channels_, quantized_);
}

std::vector<Parameter> WeightedLayer::parameters() {
  std::vector<Parameter> p{{weights_, weight_grads_, true}};
  if (!bias_.empty()) p.push_back({bias_, bias_grads_, false});
  return p;
}

void WeightedLayer::store(Graph& graph) const {
  graph.set_weights(node(), weights_, bias_);
}

}  // namespace qtb::train_detail
