#include "roofline/roofline.hpp"

#include <fmt/format.h>
#include <algorithm>

namespace qtb {

std::string_view to_string(Bound bound) {
  return bound == Bound::Compute ? "compute" : "memory";
}

Prediction predict(const Graph& graph, const NetworkCost& cost, const Platform& platform,
                   const OpMode& mode) {
  Prediction p;
  p.platform = platform.name;
  p.op_mode = mode.name;
  p.bandwidth = platform.memory_bandwidth;
  const DataType wanted = cost.precision.compute_type();
  DataType runs_in = wanted;
  if (!mode.peak_ops.contains(wanted)) {
    const auto carrier = platform.carriers.find(wanted);
    if (carrier == platform.carriers.end() || !mode.peak_ops.contains(carrier->second)) {
      p.reason = fmt::format("{} has no {} peak and no carrier type for it", platform.name,
                             to_string(wanted));
      return p;
    }
    runs_in = carrier->second;
  }
  p.supported = true;
  p.native = runs_in == wanted;
  p.carrier = runs_in;
  p.peak_ops = mode.peak_ops.at(runs_in);
  // In a carrier, weights and activations are held at the carrier's width, which lowers the OI.
  const double oi =
      p.native ? cost.oi : compute_cost(graph, Precision::uniform(runs_in), cost.storage).oi;
  p.oi = oi;
  const double memory_roof = p.bandwidth * oi;
  p.attainable_ops = std::min(p.peak_ops, memory_roof);
  p.bound = p.peak_ops <= memory_roof ? Bound::Compute : Bound::Memory;
  p.fps = cost.ops > 0 ? p.attainable_ops / static_cast<double>(cost.ops) : 0.0;
  return p;
}

}  // namespace qtb
