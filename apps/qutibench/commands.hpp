#pragma once
#include <CLI/CLI.hpp>

namespace qtb::app {

// Adds every subcommand; each runs from its parse callback.
void register_commands(CLI::App& app);

}  // namespace qtb::app
