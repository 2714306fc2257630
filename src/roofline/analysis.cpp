#include "roofline/analysis.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

bool mode_selected(const AnalysisRequest& request, const OpMode& mode) {
  return request.op_modes.empty() || std::find(request.op_modes.begin(), request.op_modes.end(),
                                               mode.name) != request.op_modes.end();
}

void check_op_modes_exist(const AnalysisRequest& request) {
  for (const auto& wanted : request.op_modes) {
    const bool found = std::any_of(request.platforms.begin(), request.platforms.end(),
                                   [&](const Platform* p) { return p->find_op_mode(wanted); });
    if (!found)
      throw InputError("op mode '" + wanted + "' exists on none of the selected platforms");
  }
}

}  // namespace

std::vector<VariantAnalysis> analyze(const AnalysisRequest& request) {
  check_op_modes_exist(request);
  std::vector<VariantAnalysis> out;
  for (const auto& model : request.models) {
    for (double prune : request.prunes) {
      const Graph graph = build_topology(model, prune);
      for (const auto& precision : request.precisions) {
        VariantAnalysis variant{model, prune, compute_cost(graph, precision, request.storage), {}};
        for (const Platform* platform : request.platforms) {
          for (const auto& mode : platform->op_modes) {
            if (mode_selected(request, mode)) {
              variant.predictions.push_back(predict(graph, variant.cost, *platform, mode));
            }
          }
        }
        out.push_back(std::move(variant));
      }
    }
  }
  return out;
}

}  // namespace qtb
