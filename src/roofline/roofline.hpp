#pragma once
// Paper Eq. 1: attainable ops/s = min(peak for the data type, bandwidth x OI); predicted fps =
// attainable / ops per input. A data type the platform lacks runs in the catalog's carrier type
// (weights stored and computed at the carrier's width) or is reported unsupported, never silently.
#include <optional>
#include <string>
#include <string_view>

#include "cost/cost.hpp"
#include "platform/platform.hpp"

namespace qtb {

enum class Bound { Compute, Memory };
std::string_view to_string(Bound bound);

struct Prediction {
  std::string platform;
  std::string op_mode;
  bool supported = false;
  std::string reason;               // why not supported (empty when supported)
  std::optional<DataType> carrier;  // the data type it executes in (== compute type when native)
  bool native = false;
  double peak_ops = 0;        // ops/s for the carrier
  double bandwidth = 0;       // bytes/s
  double oi = 0;              // ops/byte at the carrier's width, under the storage model
  double attainable_ops = 0;  // ops/s
  double fps = 0;             // inputs/s
  Bound bound = Bound::Compute;
};

// `cost` is the variant's cost at its own precision; the graph is needed to recost it when it runs
// in a wider carrier type.
Prediction predict(const Graph& graph, const NetworkCost& cost, const Platform& platform,
                   const OpMode& mode);

}  // namespace qtb
