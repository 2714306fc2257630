#include "measure_options.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "platform/catalog.hpp"

namespace qtb::app {
namespace {
std::vector<std::string> arguments;
}

void set_command_line(int argc, char** argv) {
  arguments.assign(argv, argv + argc);
}
const std::vector<std::string>& command_line() {
  return arguments;
}

void add_measure_options(CLI::App* command, MeasureOptions& o, bool with_harness) {
  if (with_harness) {
    HarnessOptions& h = o.harness;
    command->add_option("--warmup-seconds", h.warmup_seconds, "untimed warm-up, at least")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 3600.0));
    command->add_option("--warmup-queries", h.warmup_queries, "untimed warm-up queries, at least")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    command->add_option("--min-seconds,--seconds", h.min_seconds, "timed phase: at least this long")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 86400.0));
    command->add_option("--min-queries", h.min_queries, "timed phase: at least this many queries")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    command->add_option("--max-seconds", h.max_seconds, "timed phase: at most this long")
        ->capture_default_str()
        ->check(CLI::Range(0.001, 86400.0));
    command->add_option("--max-queries", h.max_queries, "timed phase: at most this many queries")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    command
        ->add_option("--max-median-ci", h.max_median_ci,
                     "invalid when the 95% CI of the median compute latency is wider than +- this "
                     "fraction")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
  }
  command
      ->add_option("--power", o.power, "power meter: auto (RAPL if readable), rapl, none, csv:FILE")
      ->capture_default_str();
  command->add_option("--idle-seconds", o.idle_seconds, "idle power measured before, with a meter")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 600.0));
  command->add_option("--db", o.db, "SQLite result store the rows are appended to")
      ->capture_default_str();
  command->add_flag("--no-store", o.no_store, "measure and print, store nothing");
  command->add_option("--format", o.format, "table or json (one {\"rows\": [...]} document)")
      ->capture_default_str();
}

std::unique_ptr<MeasureSession> open_measure_session(const MeasureOptions& o,
                                                     const std::string& power_spec,
                                                     double idle_seconds) {
  auto session = std::make_unique<MeasureSession>();
  session->meter = make_power_meter(power_spec);
  MeasureContext& c = session->context;
  c.harness = o.harness;
  c.meter = session->meter.get();
  c.provenance = collect_provenance(command_line());
  const std::filesystem::path host_file = default_catalog_dir() / "host.toml";
  if (std::filesystem::exists(host_file)) {
    session->host = load_platform_file(host_file);
    c.platform = &*session->host;
  }
  if (session->meter->source() != "none" && idle_seconds > 0) {
    fmt::print(stderr, "measuring idle power for {} s ({}) ...\n", idle_seconds,
               session->meter->description());
    std::string why;
    c.idle_power = measure_idle_power(*session->meter, idle_seconds, why);
    if (!c.idle_power) fmt::print(stderr, "no idle power: {}\n", why);
  }
  return session;
}

}  // namespace qtb::app
