#pragma once
// Options shared by `run` and `sweep`: harness limits, the power meter, where rows go, the output
// format; and the context (meter, host platform, provenance) built from them.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "measure/deployment.hpp"
#include "measure/power_meter.hpp"
#include "platform/platform.hpp"

namespace qtb::app {

// The process's arguments, for the rows' command_line column (set once by main).
void set_command_line(int argc, char** argv);
const std::vector<std::string>& command_line();

struct MeasureOptions {
  HarnessOptions harness;
  std::string power = "auto";
  double idle_seconds = 2.0;
  std::string db = "results.db";
  bool no_store = false;
  std::string format = "table";
};

// `with_harness`: the limits as options (run); a sweep takes them from its file.
void add_measure_options(CLI::App* command, MeasureOptions& o, bool with_harness);

// `point` measured from --model-file FILE: the file's topology, prune, precision and data set
// replace the options' (a --model naming another topology is a contradiction: InputError).
DeploymentRequest point_with_model_file(DeploymentRequest point, const std::string& model_file);

// Owns what a MeasureContext points to.
struct MeasureSession {
  std::unique_ptr<PowerMeter> meter;
  std::optional<Platform> host;  // data/platforms/host.toml when probed, for predictions
  MeasureContext context;
};

// Opens the meter (measuring idle power when it is a real one) and loads the host platform.
std::unique_ptr<MeasureSession> open_measure_session(const MeasureOptions& o,
                                                     const std::string& power_spec,
                                                     double idle_seconds);

}  // namespace qtb::app
