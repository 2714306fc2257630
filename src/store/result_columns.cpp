#include "store/result_columns.hpp"

#include <fmt/format.h>

#include <set>
#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "measure/result_row_json.hpp"

namespace qtb {
namespace {

// Fields of ResultRow's JSON whose value is an object of statistics (the latencies).
const std::set<std::string>& nested_fields() {
  static const std::set<std::string> fields = [] {
    std::set<std::string> out;
    const nlohmann::json defaults = to_json(ResultRow{});  // items() must not outlive it
    for (const auto& [key, value] : defaults.items())
      if (value.is_object()) out.insert(key);
    return out;
  }();
  return fields;
}

// latency_compute_ms_mean ... latency_system_ms_stddev; static, so the Columns' views stay valid.
const std::vector<std::string>& latency_column_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const char* latency : {"latency_compute_ms", "latency_system_ms"})
      for (const char* stat : {"mean", "p50", "p90", "p95", "p99", "p999", "min", "max", "stddev"})
        out.push_back(fmt::format("{}_{}", latency, stat));
    return out;
  }();
  return names;
}

std::vector<Column> make_columns() {
  using K = ColumnKind;
  std::vector<Column> columns = {
      {"topology", K::Text, false},   {"prune", K::Real, false},     {"precision", K::Text, false},
      {"dataset", K::Text, false},    {"platform", K::Text, false},  {"backend", K::Text, false},
      {"op_mode", K::Text, false},    {"batch", K::Integer, false},  {"threads", K::Integer, false},
      {"streams", K::Integer, false}, {"scenario", K::Text, false},  {"level", K::Text, false},
      {"fps_compute", K::Real, true}, {"fps_system", K::Real, true},
  };
  for (const std::string& name : latency_column_names()) columns.push_back({name, K::Real, true});
  const std::vector<Column> rest = {
      {"samples", K::Integer, false},
      {"duration_s", K::Real, true},
      {"power_base_w", K::Real, true},
      {"power_idle_w", K::Real, true},
      {"power_full_w", K::Real, true},
      {"energy_per_input_j", K::Real, true},
      {"power_source", K::Text, false},
      {"top1", K::Real, true},
      {"top5", K::Real, true},
      {"accuracy_source", K::Text, false},
      {"accuracy_samples", K::Integer, true},
      {"accuracy_reference", K::Text, false},
      {"gops_per_input", K::Real, true},
      {"predicted_fps", K::Real, true},
      {"valid", K::Boolean, false},
      {"invalid_reason", K::Text, false},
      {"method", K::Text, false},
      {"notes", K::Text, false},
      {"weight_bytes", K::Integer, true},
      {"peak_memory_bytes", K::Integer, true},
      {"source", K::Text, false},
      {"host", K::Text, false},
      {"cpu_model", K::Text, false},
      {"tool_version", K::Text, false},
      {"git_commit", K::Text, false},
      {"created_at", K::Text, false},
      {"command_line", K::Text, false},
      {"contributor", K::Text, false},
      {"layer", K::Text, false},
      {"layer_type", K::Text, false},
      {"layer_ops", K::Real, true},
      {"layer_bytes", K::Real, true},
      {"layer_oi", K::Real, true},
      {"roofline_bound", K::Text, false},
      {"gops_measured", K::Real, true},
  };
  columns.insert(columns.end(), rest.begin(), rest.end());
  return columns;
}

}  // namespace

const std::vector<Column>& result_columns() {
  static const std::vector<Column> columns = make_columns();
  return columns;
}

nlohmann::json flatten_row(const ResultRow& row) {
  nlohmann::json flat = nlohmann::json::object();
  const nlohmann::json nested = to_json(row);
  for (const auto& [key, value] : nested.items()) {
    if (value.is_object()) {
      for (const auto& [stat, number] : value.items()) flat[key + "_" + stat] = number;
    } else {
      flat[key] = value;
    }
  }
  if (flat.size() != result_columns().size()) {
    for (const Column& column : result_columns()) flat.erase(std::string(column.name));
    throw std::logic_error("ResultRow fields without a store column (add a migration): " +
                           flat.dump());
  }
  return flat;
}

ResultRow unflatten_row(const nlohmann::json& flat) {
  nlohmann::json nested = nlohmann::json::object();
  for (const auto& [key, value] : flat.items()) {
    bool placed = false;
    for (const std::string& field : nested_fields()) {
      if (key.size() > field.size() + 1 && key.starts_with(field + "_")) {
        nested[field][key.substr(field.size() + 1)] = value;
        placed = true;
        break;
      }
    }
    if (!placed) nested[key] = value;
  }
  return row_from_json(nested);
}

}  // namespace qtb
