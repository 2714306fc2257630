#include "measure_options.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "core/error.hpp"
#include "number_options.hpp"
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
    add_number_option(command, "--warmup-seconds", h.warmup_seconds, kWarmupSecondsRange,
                      "untimed warm-up, at least");
    add_count_option(command, "--warmup-queries", h.warmup_queries, kWarmupQueriesRange,
                     "untimed warm-up queries, at least");
    add_number_option(command, "--min-seconds,--seconds", h.min_seconds, kMinSecondsRange,
                      "timed phase: at least this long");
    add_count_option(command, "--min-queries", h.min_queries, kMinQueriesRange,
                     "timed phase: at least this many queries");
    add_number_option(command, "--max-seconds", h.max_seconds, kMaxSecondsRange,
                      "timed phase: at most this long");
    add_count_option(command, "--max-queries", h.max_queries, kMaxQueriesRange,
                     "timed phase: at most this many queries");
    add_number_option(command, "--max-median-ci", h.max_median_ci, kMaxMedianCiRange,
                      "invalid when the 95% CI of the median compute latency is wider than +- "
                      "this fraction");
  }
  command
      ->add_option("--power", o.power, "power meter: auto (RAPL if readable), rapl, none, csv:FILE")
      ->capture_default_str();
  add_number_option(command, "--idle-seconds", o.idle_seconds, kIdleSecondsRange,
                    "idle power measured before, with a meter");
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

DeploymentRequest point_with_model_file(DeploymentRequest point, const std::string& model_file) {
  const DeploymentRequest from_file = point_for_model_file(model_file);
  if (!point.topology.empty() && point.topology != from_file.topology) {
    throw InputError(fmt::format("--model {} contradicts {}, which holds {}", point.topology,
                                 model_file, from_file.topology));
  }
  point.topology = from_file.topology;
  point.prune = from_file.prune;
  point.precision = from_file.precision;
  point.model_file = from_file.model_file;
  point.accuracy_dataset = from_file.accuracy_dataset;
  return point;
}

}  // namespace qtb::app
