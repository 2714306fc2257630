#pragma once
#include <CLI/CLI.hpp>

namespace qtb::app {

// Adds every subcommand; each runs from its parse callback.
void register_commands(CLI::App& app);
// `qutibench run` (run_command.cpp).
void register_run(CLI::App& app);
// `layers`: each layer of one point timed alone (layers_command.cpp).
void register_layers(CLI::App& app);
// `qutibench import`, `export` and `results` (store_commands.cpp).
void register_store_commands(CLI::App& app);
// `qutibench sweep` (sweep_command.cpp).
void register_sweep(CLI::App& app);
// `qutibench analyze-results` (analytics_command.cpp).
void register_analyze_results(CLI::App& app);
// `qutibench datasets` (datasets_command.cpp).
void register_datasets(CLI::App& app);
// `qutibench report` (report_command.cpp).
void register_report(CLI::App& app);

// `qutibench serve` (serve_command.cpp).
void register_serve(CLI::App& app);
// `qutibench infer` (infer_command.cpp).
void register_infer(CLI::App& app);

// `qutibench optimize train|prune|quantize|matrix` (optimize_command.cpp).
void register_optimize(CLI::App& app);

}  // namespace qtb::app
