#pragma once
// Which graphs the trainer accepts, and the graph it trains: for an integer activation precision,
// the input graph with an explicit Quantizer node after every hidden activation, so that lower()
// uses the trained quantizer instead of calibrating one.
#include "core/precision.hpp"
#include "graph/graph.hpp"

namespace qtb::train_detail {

// Throws InputError unless `graph` is a chain (every node reads the one before it) of input,
// conv2d (groups 1), dense, batchnorm, activation, max pool, flatten and quantizer nodes,
// optionally ending in a softmax, with a dense or conv producing the logits.
void check_trainable(const Graph& graph);

// The graph to train at `precision` (checked by check_trainable). Quantizer nodes already present
// are kept (their bits must be the precision's activation bits); float activations add none.
Graph training_graph(const Graph& graph, const Precision& precision);

// 0 for float weights, else the weight bits.
int weight_bits(const Precision& precision);
int activation_bits(const Precision& precision);

}  // namespace qtb::train_detail
