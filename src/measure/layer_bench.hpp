#pragma once
// Layer micro-benchmarks (levels L1 and L2): each layer of the compiled model, as the backend runs
// it (its fused steps, with their reorders and requantization), timed alone by the harness's rules
// (warm-up, minimum time and count, percentiles, validity).
//
// The layer runs inside the compiled network, on the buffers a whole run left there: the same
// kernels, the same packed weights and the same input levels as in L3. A layer is the run of
// consecutive steps that belong to one graph node (oneDNN: reorder + convolution + requantize;
// lowbit: im2col + pack + gemm + requantize in one step).
//  - L1, warm: repeated on the same buffers, so weights and activations are in cache.
//  - L2, cold: before each timed call (outside its time) a buffer of twice the last-level cache
//    is read through, so the layer's weights and input come from DRAM.
#include <cstdint>
#include <string_view>
#include <vector>

#include "measure/deployment.hpp"
#include "measure/result_row.hpp"

namespace qtb {

enum class LayerLevel { L1, L2 };

// "L1" or "L2"; throws InputError naming the value for anything else.
LayerLevel parse_layer_level(std::string_view text);
std::string_view to_string(LayerLevel level);

// One row per layer, in execution order. Rows carry the point's variant and deployment, level,
// layer, layer_type, the layer's own ops/bytes/OI and roofline (when context.platform is set),
// measured fps_compute, latency_compute_ms and gops_measured; the system figures stay empty.
// `per_layer` is called with each finished row (progress, streaming output).
std::vector<ResultRow> measure_layers(const DeploymentRequest& point, const MeasureContext& context,
                                      LayerLevel level,
                                      const std::function<void(const ResultRow&)>& per_layer = {});

}  // namespace qtb
