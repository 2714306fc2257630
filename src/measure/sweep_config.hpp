#pragma once
// A sweep: the cartesian product of lists of models, prunes, precisions, backends, batches,
// threads, streams and op modes, measured with one set of harness limits. Read from TOML:
//
//   models = ["mlp", "cnv"]           # or "all"
//   prunes = [1, 0.5, 0.25, 0.125]    # or "all" (the paper's scales)
//   precisions = ["FP32", "INT8", "W2A2"]
//   backends = ["onednn", "lowbit"]
//   batches = [1, 16]
//   threads = [1, 2]
//   streams = [1]                     # optional, default [1]
//   op_modes = ["default"]            # optional
//   scenario = "auto"                 # optional: auto, single-stream, offline, multi-stream
//   sparsity = [0]                    # optional: synaptic pruning, fraction zeroed
//   model_files = ["models/mlp-mnist"] # instead of models/prunes/precisions: trained variants
//                                     # (files, or directories of *.safetensors), each at its
//                                     # own precision, with top-1 on its data set after timing
//   accuracy_limit = 0                # with model_files: first N test images (0: all)
//   seed = 1                          # optional: 0 to 2^63 - 1
//   power = "auto"                    # optional: auto, rapl, none, csv:FILE
//   idle_seconds = 2                  # optional: idle power measured before the sweep
//   [harness]                         # optional, HarnessOptions' names and defaults
//   min_seconds = 1.0
//
// Every problem is an InputError "FILE:LINE: field 'F': what is wrong", or for a value out of its
// range (the range of the matching `run` option; threads: 1 to this machine's hardware threads)
// "FILE:LINE: field 'F' = VALUE is out of range: must be ...".
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "measure/deployment.hpp"
#include "measure/harness.hpp"

namespace qtb {

struct SweepConfig {
  std::vector<DeploymentRequest> points;  // in the order they are measured
  HarnessOptions harness;
  std::string power = "auto";
  double idle_seconds = 2.0;
};

SweepConfig parse_sweep_config(std::string_view toml_text, const std::string& file_name);
SweepConfig load_sweep_config(const std::filesystem::path& file);

}  // namespace qtb
