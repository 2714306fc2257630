#pragma once
// The paper's topologies, each built for a pruning scale s (fraction of hidden channels kept;
// the input and the classifier's outputs are never pruned).
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.hpp"

namespace qtb {

struct TopologyInfo {
  std::string name;         // "mlp", "cnv", ...
  std::string description;  // one line for `qutibench models`
  std::string task;         // data set family it was designed for: mnist, cifar10, imagenet
  std::string pruning;      // which channels the pruning scale applies to
};

const std::vector<TopologyInfo>& topologies();
// Throws InputError for an unknown name or a scale outside (0, 1].
Graph build_topology(std::string_view name, double prune);

// round(channels * prune), at least 1: the pruned width of a hidden layer.
std::int64_t scaled_channels(std::int64_t channels, double prune);
// The paper's scales 1, 0.5, 0.25, 0.125.
std::vector<double> paper_prune_scales();
// "1,0.5", "50%,12.5%" or "all" (the paper's scales); each in (0, 1].
std::vector<double> parse_prune_list(std::string_view list);
// Comma-separated topology names or "all".
std::vector<std::string> parse_model_list(std::string_view list);

// Builders, one file each.
Graph build_mlp(double prune);
Graph build_cnv(double prune);
Graph build_resnet50(double prune);
Graph build_googlenet(double prune);
Graph build_mobilenet_v1(double prune);

}  // namespace qtb
