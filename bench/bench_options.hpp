#pragma once
// The drivers' command lines, parsed as the app parses its own: CLI11 with the app's numeric
// options (apps/qutibench/number_options.hpp), `--help`, and bad input as one line
// "PROGRAM: error: ..." with exit code 2; a failure while running exits 1.
#include <CLI/CLI.hpp>
#include <functional>

namespace qtb::bench {

// Parses argv into the options registered on `app`, then calls `body`. Returns the exit code.
int run_driver(CLI::App& app, int argc, char** argv, const std::function<void()>& body);

}  // namespace qtb::bench
