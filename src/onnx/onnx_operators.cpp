// One method per ONNX operator: its attributes checked against what our graph can express, then
// the node (with its weights) added. What the graph cannot express is refused, saying why.
#include <fmt/format.h>

#include <cfloat>
#include <cmath>

#include "core/text.hpp"
#include "graph/batch_norm.hpp"
#include "onnx/onnx_converter.hpp"

namespace qtb {
namespace {

bool all_equal(const std::vector<std::int64_t>& values, std::int64_t wanted) {
  for (std::int64_t v : values)
    if (v != wanted) return false;
  return true;
}

int narrow_int(std::int64_t value) {
  return static_cast<int>(std::clamp<std::int64_t>(value, -(1 << 30), 1 << 30));
}

}  // namespace

void OnnxConverter::conv(const onnx::NodeProto& node) {
  const NodeAttributes attributes(node);
  const Value& in_value = value(node, 0);
  PendingPad folded;
  if (const auto* pending = std::get_if<PendingPad>(&in_value)) {
    folded = *pending;
  } else {
    folded.source = activation(node, 0);
  }
  const Activation in = folded.source;
  const ConstantTensor& weights = constant(node, 1);
  const ConstantTensor* bias = optional_constant(node, 2);
  if (in.rank != 4 || weights.dims.size() != 4 || weights.is_integer) {
    fail(node, "only 2-D convolutions of N x C x H x W inputs with FLOAT weights are supported");
  }
  const std::string auto_pad = attributes.text("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID") {
    fail(node, fmt::format("auto_pad {} is not supported (give explicit pads)",
                           quote_value(auto_pad, 20)));
  }
  if (!all_equal(attributes.integers("dilations", {1, 1}), 1)) {
    fail(node, "dilations other than 1 are not supported");
  }
  const std::int64_t groups = attributes.integer("group", 1);
  const std::vector<std::int64_t> kernel =
      attributes.integers("kernel_shape", {weights.dims[2], weights.dims[3]});
  const std::vector<std::int64_t> strides = attributes.integers("strides", {1, 1});
  const std::vector<std::int64_t> pads = attributes.integers("pads", {0, 0, 0, 0});
  if (kernel.size() != 2 || kernel[0] != weights.dims[2] || kernel[1] != weights.dims[3] ||
      strides.size() != 2 || pads.size() != 4) {
    fail(node, "kernel_shape, strides and pads must describe a 2-D convolution of its weights");
  }
  if (pads[0] != pads[2] || pads[1] != pads[3]) {
    fail(node, fmt::format("asymmetric pads [{}, {}, {}, {}] are not supported", pads[0], pads[1],
                           pads[2], pads[3]));
  }
  const Shape& in_shape = graph_.shape(in.node);
  if (groups <= 0 || weights.dims[1] * groups != in_shape.channels) {
    fail(node, fmt::format("weights {} x {} x {} x {} with group {} do not fit {} input channels",
                           weights.dims[0], weights.dims[1], weights.dims[2], weights.dims[3],
                           groups, in_shape.channels));
  }
  Conv2dAttrs attrs;
  attrs.out_channels = weights.dims[0];
  attrs.kernel_h = narrow_int(kernel[0]);
  attrs.kernel_w = narrow_int(kernel[1]);
  attrs.stride_h = narrow_int(strides[0]);
  attrs.stride_w = narrow_int(strides[1]);
  attrs.pad_h = narrow_int(pads[0] + folded.pad_h);
  attrs.pad_w = narrow_int(pads[1] + folded.pad_w);
  attrs.groups = groups;
  attrs.bias = bias != nullptr;
  if (bias && (bias->is_integer || bias->elements() != attrs.out_channels)) {
    fail(node, fmt::format("the bias must hold {} FLOAT values", attrs.out_channels));
  }
  const int id = graph_.conv2d(in.node, attrs, node_name(node));
  graph_.set_weights(id, weights.floats, bias ? bias->floats : std::vector<float>{});
  define(node, Activation{id, 4});
}

const ConstantTensor* OnnxConverter::absorbed_bias(const onnx::NodeProto& node,
                                                   std::int64_t features) {
  const auto readers = consumers_.find(node.output(0));
  if (readers == consumers_.end() || readers->second.size() != 1 || readers->second[0] < 0) {
    return nullptr;
  }
  const int next = readers->second[0];
  const onnx::NodeProto& add = onnx_graph_.node(next);
  if (add.op_type() != "Add" || add.input_size() != 2) return nullptr;
  const std::string& other = add.input(0) == node.output(0) ? add.input(1) : add.input(0);
  const auto it = values_.find(other);
  if (it == values_.end() || !std::holds_alternative<ConstantTensor>(it->second)) return nullptr;
  const ConstantTensor& bias = std::get<ConstantTensor>(it->second);
  const bool vector = bias.dims.size() == 1 || (bias.dims.size() == 2 && bias.dims[0] == 1);
  if (bias.is_integer || !vector || bias.elements() != features) return nullptr;
  absorbed_.insert(next);
  return &bias;
}

void OnnxConverter::dense(const onnx::NodeProto& node, const Activation& in,
                          std::vector<float> weights, bool k_by_n, const ConstantTensor* bias) {
  const std::int64_t in_features = graph_.shape(in.node).elements();
  const auto out_features = static_cast<std::int64_t>(weights.size()) / in_features;
  if (k_by_n) {  // ONNX's K x N to our N x K
    std::vector<float> transposed(weights.size());
    for (std::int64_t k = 0; k < in_features; ++k) {
      for (std::int64_t n = 0; n < out_features; ++n) {
        transposed[static_cast<std::size_t>(n * in_features + k)] =
            weights[static_cast<std::size_t>(k * out_features + n)];
      }
    }
    weights = std::move(transposed);
  }
  if (!bias) bias = absorbed_bias(node, out_features);
  DenseAttrs attrs;
  attrs.out_features = out_features;
  attrs.bias = bias != nullptr;
  const int id = graph_.dense(in.node, attrs, node_name(node));
  graph_.set_weights(id, std::move(weights), bias ? bias->floats : std::vector<float>{});
  define(node, Activation{id, 2});
}

void OnnxConverter::gemm(const onnx::NodeProto& node) {
  const NodeAttributes attributes(node);
  const Activation in = activation(node, 0);
  const ConstantTensor& weights = constant(node, 1);
  const ConstantTensor* bias = optional_constant(node, 2);
  if (in.rank != 2) fail(node, "Gemm needs an N x features input (add a Flatten)");
  if (attributes.integer("transA", 0) != 0 || attributes.number("alpha", 1.0f) != 1.0f ||
      (bias && attributes.number("beta", 1.0f) != 1.0f)) {
    fail(node, "only Gemm with transA = 0, alpha = 1 and beta = 1 is supported");
  }
  const bool trans_b = attributes.integer("transB", 0) != 0;
  const std::int64_t in_features = graph_.shape(in.node).elements();
  if (weights.dims.size() != 2 || weights.is_integer ||
      weights.dims[trans_b ? 1 : 0] != in_features) {
    fail(node, fmt::format("B must be a 2-D FLOAT constant with {} {}", in_features,
                           trans_b ? "columns" : "rows"));
  }
  const std::int64_t out_features = weights.dims[trans_b ? 0 : 1];
  if (bias) {
    const bool vector = bias->dims.size() == 1 || (bias->dims.size() == 2 && bias->dims[0] == 1);
    if (bias->is_integer || !vector || bias->elements() != out_features) {
      fail(node, fmt::format("C must hold {} FLOAT values (one per output)", out_features));
    }
  }
  dense(node, in, weights.floats, !trans_b, bias);
}

void OnnxConverter::mat_mul(const onnx::NodeProto& node) {
  const Activation in = activation(node, 0);
  const ConstantTensor& weights = constant(node, 1);
  const std::int64_t in_features = graph_.shape(in.node).elements();
  if (in.rank != 2 || weights.dims.size() != 2 || weights.is_integer ||
      weights.dims[0] != in_features) {
    fail(node, fmt::format("only an N x {} input times a 2-D FLOAT constant with {} rows is "
                           "supported",
                           in_features, in_features));
  }
  dense(node, in, weights.floats, true, nullptr);
}

void OnnxConverter::batch_normalization(const onnx::NodeProto& node) {
  const NodeAttributes attributes(node);
  const Activation in = activation(node, 0);
  if (attributes.integer("training_mode", 0) != 0 || attributes.integer("spatial", 1) != 1) {
    fail(node, "only inference-mode, spatial batchnorm is supported");
  }
  check_extra_outputs_unused(node);
  const std::int64_t channels = graph_.shape(in.node).channels;
  if (in.rank == 2 && !graph_.shape(in.node).is_flat()) fail(node, "unexpected input shape");
  std::vector<float> parameters;  // gamma, beta, mean, variance, as Graph::batch_norm stores them
  for (int input = 1; input <= 4; ++input) {
    const ConstantTensor& t = constant(node, input);
    if (t.is_integer || t.elements() != channels) {
      fail(node, fmt::format("input {} must hold {} FLOAT values (one per channel)",
                             quote_value(node.input(input), 60), channels));
    }
    parameters.insert(parameters.end(), t.floats.begin(), t.floats.end());
  }
  // Our batchnorm divides by sqrt(var + kBatchNormEpsilon): another epsilon moves into var.
  const float epsilon = attributes.number("epsilon", 1e-5f);
  if (epsilon != kBatchNormEpsilon) {
    for (std::int64_t c = 0; c < channels; ++c) {
      parameters[static_cast<std::size_t>(3 * channels + c)] += epsilon - kBatchNormEpsilon;
    }
  }
  const int id = graph_.batch_norm(in.node, node_name(node));
  graph_.set_weights(id, std::move(parameters));
  define(node, Activation{id, in.rank});
}

void OnnxConverter::clip(const onnx::NodeProto& node) {
  const NodeAttributes attributes(node);
  const Activation in = activation(node, 0);
  float low = -FLT_MAX;
  float high = FLT_MAX;
  if (opset_ < 11) {
    low = attributes.number("min", low);
    high = attributes.number("max", high);
  } else {
    for (int input : {1, 2}) {
      if (const ConstantTensor* bound = optional_constant(node, input)) {
        if (bound->is_integer || bound->elements() != 1) fail(node, "min and max must be scalars");
        (input == 1 ? low : high) = bound->floats.front();
      }
    }
  }
  const Node& from = graph_.node(in.node);
  const bool follows_relu = from.kind == OpKind::Activation &&
                            std::get<ActivationAttrs>(from.attrs).kind == ActivationKind::ReLU;
  ActivationKind kind = ActivationKind::ReLU;
  if (low == 0.0f && (high >= FLT_MAX || std::isinf(high))) {
    kind = ActivationKind::ReLU;
  } else if (high == 6.0f && (low == 0.0f || (low <= -FLT_MAX && follows_relu))) {
    kind = ActivationKind::ReLU6;  // PyTorch writes relu6 as Relu, then Clip(max = 6)
  } else if (low == -1.0f && high == 1.0f) {
    kind = ActivationKind::HardTanh;
  } else {
    fail(node, fmt::format("Clip to [{}, {}] is not supported (to [0, inf] as ReLU, [0, 6] as "
                           "ReLU6 and [-1, 1] as HardTanh are)",
                           low, high));
  }
  define(node, Activation{graph_.activation(in.node, kind, node_name(node)), in.rank});
}

void OnnxConverter::pool(const onnx::NodeProto& node, bool average) {
  const NodeAttributes attributes(node);
  PendingPad folded;
  const Value& in_value = value(node, 0);
  if (const auto* pending = std::get_if<PendingPad>(&in_value); pending && average) {
    folded = *pending;
  } else {
    folded.source = activation(node, 0);
  }
  const Activation in = folded.source;
  check_extra_outputs_unused(node);
  if (in.rank != 4) fail(node, "pooling needs an N x C x H x W input");
  const std::vector<std::int64_t> kernel = attributes.integers("kernel_shape", {});
  const std::vector<std::int64_t> strides = attributes.integers("strides", {1, 1});
  const std::vector<std::int64_t> pads = attributes.integers("pads", {0, 0, 0, 0});
  const std::string auto_pad = attributes.text("auto_pad", "NOTSET");
  if (kernel.size() != 2 || kernel[0] != kernel[1] || strides.size() != 2 ||
      strides[0] != strides[1] || pads.size() != 4 || !all_equal(pads, pads[0]) ||
      folded.pad_h != folded.pad_w) {
    fail(node, "only square windows, equal strides and equal pads on all sides are supported");
  }
  if ((auto_pad != "NOTSET" && auto_pad != "VALID") ||
      !all_equal(attributes.integers("dilations", {1, 1}), 1) ||
      attributes.integer("storage_order", 0) != 0) {
    fail(node, "auto_pad, dilations and storage_order are not supported");
  }
  PoolAttrs attrs;
  attrs.kernel = narrow_int(kernel[0]);
  attrs.stride = narrow_int(strides[0]);
  attrs.pad = narrow_int(pads[0] + folded.pad_h);
  attrs.ceil_mode = attributes.integer("ceil_mode", 0) != 0;
  const std::string name = node_name(node);
  if (!average) {
    define(node, Activation{graph_.max_pool(in.node, attrs, name), 4});
    return;
  }
  // Our average divides by the whole kernel area: the same as ONNX where padding counts
  // (count_include_pad = 1, or a folded Pad's zeros), or where no window touches padding.
  if (pads[0] > 0 && attributes.integer("count_include_pad", 0) == 0) {
    fail(node,
         "AveragePool with pads and count_include_pad = 0 is not supported (our average "
         "counts the padding)");
  }
  const Shape& s = graph_.shape(in.node);
  const int id = graph_.avg_pool(in.node, attrs, name);
  const auto floor_size = [&](std::int64_t size) {
    return (size + 2 * attrs.pad - attrs.kernel) / attrs.stride + 1;
  };
  if (graph_.shape(id).height != floor_size(s.height) ||
      graph_.shape(id).width != floor_size(s.width)) {
    fail(node,
         "AveragePool with ceil_mode whose last window overhangs the input is not "
         "supported");
  }
  define(node, Activation{id, 4});
}

void OnnxConverter::add(const onnx::NodeProto& node) {
  if (node.input_size() != 2) fail(node, "Add has two inputs");
  for (int i = 0; i < 2; ++i) {
    if (std::holds_alternative<ConstantTensor>(value(node, i))) {
      fail(node, "adding a constant is supported only as the bias right after a Gemm or MatMul");
    }
  }
  const Activation a = activation(node, 0);
  const Activation b = activation(node, 1);
  if (a.rank != b.rank || graph_.shape(a.node) != graph_.shape(b.node)) {
    fail(node, "only adding two tensors of the same shape is supported (no broadcasting)");
  }
  define(node, Activation{graph_.add({a.node, b.node}, node_name(node)), a.rank});
}

void OnnxConverter::concat(const onnx::NodeProto& node) {
  const NodeAttributes attributes(node);
  std::vector<int> inputs;
  const int rank = activation(node, 0).rank;
  for (int i = 0; i < node.input_size(); ++i) {
    const Activation in = activation(node, i);
    if (in.rank != rank) fail(node, "its inputs differ in rank");
    inputs.push_back(in.node);
  }
  const std::int64_t axis = attributes.integer("axis", 1);
  if (axis != 1 && axis != 1 - rank) fail(node, "only concatenation along the channels (axis 1)");
  define(node, Activation{graph_.concat(inputs, node_name(node)), rank});
}

void OnnxConverter::flatten(const onnx::NodeProto& node) {
  const NodeAttributes attributes(node);
  const Activation in = activation(node, 0);
  const std::int64_t axis = attributes.integer("axis", 1);
  if (axis != 1 && axis != 1 - in.rank) fail(node, "only Flatten with axis 1 (N x rest)");
  define(node, Activation{graph_.flatten(in.node, node_name(node)), 2});
}

void OnnxConverter::reshape(const onnx::NodeProto& node) {
  const NodeAttributes attributes(node);
  const Activation in = activation(node, 0);
  const ConstantTensor& shape = constant(node, 1);
  const std::int64_t elements = graph_.shape(in.node).elements();
  bool flat = shape.is_integer && shape.integers.size() == 2;
  if (flat) {
    const std::int64_t batch = shape.integers[0];
    const std::int64_t rest = shape.integers[1];
    const bool zero_copies = attributes.integer("allowzero", 0) == 0;
    flat = (rest == elements && (batch == -1 || batch == 1 || (batch == 0 && zero_copies))) ||
           (rest == -1 && (batch == 1 || (batch == 0 && zero_copies)));
  }
  if (!flat) fail(node, fmt::format("only a Reshape to N x {} is supported", elements));
  define(node, Activation{graph_.flatten(in.node, node_name(node)), 2});
}

void OnnxConverter::softmax(const onnx::NodeProto& node) {
  const NodeAttributes attributes(node);
  const Activation in = activation(node, 0);
  const std::int64_t axis = attributes.integer("axis", opset_ < 13 ? 1 : -1);
  if (in.rank != 2 || (axis != 1 && axis != -1)) {
    fail(node, "only Softmax over the features of an N x features tensor is supported");
  }
  define(node, Activation{graph_.softmax(in.node, node_name(node)), 2});
}

void OnnxConverter::pad(const onnx::NodeProto& node) {
  const NodeAttributes attributes(node);
  const Activation in = activation(node, 0);
  std::vector<std::int64_t> pads;
  float fill = 0.0f;
  if (opset_ < 11) {
    pads = attributes.integers("pads", {});
    fill = attributes.number("value", 0.0f);
  } else {
    const ConstantTensor& given = constant(node, 1);
    if (!given.is_integer) fail(node, "pads must be an integer constant");
    pads = given.integers;
    if (const ConstantTensor* value_input = optional_constant(node, 2)) {
      if (value_input->is_integer || value_input->elements() != 1) {
        fail(node, "the constant value must be a FLOAT scalar");
      }
      fill = value_input->floats.front();
    }
  }
  if (attributes.text("mode", "constant") != "constant" || fill != 0.0f || in.rank != 4 ||
      pads.size() != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 ||
      pads[2] != pads[6] || pads[3] != pads[7] || pads[2] < 0 || pads[3] < 0) {
    fail(node,
         "only zero padding, equal on both sides of H and W, is supported (it folds into "
         "the next Conv or AveragePool)");
  }
  define(node, PendingPad{in, narrow_int(pads[2]), narrow_int(pads[3]), node_name(node)});
}

void OnnxConverter::pass_through(const onnx::NodeProto& node) {
  if (node.op_type() == "Dropout") {
    check_extra_outputs_unused(node);
    if (const ConstantTensor* training = optional_constant(node, 2)) {
      const bool on =
          training->is_integer ? training->integers.at(0) != 0 : training->floats.at(0) != 0.0f;
      if (on) fail(node, "Dropout in training mode is not supported");
    }
  }
  define(node, value(node, 0));
}

}  // namespace qtb
