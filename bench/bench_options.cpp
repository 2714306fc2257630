#include "bench_options.hpp"

#include <fmt/format.h>

#include <exception>

#include "core/error.hpp"

namespace qtb::bench {

int run_driver(CLI::App& app, int argc, char** argv, const std::function<void()>& body) {
  const std::string& program = app.get_name();
  try {
    app.parse(argc, argv);
    body();
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "{}: error: {} (see --help)\n", program, e.what());
    return 2;
  } catch (const InputError& e) {  // also the numeric options' range checks, thrown while parsing
    fmt::print(stderr, "{}: error: {}\n", program, e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}: internal error: {}\n", program, e.what());
    return 1;
  }
  return 0;
}

}  // namespace qtb::bench
