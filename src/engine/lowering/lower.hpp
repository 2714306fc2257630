#pragma once
// Derives the integer network of an integer precision from a float Graph with weights.
#include <cstdint>

#include "engine/lowering/lowered_model.hpp"
#include "graph/graph.hpp"

namespace qtb {

struct LoweringOptions {
  // Activation scales come from a float reference run on this many seeded random inputs
  // (uniform pixels in [0, 1]): scale = max |x| / max level of each activation tensor.
  int calibration_inputs = 8;
  std::uint64_t calibration_seed = 7;
};

// Throws UnsupportedError for a float precision or a node kind it cannot lower.
LoweredModel lower(const Graph& graph, const Precision& precision,
                   const LoweringOptions& options = {});

}  // namespace qtb
