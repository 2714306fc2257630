#pragma once
// Seeded random weights for networks without trained ones: timing a dense kernel does not depend
// on the values, and every backend must still agree with the reference on them.
#include <cstdint>

#include "graph/graph.hpp"

namespace qtb {

// Conv/dense: He-normal (std = sqrt(2 / fan_in)), biases N(0, 0.01); batchnorm: gamma U(0.5, 1.5),
// beta N(0, 0.1), mean N(0, 0.1), variance U(0.5, 1.5). Deterministic for a seed on every
// platform (core/random.hpp's generator, no std:: distributions).
void fill_random_weights(Graph& graph, std::uint64_t seed);

}  // namespace qtb
