#include "engine/reference/float_executor.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <variant>

#include <fmt/format.h>

#include "engine/backend.hpp"
#include "graph/float_node_math.hpp"

namespace qtb {
namespace {

using Tensor = std::vector<float>;

std::size_t index(const Shape& s, std::int64_t c, std::int64_t y, std::int64_t x) {
  return static_cast<std::size_t>((c * s.height + y) * s.width + x);
}

std::vector<float> rounded(std::vector<float> values, FloatFormat format) {
  for (auto& v : values) v = round_to(format, v);
  return values;
}

Tensor conv2d(const Node& node, const Shape& in_shape, const Tensor& in) {
  const auto& a = std::get<Conv2dAttrs>(node.attrs);
  const Shape& out_shape = node.output;
  const std::int64_t in_per_group = in_shape.channels / a.groups;
  const std::int64_t out_per_group = out_shape.channels / a.groups;
  Tensor out(static_cast<std::size_t>(out_shape.elements()));
  for (std::int64_t oc = 0; oc < out_shape.channels; ++oc) {
    const std::int64_t group = oc / out_per_group;
    const float bias = node.bias.empty() ? 0.0f : node.bias[static_cast<std::size_t>(oc)];
    for (std::int64_t oy = 0; oy < out_shape.height; ++oy) {
      for (std::int64_t ox = 0; ox < out_shape.width; ++ox) {
        float acc = 0.0f;
        for (std::int64_t i = 0; i < in_per_group; ++i) {
          const std::int64_t ic = group * in_per_group + i;
          for (int ky = 0; ky < a.kernel_h; ++ky) {
            const std::int64_t iy = oy * a.stride_h - a.pad_h + ky;
            if (iy < 0 || iy >= in_shape.height) continue;
            for (int kx = 0; kx < a.kernel_w; ++kx) {
              const std::int64_t ix = ox * a.stride_w - a.pad_w + kx;
              if (ix < 0 || ix >= in_shape.width) continue;
              const auto w = static_cast<std::size_t>(
                  ((oc * in_per_group + i) * a.kernel_h + ky) * a.kernel_w + kx);
              acc += node.weights[w] * in[index(in_shape, ic, iy, ix)];
            }
          }
        }
        out[index(out_shape, oc, oy, ox)] = acc + bias;
      }
    }
  }
  return out;
}

Tensor dense(const Node& node, const Tensor& in) {
  const auto outputs = static_cast<std::size_t>(node.output.channels);
  const std::size_t inputs = in.size();
  Tensor out(outputs);
  for (std::size_t o = 0; o < outputs; ++o) {
    float acc = 0.0f;
    for (std::size_t i = 0; i < inputs; ++i) acc += node.weights[o * inputs + i] * in[i];
    out[o] = acc + (node.bias.empty() ? 0.0f : node.bias[o]);
  }
  return out;
}

// Max or average over each window; only elements inside the input are read.
Tensor pool(const Node& node, const Shape& in_shape, const Tensor& in, bool average) {
  const auto& a = std::get<PoolAttrs>(node.attrs);
  const Shape& out_shape = node.output;
  const auto area = static_cast<float>(a.kernel * a.kernel);
  Tensor out(static_cast<std::size_t>(out_shape.elements()));
  for (std::int64_t c = 0; c < out_shape.channels; ++c) {
    for (std::int64_t oy = 0; oy < out_shape.height; ++oy) {
      for (std::int64_t ox = 0; ox < out_shape.width; ++ox) {
        float sum = 0.0f;
        float max = -INFINITY;
        for (int ky = 0; ky < a.kernel; ++ky) {
          const std::int64_t iy = oy * a.stride - a.pad + ky;
          if (iy < 0 || iy >= in_shape.height) continue;
          for (int kx = 0; kx < a.kernel; ++kx) {
            const std::int64_t ix = ox * a.stride - a.pad + kx;
            if (ix < 0 || ix >= in_shape.width) continue;
            const float v = in[index(in_shape, c, iy, ix)];
            sum += v;
            max = std::max(max, v);
          }
        }
        out[index(out_shape, c, oy, ox)] = average ? sum / area : max;
      }
    }
  }
  return out;
}

}  // namespace

FloatExecutor::FloatExecutor(const Graph& graph, FloatFormat storage)
    : graph_(graph), storage_(storage), batch_norms_(static_cast<std::size_t>(graph.size())) {
  if (graph.size() == 0) throw UnsupportedError("graph '" + graph.name() + "' is empty");
  if (!graph.has_all_weights()) {
    throw UnsupportedError("graph '" + graph.name() + "' lacks weights");
  }
  for (int id = 0; id < graph.size(); ++id) {
    const Node& node = graph.node(id);
    if (node.kind == OpKind::Input) {
      if (input_node_ >= 0) {
        throw UnsupportedError("graph '" + graph.name() + "' has more than one input");
      }
      input_node_ = id;
    } else if (node.kind == OpKind::Conv2d || node.kind == OpKind::Dense) {
      graph_.set_weights(id, rounded(node.weights, storage), rounded(node.bias, storage));
    } else if (node.kind == OpKind::BatchNorm) {
      ChannelAffine affine = batch_norm_affine(graph, id);
      affine.scale = rounded(std::move(affine.scale), storage);
      affine.shift = rounded(std::move(affine.shift), storage);
      batch_norms_[static_cast<std::size_t>(id)] = std::move(affine);
    }
  }
  if (input_node_ < 0) throw UnsupportedError("graph '" + graph.name() + "' has no input");
  output_node_ = graph.size() - 1;
  if (graph.node(output_node_).kind == OpKind::Softmax) {
    output_node_ = graph.node(output_node_).inputs.front();
  }
  last_use_.assign(static_cast<std::size_t>(graph.size()), -1);
  for (int id = 0; id < graph.size(); ++id) {
    for (int from : graph.node(id).inputs) last_use_[static_cast<std::size_t>(from)] = id;
  }
}

std::vector<float> FloatExecutor::compute(int id,
                                          const std::vector<std::vector<float>>& values) const {
  const Node& node = graph_.node(id);
  auto input = [&](std::size_t i) -> const Tensor& {
    return values[static_cast<std::size_t>(node.inputs.at(i))];
  };
  auto input_shape = [&](std::size_t i) -> const Shape& { return graph_.shape(node.inputs.at(i)); };
  switch (node.kind) {
    case OpKind::Input:
      throw std::logic_error("FloatExecutor: the input node is not computed");
    case OpKind::Conv2d:
      return conv2d(node, input_shape(0), input(0));
    case OpKind::Dense:
      return dense(node, input(0));
    case OpKind::MaxPool:
      return pool(node, input_shape(0), input(0), false);
    case OpKind::AvgPool:
      return pool(node, input_shape(0), input(0), true);
    default:
      break;
  }
  std::vector<const Tensor*> inputs;
  for (const int in : node.inputs) inputs.push_back(&values[static_cast<std::size_t>(in)]);
  if (auto out = elementwise_node_output(node, inputs, input_shape(0),
                                         batch_norms_[static_cast<std::size_t>(id)])) {
    return std::move(*out);
  }
  throw std::logic_error("FloatExecutor: unknown node kind");
}

void FloatExecutor::run(std::span<const float> input, std::span<float> output,
                        const Observer& observer) const {
  const auto in_size = static_cast<std::size_t>(input_shape().elements());
  const auto out_size = static_cast<std::size_t>(output_shape().elements());
  if (input.size() != in_size || output.size() != out_size) {
    throw std::invalid_argument(
        fmt::format("FloatExecutor::run: expected {} input and {} output values, got {} and {}",
                    in_size, out_size, input.size(), output.size()));
  }
  std::vector<Tensor> values(static_cast<std::size_t>(graph_.size()));
  for (int id = 0; id <= output_node_; ++id) {
    Tensor value;
    if (id == input_node_) {
      value.assign(input.begin(), input.end());
    } else {
      value = compute(id, values);
    }
    for (auto& v : value) v = round_to(storage_, v);
    if (observer) observer(id, value);
    values[static_cast<std::size_t>(id)] = std::move(value);
    // Release inputs no later node reads (keeps memory at the live set of a large network).
    for (int from : graph_.node(id).inputs) {
      if (last_use_[static_cast<std::size_t>(from)] == id && from != output_node_) {
        Tensor().swap(values[static_cast<std::size_t>(from)]);
      }
    }
  }
  const Tensor& result = values[static_cast<std::size_t>(output_node_)];
  std::copy(result.begin(), result.end(), output.begin());
}

}  // namespace qtb
