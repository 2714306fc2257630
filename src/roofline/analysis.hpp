#pragma once
// The L0 design space: every selected variant's cost and its roofline prediction on every selected
// platform and op mode. This is what `qutibench analyze` prints and `roofline` draws.
#include <string>
#include <string_view>
#include <vector>

#include "cost/cost.hpp"
#include "graph/graph.hpp"
#include "roofline/roofline.hpp"

namespace qtb {

struct AnalysisRequest {
  std::vector<std::string> models;
  std::vector<double> prunes;
  // Graphs from model files (--model-file), analysed as they are (scale 1) after the models.
  std::vector<Graph> model_graphs;
  std::vector<Precision> precisions;
  std::vector<const Platform*> platforms;
  std::vector<std::string> op_modes;  // empty = every op mode of each platform; case-insensitive
  StorageModel storage;
};

struct VariantAnalysis {
  std::string model;
  double prune = 1.0;
  NetworkCost cost;  // at the variant's own precision
  // One per (platform, op mode), and a second one where a backend's packed storage changes it.
  std::vector<Prediction> predictions;
};

// Comma-separated op mode names; "all" gives the empty list (every mode).
std::vector<std::string> parse_op_mode_list(std::string_view list);

// Throws InputError when an op mode named in the request exists on none of the platforms.
std::vector<VariantAnalysis> analyze(const AnalysisRequest& request);

}  // namespace qtb
