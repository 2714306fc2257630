#pragma once
// The L0 design space a /predict request names, as `qutibench analyze` takes it: model, prune,
// precision, platform and op_mode lists ("all" or comma-separated), storage model and batch.
#include <string>

#include "platform/platform.hpp"
#include "roofline/analysis.hpp"

namespace qtb::serve {

struct DesignSpaceText {
  std::string models = "all", prunes = "all", precisions = "all", platforms = "all",
              op_modes = "all", storage = "weights-offchip";
  std::int64_t batch = 1;
};

// Parses every list (InputError naming a bad one) and refuses a request of more than
// kMaxPredictVariants variants, before any cost is computed.
AnalysisRequest make_analysis_request(const DesignSpaceText& text,
                                      const std::vector<Platform>& catalog);

}  // namespace qtb::serve
