#include "report/measurement_output.hpp"

#include <fmt/format.h>

namespace qtb {
namespace {

std::string stat(const std::optional<double>& value) {
  return value ? fmt::format("{:.4f}", *value) : std::string("-");
}

std::string latency_line(const char* name, const LatencyStats& s) {
  return fmt::format("  {:<20} mean {}  p50 {}  p90 {}  p99 {}  p99.9 {}  min {}  max {}  sd {}\n",
                     name, stat(s.mean), stat(s.p50), stat(s.p90), stat(s.p99), stat(s.p999),
                     stat(s.min), stat(s.max), stat(s.stddev));
}

std::string megabytes(const std::optional<std::int64_t>& bytes) {
  return bytes ? fmt::format("{:.3f} MB", static_cast<double>(*bytes) / 1e6) : std::string("-");
}

}  // namespace

std::string format_measurement(const ResultRow& row) {
  std::string out =
      fmt::format("{} s={} {} on {} ({}), {} {}, batch {}, {} thread(s), {} stream(s)\n",
                  row.topology, row.prune, row.precision, row.backend, row.method, row.platform,
                  row.scenario, row.batch, row.threads, row.streams);
  out += fmt::format("  {:<20} {:.1f} inputs/s\n", "fps_compute", row.fps_compute.value_or(0));
  out += fmt::format("  {:<20} {:.1f} inputs/s\n", "fps_system", row.fps_system.value_or(0));
  out += latency_line("latency_compute_ms", row.latency_compute_ms);
  out += latency_line("latency_system_ms", row.latency_system_ms);
  out += fmt::format("  {:<20} {} queries in {:.2f} s: {}\n", "samples", row.samples,
                     row.duration_s.value_or(0),
                     row.valid ? std::string("valid") : "INVALID, " + row.invalid_reason);
  if (row.power_full_w)
    out += fmt::format("  {:<20} {:.2f} W running, {} idle, {:.3e} J per input ({})\n", "power",
                       *row.power_full_w,
                       row.power_idle_w ? fmt::format("{:.2f} W", *row.power_idle_w) : "-",
                       row.energy_per_input_j.value_or(0), row.power_source);
  else
    out += fmt::format("  {:<20} not measured (power_source {})\n", "power", row.power_source);
  out += fmt::format("  {:<20} {} packed weights, {} peak resident\n", "memory",
                     megabytes(row.weight_bytes), megabytes(row.peak_memory_bytes));
  if (row.gops_per_input)
    out += fmt::format("  {:<20} {:.6f} GOP per input{}\n", "theory", *row.gops_per_input,
                       row.predicted_fps
                           ? fmt::format(", predicted {:.1f} fps (L0 roofline of '{}', all cores)",
                                         *row.predicted_fps, row.platform)
                           : std::string());
  if (row.top1) {
    out += fmt::format("  {:<20} top-1 {:.2f} %{} on {} test images of {} ({})\n", "accuracy",
                       *row.top1, row.top5 ? fmt::format(", top-5 {:.2f} %", *row.top5) : "",
                       row.accuracy_samples.value_or(0), row.dataset, row.accuracy_source);
  } else {
    out += fmt::format("  {:<20} not measured\n", "accuracy");
  }
  out += fmt::format("  {:<20} {}\n", "notes", row.notes);
  return out;
}

}  // namespace qtb
