#pragma once
// Paper Eq. 1: attainable ops/s = min(peak for the data type, bandwidth x OI); predicted fps =
// attainable / ops per input. Weights and activations are placed by the platform's one carrier
// rule (platform.hpp, place_precision): a type the platform lacks runs in the catalog's carrier
// type, held at the carrier's width unless the backend keeps it packed, or is reported
// unsupported, never silently.
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
  bool native = false;              // both operands in their own type
  Precision stored;                 // the operands' types in memory, whose bytes give the OI
  std::string storage;              // storage_note(): "native", "weights in INT8 (carrier)", ...
  std::string backend;              // the backend whose packed storage applies, or ""

  double peak_ops = 0;        // ops/s for the carrier
  double bandwidth = 0;       // bytes/s
  double oi = 0;              // ops/byte of the stored types, under the storage model
  double attainable_ops = 0;  // ops/s
  double fps = 0;             // inputs/s
  Bound bound = Bound::Compute;
};

// `cost` is the variant's cost at its own precision; the graph is needed to recost it when it is
// held in a wider carrier type. `backend`: the backend that runs it, where known (empty: carriers
// only), for the platform's packed storage.
Prediction predict(const Graph& graph, const NetworkCost& cost, const Platform& platform,
                   const OpMode& mode, std::string_view backend = {});

}  // namespace qtb
