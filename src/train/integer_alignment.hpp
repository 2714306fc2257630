#pragma once
// Aligns a trained graph's batchnorm shifts with lower()'s integer arithmetic.
//
// lower() folds conv/dense + batchnorm into one requantizer whose bias is counted in accumulator
// units (input scale x weight scale) and rounded to an integer. With 2-bit activations one unit
// is a sizeable fraction of a level (e.g. 0.5 x 0.25 = 0.125 of a pre-activation of unit
// spread), so that rounding alone flips many activation levels and a few percent of the
// predictions of a freshly trained network. Moving each batchnorm's beta by less than half a
// unit so that the folded bias is an integer makes the rounding exact: the trainer's own forward
// of the returned graph and the integer network then compute the same levels (up to float
// summation order). Binary outputs need nothing (lower() thresholds them exactly); float
// logits (the last layer) are not rounded.
#include "core/precision.hpp"
#include "graph/graph.hpp"

namespace qtb::train_detail {

// For every conv/dense of `graph` (a training graph with weights) followed by one batchnorm and a
// multi-bit activation quantizer, whose input's scale is known (the 8-bit network input, or an
// explicit quantizer, through max pools and flattens): adjusts that batchnorm's beta.
void align_biases_with_integer_units(Graph& graph, const Precision& precision);

}  // namespace qtb::train_detail
