#include "roofline/roofline.hpp"

#include <algorithm>

namespace qtb {

std::string_view to_string(Bound bound) {
  return bound == Bound::Compute ? "compute" : "memory";
}

Prediction predict(const Graph& graph, const NetworkCost& cost, const Platform& platform,
                   const OpMode& mode, std::string_view backend) {
  Prediction p;
  p.platform = platform.name;
  p.op_mode = mode.name;
  p.bandwidth = platform.memory_bandwidth;
  const Placement placement = place_precision(platform, mode, cost.precision, backend);
  if (!placement.supported) {
    p.reason = placement.reason;
    return p;
  }
  p.supported = true;
  p.native = placement.native();
  p.carrier = placement.compute_type;
  p.stored = placement.stored;
  p.storage = storage_note(placement);
  p.backend = placement.packed_by;
  p.peak_ops = mode.peak_ops.at(placement.compute_type);
  // The bytes are those of the types the operands occupy in memory: a carrier's width, or the
  // operand's own where it is native or kept packed.
  p.oi = placement.stored == cost.precision
             ? cost.oi
             : compute_cost(graph, placement.stored, cost.storage).oi;
  const double memory_roof = p.bandwidth * p.oi;
  p.attainable_ops = std::min(p.peak_ops, memory_roof);
  p.bound = p.peak_ops <= memory_roof ? Bound::Compute : Bound::Memory;
  p.fps = cost.ops > 0 ? p.attainable_ops / static_cast<double>(cost.ops) : 0.0;
  return p;
}

}  // namespace qtb
