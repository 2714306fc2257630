#pragma once
// What the element-wise nodes compute in float32 on a CHW tensor, written once for the two float
// executors that must agree to the bit: the reference (engine/reference/float_executor) and the
// calibration executor of lower() (lowering/calibration_executor). The convolutions and pooling
// windows stay in each executor: the calibration one is vectorised, the reference one is plain.
#include <optional>
#include <span>
#include <vector>

#include "graph/batch_norm.hpp"
#include "graph/node.hpp"
#include "graph/shape.hpp"

namespace qtb {

// scale * clamp(round_half_even(x / scale)) to the quantizer's levels; 1 bit signed: sign(x) *
// scale with x >= 0 giving +1. NaN goes to the lowest level.
float fake_quantize_value(const QuantizerAttrs& q, float x);

void apply_activation(ActivationKind kind, std::span<float> values);
void apply_fake_quantize(const QuantizerAttrs& q, std::span<float> values);
// scale[c] * x + shift[c] for every element of channel c.
void apply_batch_norm(const ChannelAffine& affine, const Shape& shape, std::span<float> values);
// Softmax over the channels at each position.
void apply_softmax(const Shape& shape, std::span<float> values);
// values[i] += other[i].
void add_into(std::span<float> values, std::span<const float> other);

// Mean of each channel's plane.
std::vector<float> global_average_pool(const Shape& in_shape, std::span<const float> in);

// The output of a node that needs no weights of its own beyond a batchnorm's affine (BatchNorm,
// Activation, Quantizer, Add, Concat, Flatten, Softmax, GlobalAvgPool) from its inputs' values
// (inputs[i] holds node.inputs[i]); empty for the other kinds, which each executor computes.
std::optional<std::vector<float>> elementwise_node_output(
    const Node& node, std::span<const std::vector<float>* const> inputs,
    const Shape& first_input_shape, const ChannelAffine& batch_norm);

}  // namespace qtb
