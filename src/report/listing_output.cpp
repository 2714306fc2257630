#include "report/listing_output.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/table.hpp"
#include "core/text.hpp"
#include "cost/cost.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

using nlohmann::json;

std::string peaks_text(const OpMode& mode) {
  std::string out;
  for (const auto& [type, ops] : mode.peak_ops) {
    out += fmt::format("{}{}={:.4g}", out.empty() ? "" : " ", to_string(type), ops / 1e12);
  }
  return out;
}

std::string carriers_text(const Platform& p) {
  std::string out;
  for (const auto& [type, carrier] : p.carriers) {
    out += fmt::format("{}{}->{}", out.empty() ? "" : " ", to_string(type), to_string(carrier));
  }
  // "(lowbit packs INT1 INT2 INT4)": carried types a backend keeps at their own width.
  for (const auto& [backend, types] : p.packed_storage) {
    std::string names;
    for (const DataType type : types) names += " " + std::string(to_string(type));
    out += fmt::format("{}({} packs{})", out.empty() ? "" : " ", backend, names);
  }
  return out;
}

}  // namespace

std::string render_models(OutputFormat format) {
  json list = json::array();
  Table table({"model", "task", "input", "GOPs", "Mparams", "pruning_applies_to", "description"});
  for (const auto& t : topologies()) {
    const Graph graph = build_topology(t.name, 1.0);
    const NetworkCost cost = compute_cost(graph, Precision::uniform(DataType::FP32));
    const std::string input = graph.shape(0).to_string();
    list.push_back({{"model", t.name},
                    {"task", t.task},
                    {"input", input},
                    {"ops", cost.ops},
                    {"params", cost.params},
                    {"nodes", graph.size()},
                    {"pruning", t.pruning},
                    {"description", t.description}});
    table.add_row(
        {t.name, t.task, input, fmt::format("{:.4g}", static_cast<double>(cost.ops) / 1e9),
         fmt::format("{:.4g}", static_cast<double>(cost.params) / 1e6), t.pruning, t.description});
  }
  switch (format) {
    case OutputFormat::Json:
      return json{{"models", list}}.dump(1) + "\n";
    case OutputFormat::Csv:
      return table.to_csv();
    case OutputFormat::Table:
      return table.to_text();
  }
  return {};
}

std::string render_platforms(const std::vector<Platform>& catalog, OutputFormat format) {
  json list = json::array();
  Table table({"platform", "kind", "op_mode", "peak_TOPs", "bandwidth_GBps", "capacity_GB", "tdp_W",
               "carriers"});
  for (const auto& p : catalog) {
    json modes = json::array();
    for (const auto& mode : p.op_modes) {
      json peaks = json::object();
      for (const auto& [type, ops] : mode.peak_ops) peaks[std::string(to_string(type))] = ops;
      modes.push_back({{"name", mode.name}, {"peak_ops", peaks}});
      table.add_row({p.name, std::string(to_string(p.kind)), mode.name, peaks_text(mode),
                     fmt::format("{:.4g}", p.memory_bandwidth / 1e9),
                     fmt::format("{:.4g}", p.memory_capacity / 1e9),
                     p.tdp_w ? format_number(*p.tdp_w) : "", carriers_text(p)});
    }
    json carriers = json::object();
    for (const auto& [type, carrier] : p.carriers) {
      carriers[std::string(to_string(type))] = to_string(carrier);
    }
    json packed = json::object();
    for (const auto& [backend, types] : p.packed_storage) {
      json names = json::array();
      for (const DataType type : types) names.push_back(to_string(type));
      packed[backend] = std::move(names);
    }
    list.push_back({{"platform", p.name},
                    {"kind", to_string(p.kind)},
                    {"description", p.description},
                    {"source", p.source},
                    {"bandwidth", p.memory_bandwidth},
                    {"capacity", p.memory_capacity},
                    {"tdp_w", p.tdp_w ? json(*p.tdp_w) : json(nullptr)},
                    {"op_modes", modes},
                    {"carriers", carriers},
                    {"packed_storage", packed},
                    {"file", p.file}});
  }
  switch (format) {
    case OutputFormat::Json:
      return json{{"platforms", list}}.dump(1) + "\n";
    case OutputFormat::Csv:
      return table.to_csv();
    case OutputFormat::Table:
      return table.to_text();
  }
  return {};
}

}  // namespace qtb
