#include "store/row_validation.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "core/error.hpp"
#include "core/precision.hpp"
#include "core/text.hpp"
#include "measure/scenario.hpp"
#include "store/portal_csv.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

using Reason = std::optional<std::string>;

// Names are short identifiers; a longer one is a broken file, and it would not fit a message.
constexpr std::size_t kMaxNameChars = 64;

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

Reason one_of(std::string_view field, const std::string& value,
              const std::vector<std::string>& allowed) {
  if (contains(allowed, value)) return std::nullopt;
  return fmt::format("{} = {} is not one of: {}", field, quote_value(value),
                     fmt::join(allowed, ", "));
}

// Identifiers (names, modes, sources) must be printable, unpadded and short.
Reason check_name(std::string_view field, const std::string& value, bool required) {
  if (value.empty()) {
    return required ? Reason(fmt::format("{} is empty (it is required)", field)) : std::nullopt;
  }
  if (value.size() > kMaxNameChars)
    return fmt::format("{} = {} is longer than {} characters", field, quote_value(value),
                       kMaxNameChars);
  if (trim(value).size() != value.size())
    return fmt::format("{} = {} has spaces around it", field, quote_value(value));
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
      return fmt::format("{} = {} holds a control character", field, quote_value(value));
  }
  return std::nullopt;
}

Reason at_least_zero(std::string_view field, const std::optional<double>& value,
                     std::string_view unit) {
  if (!value || (std::isfinite(*value) && *value >= 0)) return std::nullopt;
  return fmt::format("{} = {} is out of range: must be 0 or more {}", field, format_number(*value),
                     unit);
}

Reason at_least(std::string_view field, std::int64_t value, std::int64_t min) {
  if (value >= min) return std::nullopt;
  return fmt::format("{} = {} is out of range: must be {} or more", field, value, min);
}

Reason percent(std::string_view field, const std::optional<double>& value) {
  if (!value || (std::isfinite(*value) && *value >= 0 && *value <= 100)) return std::nullopt;
  return fmt::format("{} = {} is out of range: must be 0 to 100 percent", field,
                     format_number(*value));
}

Reason check_precision(const std::string& precision) {
  if (auto reason = check_name("precision", precision, true)) return reason;
  std::string canonical;
  try {
    canonical = parse_precision(precision).name();
  } catch (const InputError&) {
    return fmt::format("precision = {} is not a precision (FP32, FP16, BF16, INT8 or WxAy)",
                       quote_value(precision));
  }
  if (canonical == precision) return std::nullopt;
  return fmt::format("precision = {} is not canonical (write '{}')", quote_value(precision),
                     canonical);
}

Reason check_names(const ResultRow& row) {
  if (auto r = check_name("topology", row.topology, true)) return r;
  if (auto r = one_of("topology", row.topology, known_topologies())) return r;
  if (auto r = check_precision(row.precision)) return r;
  if (auto r = check_name("dataset", row.dataset, false)) return r;
  if (auto r = check_name("platform", row.platform, true)) return r;
  if (auto r = check_name("backend", row.backend, false)) return r;
  if (auto r = check_name("op_mode", row.op_mode, false)) return r;
  if (auto r = check_name("level", row.level, true)) return r;
  if (auto r = one_of("level", row.level, known_levels())) return r;
  if (!row.scenario.empty()) {
    std::vector<std::string> scenarios;
    for (const Scenario s : {Scenario::SingleStream, Scenario::Offline, Scenario::MultiStream})
      scenarios.emplace_back(to_string(s));
    if (auto r = one_of("scenario", row.scenario, scenarios)) return r;
  }
  if (auto r = check_name("source", row.source, true)) return r;
  if (auto r = one_of("source", row.source, known_sources())) return r;
  if (row.source == "paper") {
    // The paper's rows name the platforms of its portal; ours name the machine that measured.
    std::vector<std::string> platforms;
    for (const PortalPlatform& p : portal_platforms())
      if (!contains(platforms, p.platform)) platforms.push_back(p.platform);
    if (auto r = one_of("platform", row.platform, platforms)) return r;
  }
  if (auto r = check_name("power_source", row.power_source, false)) return r;
  if (!row.accuracy_source.empty()) {
    if (auto r = one_of("accuracy_source", row.accuracy_source, {"measured", "reported"})) return r;
  }
  return std::nullopt;
}

