#include "serve/predict_request.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/precision.hpp"
#include "platform/catalog.hpp"
#include "serve/serve_limits.hpp"
#include "zoo/zoo.hpp"

namespace qtb::serve {

AnalysisRequest make_analysis_request(const DesignSpaceText& text,
                                      const std::vector<Platform>& catalog) {
  AnalysisRequest request;
  request.models = parse_model_list(text.models);
  request.prunes = parse_prune_list(text.prunes);
  request.precisions = parse_precision_list(text.precisions);
  request.platforms = select_platforms(text.platforms, catalog);
  request.storage = parse_storage_model(text.storage, text.batch);
  request.op_modes = parse_op_mode_list(text.op_modes);
  const std::size_t variants =
      request.models.size() * request.prunes.size() * request.precisions.size();
  if (variants > kMaxPredictVariants) {
    throw InputError(fmt::format(
        "{} variants requested ({} models x {} prunes x {} precisions): at most {} per request",
        variants, request.models.size(), request.prunes.size(), request.precisions.size(),
        kMaxPredictVariants));
  }
  return request;
}

}  // namespace qtb::serve
