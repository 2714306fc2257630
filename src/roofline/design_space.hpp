#pragma once
// A slice of the L0 design space as the user spells it (`qutibench analyze` and `roofline`, the
// portal's /predict): model, prune, precision, platform and op-mode lists ("all" or
// comma-separated), a storage model and a batch.
#include <cstdint>
#include <string>
#include <vector>

#include "platform/platform.hpp"
#include "roofline/analysis.hpp"

namespace qtb {

struct DesignSpace {
  std::string models = "all", prunes = "all", precisions = "all", platforms = "all",
              op_modes = "all", storage = "weights-offchip";
  std::int64_t batch = 1;
};

// Parses every list before any cost is computed (InputError naming a bad one).
AnalysisRequest make_analysis_request(const DesignSpace& space,
                                      const std::vector<Platform>& catalog);

}  // namespace qtb