// A layer row (L1, L2) names its layer; a network row names none.
Reason check_layer_figures(const ResultRow& row) {
  const bool layer_level = row.level == "L1" || row.level == "L2";
  if (layer_level && row.layer.empty())
    return fmt::format("a {} row needs a layer (the node it timed)", row.level);
  if (!layer_level && !row.layer.empty())
    return fmt::format("layer = {} on a {} row: only L1 and L2 rows time one layer",
                       quote_value(row.layer), quote_value(row.level));
  if (!row.roofline_bound.empty()) {
    if (auto r = one_of("roofline_bound", row.roofline_bound, {"compute", "memory"})) return r;
  }
  if (auto r = at_least_zero("layer_ops", row.layer_ops, "ops")) return r;
  if (auto r = at_least_zero("layer_bytes", row.layer_bytes, "bytes")) return r;
  if (auto r = at_least_zero("layer_oi", row.layer_oi, "ops per byte")) return r;
  return at_least_zero("gops_measured", row.gops_measured, "GOP/s");
}

Reason check_figures(const ResultRow& row) {
  if (!(std::isfinite(row.prune) && row.prune > 0 && row.prune <= 1)) {
    return fmt::format("prune = {} is out of range: must be more than 0 and at most 1",
                       format_number(row.prune));
  }
  if (auto r = at_least("batch", row.batch, 1)) return r;
  if (auto r = at_least("threads", row.threads, 1)) return r;
  if (auto r = at_least("streams", row.streams, 1)) return r;
  if (auto r = at_least("samples", row.samples, 0)) return r;
  if (auto r = at_least_zero("fps_compute", row.fps_compute, "inputs per second")) return r;
  if (auto r = at_least_zero("fps_system", row.fps_system, "inputs per second")) return r;
  for (const auto& [name, stats] : {std::pair{"latency_compute_ms", &row.latency_compute_ms},
                                    std::pair{"latency_system_ms", &row.latency_system_ms}}) {
    const std::pair<const char*, const std::optional<double>*> statistics[] = {
        {"mean", &stats->mean}, {"p50", &stats->p50}, {"p90", &stats->p90},
        {"p95", &stats->p95},   {"p99", &stats->p99}, {"p999", &stats->p999},
        {"min", &stats->min},   {"max", &stats->max}, {"stddev", &stats->stddev}};
    for (const auto& [stat, value] : statistics)
      if (auto r = at_least_zero(fmt::format("{}_{}", name, stat), *value, "ms")) return r;
  }
  if (auto r = at_least_zero("duration_s", row.duration_s, "seconds")) return r;
  if (auto r = at_least_zero("power_base_w", row.power_base_w, "W")) return r;
  if (auto r = at_least_zero("power_idle_w", row.power_idle_w, "W")) return r;
  if (auto r = at_least_zero("power_full_w", row.power_full_w, "W")) return r;
  if (auto r = at_least_zero("energy_per_input_j", row.energy_per_input_j, "J")) return r;
  if (auto r = percent("top1", row.top1)) return r;
  if (auto r = percent("top5", row.top5)) return r;
  if (row.accuracy_samples)
    if (auto r = at_least("accuracy_samples", *row.accuracy_samples, 1)) return r;
  if (auto r = at_least_zero("gops_per_input", row.gops_per_input, "GOPS")) return r;
  if (auto r = at_least_zero("predicted_fps", row.predicted_fps, "inputs per second")) return r;
  if (row.weight_bytes)
    if (auto r = at_least("weight_bytes", *row.weight_bytes, 0)) return r;
  if (row.peak_memory_bytes)
    if (auto r = at_least("peak_memory_bytes", *row.peak_memory_bytes, 0)) return r;
  return check_layer_figures(row);
}

}  // namespace

const std::vector<std::string>& known_topologies() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const TopologyInfo& t : topologies()) out.push_back(t.name);
    for (const std::string& name : portal_topology_names())
      if (!contains(out, name)) out.push_back(name);
    return out;
  }();
  return names;
}

const std::vector<std::string>& known_sources() {
  static const std::vector<std::string> names = {"paper", "ours"};
  return names;
}

const std::vector<std::string>& known_levels() {
  static const std::vector<std::string> names = {"L0", "L1", "L2", "L3"};
  return names;
}

const std::vector<std::string>& known_tasks() {
  static const std::vector<std::string> names = {"mnist", "fashion-mnist", "cifar10", "imagenet"};
  return names;
}

std::optional<std::string> validate_row(const ResultRow& row) {
  if (auto reason = check_names(row)) return reason;
  return check_figures(row);
}

}  // namespace qtb
