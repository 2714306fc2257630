#include "report/analysis_output.hpp"

#include <fmt/format.h>

#include "core/table.hpp"
#include "core/text.hpp"

namespace qtb {
namespace {

using nlohmann::json;

json layer_to_json(const LayerCost& layer) {
  return {{"name", layer.name},
          {"kind", to_string(layer.kind)},
          {"output", layer.output.to_string()},
          {"macs", layer.macs},
          {"ops", layer.ops},
          {"other_ops", layer.other_ops},
          {"params", layer.params},
          {"weight_bytes", layer.weight_bytes},
          {"activation_bytes", layer.activation_bytes}};
}

json prediction_to_json(const Prediction& p) {
  json out = {{"platform", p.platform}, {"op_mode", p.op_mode}, {"supported", p.supported}};
  if (!p.supported) {
    out["reason"] = p.reason;
    for (const char* key : {"carrier", "native", "storage", "backend", "peak_ops", "bandwidth",
                            "oi", "attainable_ops", "fps", "bound"}) {
      out[key] = nullptr;  // not predictable: empty, never zero
    }
    return out;
  }
  out["carrier"] = to_string(*p.carrier);
  out["native"] = p.native;
  out["storage"] = p.storage;
  out["backend"] = p.backend.empty() ? json(nullptr) : json(p.backend);
  out["peak_ops"] = p.peak_ops;
  out["bandwidth"] = p.bandwidth;
  out["oi"] = p.oi;
  out["attainable_ops"] = p.attainable_ops;
  out["fps"] = p.fps;
  out["bound"] = to_string(p.bound);
  return out;
}

json variant_to_json(const VariantAnalysis& v, bool with_layers) {
  const NetworkCost& c = v.cost;
  json out = {{"model", v.model},
              {"prune", v.prune},
              {"precision", c.precision.name()},
              {"macs", c.macs},
              {"ops", c.ops},
              {"other_ops", c.other_ops},
              {"params", c.params},
              {"weight_bytes", c.weight_bytes},
              {"activation_bytes", c.activation_bytes},
              {"offchip_bytes", c.offchip_bytes},
              {"oi", c.oi}};
  if (with_layers) {
    json layers = json::array();
    for (const auto& layer : c.layers) layers.push_back(layer_to_json(layer));
    out["layers"] = std::move(layers);
  }
  json predictions = json::array();
  for (const auto& p : v.predictions) predictions.push_back(prediction_to_json(p));
  out["predictions"] = std::move(predictions);
  return out;
}

std::string fixed(double value, int digits) {
  return fmt::format("{:.{}f}", value, digits);
}
std::string general(double value) {
  return fmt::format("{:.4g}", value);
}

Table layer_table(const std::vector<VariantAnalysis>& variants) {
  Table table({"model", "prune", "precision", "layer", "kind", "output", "macs", "ops", "other_ops",
               "params", "weight_bytes", "activation_bytes"});
  for (const auto& v : variants) {
    for (const auto& l : v.cost.layers) {
      table.add_row({v.model, format_number(v.prune), v.cost.precision.name(), l.name,
                     std::string(to_string(l.kind)), l.output.to_string(), std::to_string(l.macs),
                     std::to_string(l.ops), std::to_string(l.other_ops), std::to_string(l.params),
                     format_number(l.weight_bytes), format_number(l.activation_bytes)});
    }
  }
  return table;
}

// Raw units, one row per prediction, for scripts.
std::string predictions_csv(const std::vector<VariantAnalysis>& variants, const StorageModel& s) {
  Table table({"model",         "prune",    "precision", "storage_model", "batch",
               "macs",          "ops",      "params",    "weight_bytes",  "activation_bytes",
               "offchip_bytes", "oi",       "platform",  "op_mode",       "supported",
               "carrier",       "peak_ops", "bandwidth", "carrier_oi",    "attainable_ops",
               "predicted_fps", "bound",    "reason",    "storage",       "backend"});
  for (const auto& v : variants) {
    const NetworkCost& c = v.cost;
    for (const auto& p : v.predictions) {
      const auto value = [&](double x) { return p.supported ? format_number(x) : std::string(); };
      table.add_row({v.model,
                     format_number(v.prune),
                     c.precision.name(),
                     s.id(),
                     std::to_string(s.batch),
                     std::to_string(c.macs),
                     std::to_string(c.ops),
                     std::to_string(c.params),
                     format_number(c.weight_bytes),
                     format_number(c.activation_bytes),
                     format_number(c.offchip_bytes),
                     format_number(c.oi),
                     p.platform,
                     p.op_mode,
                     p.supported ? "true" : "false",
                     p.supported ? std::string(to_string(*p.carrier)) : "",
                     value(p.peak_ops),
                     value(p.bandwidth),
                     value(p.oi),
                     value(p.attainable_ops),
                     value(p.fps),
                     p.supported ? std::string(to_string(p.bound)) : "",
                     p.reason,
                     p.storage,
                     p.backend});
    }
  }
  return table.to_csv();
}

// Readable units for people: GOPs, millions of parameters, MB, TOP/s.
std::string predictions_text(const std::vector<VariantAnalysis>& variants, const StorageModel& s) {
  Table table({"model", "prune", "precision", "GOPs", "Mparams", "weights_MB", "OI", "platform",
               "op_mode", "runs_in", "OI_run", "attain_TOPs", "predicted_fps", "bound", "storage"});
  for (const auto& v : variants) {
    const NetworkCost& c = v.cost;
    const std::vector<std::string> variant_cells = {v.model,
                                                    format_number(v.prune),
                                                    c.precision.name(),
                                                    general(static_cast<double>(c.ops) / 1e9),
                                                    general(static_cast<double>(c.params) / 1e6),
                                                    general(c.weight_bytes / 1e6),
                                                    fixed(c.oi, 2)};
    if (v.predictions.empty()) {
      auto row = variant_cells;
      row.insert(row.end(), {"", "", "", "", "", "", "", ""});
      table.add_row(row);
    }
    for (const auto& p : v.predictions) {
      auto row = variant_cells;
      if (p.supported) {
        const std::string runs_in =
            std::string(to_string(*p.carrier)) + (p.native ? "" : " (carrier)");
        row.insert(row.end(), {p.platform, p.op_mode, runs_in, fixed(p.oi, 2),
                               general(p.attainable_ops / 1e12), fixed(p.fps, 1),
                               std::string(to_string(p.bound)), p.storage});
      } else {
        row.insert(row.end(), {p.platform, p.op_mode, "unsupported", "", "", "", "", ""});
      }
      table.add_row(row);
    }
  }
  return "storage model: " + s.id() + " - " + s.description() + "\n" + table.to_text();
}

}  // namespace

json analysis_to_json(const std::vector<VariantAnalysis>& variants, const StorageModel& storage,
                      bool with_layers) {
  json list = json::array();
  for (const auto& v : variants) list.push_back(variant_to_json(v, with_layers));
  return {{"storage_model", storage.id()},
          {"storage_model_description", storage.description()},
          {"batch", storage.batch},
          {"variants", std::move(list)}};
}

std::string render_analysis(const std::vector<VariantAnalysis>& variants,
                            const StorageModel& storage, OutputFormat format, bool with_layers) {
  switch (format) {
    case OutputFormat::Json:
      return analysis_to_json(variants, storage, with_layers).dump(1) + "\n";
    case OutputFormat::Csv:
      return with_layers ? layer_table(variants).to_csv() : predictions_csv(variants, storage);
    case OutputFormat::Table: {
      std::string out = predictions_text(variants, storage);
      if (with_layers) out += "\n" + layer_table(variants).to_text();
      return out;
    }
  }
  return {};
}

}  // namespace qtb
