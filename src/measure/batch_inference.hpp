#pragma once
// One batch through a backend, for `qutibench infer`: a user checks a backend's outputs on their
// own model and inputs.
#include <string>

#include "core/precision.hpp"
#include "data/npy_array.hpp"
#include "graph/graph.hpp"

namespace qtb {

// Runs `input` (N x C x H x W or N x features, matching the graph's input) through `backend` at
// `precision`. The output is N x C x H x W when the graph's output is spatial, else N x features
// (the logits: a trailing softmax is not applied). InputError when the input's shape does not
// fit, UnsupportedError when the backend refuses the graph or precision.
NpyArray infer_batch(const Graph& graph, const std::string& backend, const Precision& precision,
                     const NpyArray& input, int threads);

}  // namespace qtb
