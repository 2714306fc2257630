// The qutibench command line: parses options and calls the library. Every InputError (bad option,
// name or file) prints one line on stderr and exits 2.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <cstdio>

#include "commands.hpp"
#include "core/error.hpp"
#include "measure/provenance.hpp"
#include "measure_options.hpp"

int main(int argc, char** argv) {
  CLI::App app{"qutibench: evaluate pruned and quantized neural networks on many platforms"};
  app.set_version_flag(
      "--version", std::string(QTB_VERSION) + " (" + qtb::collect_provenance({}).git_commit + ")");
  app.require_subcommand(1);
  qtb::app::set_command_line(argc, argv);
  qtb::app::register_commands(app);
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
