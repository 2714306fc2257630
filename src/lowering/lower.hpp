#pragma once
// Derives the integer network of an integer precision from a float Graph with weights.
#include <cstdint>
#include <optional>
#include <string>

#include "graph/graph.hpp"
#include "lowering/lowered_model.hpp"

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

// lower()'s refusal of `graph` at `precision` as far as the graph's structure tells (a float
// precision, no weights, a node it cannot fold, the network's end), with the same message, or
// nothing; cheap: no calibration, no quantization. lower() may still refuse what only those show
// (non-finite calibration values, an add's scale ratio, a layer whose accumulators could overflow).
std::optional<std::string> lowering_refusal(const Graph& graph, const Precision& precision);

}  // namespace qtb
