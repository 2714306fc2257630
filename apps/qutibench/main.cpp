// The qutibench command line: parses options and calls the library. Every InputError (bad option,
// name or file) prints one line on stderr and exits 2.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "measure/provenance.hpp"
#include "measure_options.hpp"

namespace {

std::string command_names(const CLI::App& app) {
  std::string names;
  for (const CLI::App* command : app.get_subcommands({}))
    names += (names.empty() ? "" : ", ") + command->get_name();
  return names;
}

// CLI11 answers both a missing and an unknown command with "A subcommand is required"; the first
// word decides which it is, before CLI11 sees it.
bool is_command(const CLI::App& app, std::string_view word) {
  for (const CLI::App* command : app.get_subcommands({}))
    if (command->get_name() == word) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"qutibench: evaluate pruned and quantized neural networks on many platforms"};
  app.set_version_flag(
      "--version", std::string(QTB_VERSION) + " (" + qtb::collect_provenance({}).git_commit + ")");
  app.require_subcommand(1);
  qtb::app::set_command_line(argc, argv);
  qtb::app::register_commands(app);
  if (argc < 2) {
    fmt::print(stderr,
               "usage: qutibench COMMAND [OPTIONS]  (qutibench --help describes the commands, "
               "qutibench COMMAND --help its options)\ncommands: {}\n",
               command_names(app));
    return 2;
  }
  if (const std::string_view first = argv[1]; !first.starts_with('-') && !is_command(app, first)) {
    fmt::print(stderr, "qutibench: error: unknown command {} (commands: {})\n",
               qtb::quote_value(first, 24), command_names(app));
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "qutibench: error: {} (see --help)\n", e.what());
    return 2;
  } catch (const qtb::InputError& e) {
    fmt::print(stderr, "qutibench: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "qutibench: internal error: {}\n", e.what());
    return 1;
  }
  return 0;
}
