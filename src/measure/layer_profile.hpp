#pragma once
// The per-step profile of a whole run (`run --profile`), in the vendors' convention (ONNX Runtime's
// per-node kernel time, trtexec --dumpProfile): per executed step its graph nodes, kind, calls,
// total and mean time and percent of the run, beside the runs' own time so the sum of the parts
// and the whole can be compared.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/backend.hpp"
#include "graph/graph.hpp"

namespace qtb {

struct ProfileStep {
  std::string name;        // the graph nodes it computes, "conv1+bn1+relu1"; the whole network
  std::string layer_type;  // their kinds, "conv2d+batchnorm+activation"
  std::string kind;        // what the backend runs: "convolution", "reorder", "pack+gemm+..."
  std::int64_t calls = 0;
  double total_ms = 0;
  double mean_ms = 0;
  double percent = 0;  // of the runs' wall time
};

struct StepProfile {
  std::vector<ProfileStep> steps;
  bool whole_run = false;  // the backend does not split its run
  std::int64_t runs = 0;
  double run_ms = 0;    // wall time of the profiled runs, each whole
  double steps_ms = 0;  // the sum of the steps' times
};

StepProfile summarize_profile(const StepProfiler& profiler, const Graph& graph);

std::string profile_table(const StepProfile& profile);
std::string profile_csv(const StepProfile& profile);
nlohmann::json profile_json(const StepProfile& profile);

}  // namespace qtb
