#include "serve/predict_request.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "serve/serve_limits.hpp"

namespace qtb::serve {

AnalysisRequest bounded_analysis_request(const DesignSpace& space,
                                         const std::vector<Platform>& catalog) {
  AnalysisRequest request = make_analysis_request(space, catalog);
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
