#pragma once
// The L0 cost model of a variant: per layer and in total, MACs, ops (2 x MACs of conv and dense
// layers; every other layer's elementwise work is counted apart as other_ops), parameters (conv and
// dense weights; biases and batchnorm are not counted, as in the paper), bytes, and operational
// intensity under a storage model.
#include <cstdint>
#include <string>
#include <vector>

#include "core/precision.hpp"
#include "cost/storage_model.hpp"
#include "graph/graph.hpp"

namespace qtb {

struct LayerCost {
  std::string name;
  OpKind kind = OpKind::Input;
  Shape output;
  std::int64_t macs = 0;
  std::int64_t ops = 0;        // 2 x macs
  std::int64_t other_ops = 0;  // comparisons, additions, scalings of non-MAC layers and biases
  std::int64_t params = 0;
  double weight_bytes = 0;  // params at the precision's weight width
  // Activation traffic if this layer ran alone from DRAM: its inputs read plus its output written,
  // at the activation width. Zero for nodes a real engine fuses into their producer (batchnorm,
  // activation, quantizer) or that only relabel memory (input, flatten, concat).
  double activation_bytes = 0;
};

struct NetworkCost {
  std::string topology;
  Precision precision;
  StorageModel storage;
  std::vector<LayerCost> layers;
  std::int64_t macs = 0;
  std::int64_t ops = 0;
  std::int64_t other_ops = 0;
  std::int64_t params = 0;
  double weight_bytes = 0;
  double activation_bytes = 0;
  double offchip_bytes = 0;  // per input, under `storage`
  double oi = 0;             // ops / offchip_bytes
};

NetworkCost compute_cost(const Graph& graph, const Precision& precision,
                         const StorageModel& storage = {});

}  // namespace qtb
