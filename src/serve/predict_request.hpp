#pragma once
// The L0 design space a /predict request names (roofline/design_space.hpp, as `qutibench
// analyze` takes it), with the portal's bound on its size.
#include <vector>

#include "platform/platform.hpp"
#include "roofline/design_space.hpp"

namespace qtb::serve {

// make_analysis_request, refusing a request of more than kMaxPredictVariants variants before
// any cost is computed.
AnalysisRequest bounded_analysis_request(const DesignSpace& space,
                                         const std::vector<Platform>& catalog);

}  // namespace qtb::serve
