#pragma once
// Batch normalization per channel, over N (flat inputs) or N x H x W (feature maps).
// Training mode normalizes with the batch's mean and (biased) variance and updates the running
// statistics with momentum 0.1 (unbiased variance, as PyTorch does); eval mode applies the affine
// map of graph/batch_norm.hpp from the running statistics, in the same float arithmetic as
// lower() folds it. The epsilon is the graph's kBatchNormEpsilon in both modes.
#include "train/layers/layer.hpp"

namespace qtb::train_detail {

class BatchNormLayer : public Layer {
 public:
  // weights: gamma, beta, mean, variance (4 x channels), as stored in the Graph.
  BatchNormLayer(int node, std::int64_t channels, std::vector<float> weights);

  void forward(const Tensor& in, Tensor& out, Mode mode) override;
  void backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                Tensor* grad_in) override;
  std::vector<Parameter> parameters() override;
  void store(Graph& graph) const override;

  static constexpr float kMomentum = 0.1f;

 private:
  std::int64_t channels_;
  std::vector<float> affine_, affine_grads_;  // gamma then beta
  std::vector<float> running_mean_, running_var_;
  std::vector<float> batch_mean_, batch_inv_std_;  // of the last training forward
  // Scratch: per-channel affine map or backward factors, sums, and per-value buffers.
  std::vector<float> scale_, shift_, mean_gx_;
  std::vector<double> sums_;
  std::vector<float> xhat_, products_;
};

}  // namespace qtb::train_detail
