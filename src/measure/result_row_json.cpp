#include "measure/result_row_json.hpp"

#include <fmt/format.h>

#include <set>
#include <string>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"

namespace qtb {
namespace {

// One table of (name, member) pairs drives both directions, so the two cannot drift apart.
template <typename Visitor, typename Row>
void visit_fields(Row& row, Visitor&& visit) {
  visit("topology", row.topology);
  visit("prune", row.prune);
  visit("precision", row.precision);
  visit("dataset", row.dataset);
  visit("platform", row.platform);
  visit("backend", row.backend);
  visit("op_mode", row.op_mode);
  visit("batch", row.batch);
  visit("threads", row.threads);
  visit("streams", row.streams);
  visit("scenario", row.scenario);
  visit("level", row.level);
  visit("fps_compute", row.fps_compute);
  visit("fps_system", row.fps_system);
  visit("latency_compute_ms", row.latency_compute_ms);
  visit("latency_system_ms", row.latency_system_ms);
  visit("samples", row.samples);
  visit("duration_s", row.duration_s);
  visit("power_base_w", row.power_base_w);
  visit("power_idle_w", row.power_idle_w);
  visit("power_full_w", row.power_full_w);
  visit("energy_per_input_j", row.energy_per_input_j);
  visit("power_source", row.power_source);
  visit("top1", row.top1);
  visit("top5", row.top5);
  visit("accuracy_source", row.accuracy_source);
  visit("accuracy_samples", row.accuracy_samples);
  visit("accuracy_reference", row.accuracy_reference);
  visit("gops_per_input", row.gops_per_input);
  visit("predicted_fps", row.predicted_fps);
  visit("valid", row.valid);
  visit("invalid_reason", row.invalid_reason);
  visit("method", row.method);
  visit("notes", row.notes);
  visit("weight_bytes", row.weight_bytes);
  visit("peak_memory_bytes", row.peak_memory_bytes);
  visit("source", row.source);
  visit("host", row.host);
  visit("cpu_model", row.cpu_model);
  visit("tool_version", row.tool_version);
  visit("git_commit", row.git_commit);
  visit("created_at", row.created_at);
  visit("command_line", row.command_line);
  visit("contributor", row.contributor);
  visit("layer", row.layer);
  visit("layer_type", row.layer_type);
  visit("layer_ops", row.layer_ops);
  visit("layer_bytes", row.layer_bytes);
  visit("layer_oi", row.layer_oi);
  visit("roofline_bound", row.roofline_bound);
  visit("gops_measured", row.gops_measured);
}

template <typename LatencyVisitor, typename Stats>
void visit_latency(Stats& stats, LatencyVisitor&& visit) {
  visit("mean", stats.mean);
  visit("p50", stats.p50);
  visit("p90", stats.p90);
  visit("p95", stats.p95);
  visit("p99", stats.p99);
  visit("p999", stats.p999);
  visit("min", stats.min);
  visit("max", stats.max);
  visit("stddev", stats.stddev);
}

template <typename T>
nlohmann::json optional_json(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

struct Writer {
  nlohmann::json& out;
  template <typename T>
  void operator()(const char* name, const T& value) {
    out[name] = value;
  }
  template <typename T>
  void operator()(const char* name, const std::optional<T>& value) {
    out[name] = optional_json(value);
  }
  void operator()(const char* name, const LatencyStats& stats) {
    nlohmann::json object = nlohmann::json::object();
    visit_latency(stats, [&](const char* key, const std::optional<double>& v) {
      object[key] = optional_json(v);
    });
    out[name] = object;
  }
};

[[noreturn]] void wrong_type(const std::string& field, const char* expected,
                             const nlohmann::json& value) {
  throw InputError(fmt::format("row field '{}': expected {}, got {}", field, expected,
                               quote_value(value.dump())));
}

void read_value(const std::string& field, const nlohmann::json& v, std::string& out) {
  if (v.is_null()) return;
  if (!v.is_string()) wrong_type(field, "a string", v);
  out = v.get<std::string>();
}
void read_value(const std::string& field, const nlohmann::json& v, bool& out) {
  if (!v.is_boolean()) wrong_type(field, "true or false", v);
  out = v.get<bool>();
}
void read_value(const std::string& field, const nlohmann::json& v, double& out) {
  if (!v.is_number()) wrong_type(field, "a number", v);
  out = v.get<double>();
}
void read_value(const std::string& field, const nlohmann::json& v, std::int64_t& out) {
  if (!v.is_number_integer()) wrong_type(field, "an integer", v);
  out = v.get<std::int64_t>();
}
template <typename T>
void read_value(const std::string& field, const nlohmann::json& v, std::optional<T>& out) {
  if (v.is_null()) {
    out.reset();
    return;
  }
  T value{};
  read_value(field, v, value);
  out = value;
}
void read_value(const std::string& field, const nlohmann::json& v, LatencyStats& out) {
  if (v.is_null()) return;
  if (!v.is_object()) wrong_type(field, "an object of latency statistics", v);
  std::set<std::string> known;
  visit_latency(out, [&](const char* key, std::optional<double>& stat) {
    known.insert(key);
    if (v.contains(key)) read_value(field + "." + key, v.at(key), stat);
  });
  for (const auto& [key, value] : v.items())
    if (!known.contains(key))
      throw InputError(fmt::format("row field {} is unknown", quote_value(field + "." + key)));
}

}  // namespace

nlohmann::json to_json(const ResultRow& row) {
  nlohmann::json out = nlohmann::json::object();
  visit_fields(row, Writer{out});
  return out;
}

ResultRow row_from_json(const nlohmann::json& object) {
  if (!object.is_object())
    throw InputError("a row must be a JSON object, got " + quote_value(object.dump()));
  ResultRow row;
  std::set<std::string> known;
  visit_fields(row, [&](const char* name, auto& member) {
    known.insert(name);
    if (object.contains(name)) read_value(name, object.at(name), member);
  });
  for (const auto& [key, value] : object.items())
    if (!known.contains(key))
      throw InputError(fmt::format("row field {} is unknown", quote_value(key)));
  return row;
}

nlohmann::json rows_document(const std::vector<ResultRow>& rows) {
  nlohmann::json list = nlohmann::json::array();
  for (const ResultRow& row : rows) list.push_back(to_json(row));
  nlohmann::json document = nlohmann::json::object();
  document["rows"] = std::move(list);
  return document;
}

std::string rows_document_text(const std::vector<ResultRow>& rows) {
  return dump_with_list(nlohmann::json::object(), "rows", rows.size(),
                        [&](std::size_t i) { return to_json(rows[i]); }) +
         "\n";
}

}  // namespace qtb
