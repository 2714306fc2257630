#include "roofline/analysis.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/text.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return to_lower(a) == to_lower(b);
}

bool mode_selected(const AnalysisRequest& request, const OpMode& mode) {
  return request.op_modes.empty() ||
         std::any_of(request.op_modes.begin(), request.op_modes.end(),
                     [&](const std::string& wanted) { return same_name(wanted, mode.name); });
}

void check_op_modes_exist(const AnalysisRequest& request) {
  for (const auto& wanted : request.op_modes) {
    const bool found =
        std::any_of(request.platforms.begin(), request.platforms.end(), [&](const Platform* p) {
          return std::any_of(p->op_modes.begin(), p->op_modes.end(),
                             [&](const OpMode& m) { return same_name(wanted, m.name); });
        });
    if (!found)
      throw InputError("op mode '" + wanted + "' exists on none of the selected platforms");
  }
}

}  // namespace

std::vector<std::string> parse_op_mode_list(std::string_view list) {
  std::vector<std::string> modes;
  for (const auto& mode : split_list(list)) {
    if (to_lower(mode) == "all") return {};
    modes.push_back(mode);
  }
  if (modes.empty()) throw InputError("empty op mode list");
  return modes;
}

std::vector<VariantAnalysis> analyze(const AnalysisRequest& request) {
  check_op_modes_exist(request);
  std::vector<VariantAnalysis> out;
  const auto analyze_graph = [&](const std::string& model, double prune, const Graph& graph) {
    for (const auto& precision : request.precisions) {
      VariantAnalysis variant{model, prune, compute_cost(graph, precision, request.storage), {}};
      for (const Platform* platform : request.platforms) {
        for (const auto& mode : platform->op_modes) {
          if (!mode_selected(request, mode)) continue;
          variant.predictions.push_back(predict(graph, variant.cost, *platform, mode));
          // A backend that keeps carried types packed gets its own prediction, where it differs.
          for (const auto& [backend, types] : platform->packed_storage) {
            Prediction packed = predict(graph, variant.cost, *platform, mode, backend);
            if (!packed.backend.empty()) variant.predictions.push_back(std::move(packed));
          }
        }
      }
      out.push_back(std::move(variant));
    }
  };
  for (const auto& model : request.models) {
    for (double prune : request.prunes) analyze_graph(model, prune, build_topology(model, prune));
  }
  for (const Graph& graph : request.model_graphs) analyze_graph(graph.name(), 1.0, graph);
  return out;
}

}  // namespace qtb
