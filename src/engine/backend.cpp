#include "engine/backend.hpp"

#include <fmt/format.h>
#include <algorithm>

namespace qtb {

void check_supported(const Backend& backend, const Graph& graph, const Precision& precision,
                     const CompileOptions& options) {
  const BackendCapabilities caps = backend.capabilities();
  if (std::find(caps.precisions.begin(), caps.precisions.end(), precision) ==
      caps.precisions.end()) {
    throw UnsupportedError(
        fmt::format("backend {} does not support precision {}", backend.name(), precision.name()));
  }
  for (const auto& node : graph.nodes()) {
    if (std::find(caps.layers.begin(), caps.layers.end(), node.kind) == caps.layers.end()) {
      throw UnsupportedError(fmt::format("backend {} does not support {} layers (node '{}')",
                                         backend.name(), to_string(node.kind), node.name));
    }
  }
  if (is_float(precision.weights) && !caps.float_quantizers) {
    for (const auto& node : graph.nodes()) {
      if (node.kind == OpKind::Quantizer) {
        throw UnsupportedError(fmt::format(
            "backend {} runs quantizer nodes only at integer precisions (node '{}'); run the "
            "variant at its own precision, or on the reference backend",
            backend.name(), node.name));
      }
    }
  }
  if (options.threads < 1 || options.threads > caps.max_threads) {
    throw UnsupportedError(fmt::format("backend {} supports 1 to {} threads, asked for {}",
                                       backend.name(), caps.max_threads, options.threads));
  }
  if (options.max_batch < 1) throw UnsupportedError("max_batch must be at least 1");
  if (!graph.has_all_weights()) {
    throw UnsupportedError(
        fmt::format("graph '{}' lacks weights (fill_random_weights or load a "
                    "trained model first)",
                    graph.name()));
  }
}

}  // namespace qtb
