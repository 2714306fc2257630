#include "roofline/design_space.hpp"

#include "core/precision.hpp"
#include "cost/storage_model.hpp"
#include "platform/catalog.hpp"
#include "zoo/zoo.hpp"

namespace qtb {

AnalysisRequest make_analysis_request(const DesignSpace& space,
                                      const std::vector<Platform>& catalog) {
  AnalysisRequest request;
  request.models = parse_model_list(space.models);
  request.prunes = parse_prune_list(space.prunes);
  request.precisions = parse_precision_list(space.precisions);
  request.platforms = select_platforms(space.platforms, catalog);
  request.storage = parse_storage_model(space.storage, space.batch);
  request.op_modes = parse_op_mode_list(space.op_modes);
  return request;
}

}  // namespace qtb
