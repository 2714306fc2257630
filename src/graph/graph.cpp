#include "graph/graph.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace qtb {
namespace {

// Output size of a sliding window; Caffe's ceil mode also drops a last window that would start
// entirely in the padding.
std::int64_t window_output(std::int64_t in, int kernel, int stride, int pad, bool ceil_mode) {
  const std::int64_t span = in + 2 * pad - kernel;
  if (span < 0) return 0;
  std::int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceil_mode && pad > 0 && (out - 1) * stride >= in + pad) --out;
  return out;
}

}  // namespace

void Graph::fail(const std::string& node_name, const std::string& message) const {
  throw InputError(fmt::format("graph '{}', node '{}': {}", name_, node_name, message));
}

void Graph::check_input(int from, const std::string& consumer) const {
  if (from < 0 || from >= size()) {
    fail(consumer, fmt::format("input index {} does not name an earlier node", from));
  }
}

int Graph::append(Node node) {
  if (node.name.empty()) {
    node.name = fmt::format("{}_{}", to_string(node.kind), nodes_.size());
  }
  for (const auto& existing : nodes_) {
    if (existing.name == node.name) fail(node.name, "duplicate node name");
  }
  nodes_.push_back(std::move(node));
  return size() - 1;
}

int Graph::input(Shape shape, std::string name) {
  if (shape.channels <= 0 || shape.height <= 0 || shape.width <= 0) {
    fail(name, "input shape must be positive, got " + shape.to_string());
  }
  return append({std::move(name), OpKind::Input, {}, InputAttrs{shape}, shape, {}, {}});
}

int Graph::conv2d(int from, const Conv2dAttrs& a, std::string name) {
  check_input(from, name);
  const Shape& in = shape(from);
  if (a.out_channels <= 0 || a.groups <= 0 || a.kernel_h <= 0 || a.kernel_w <= 0 ||
      a.stride_h <= 0 || a.stride_w <= 0 || a.pad_h < 0 || a.pad_w < 0) {
    fail(name, "conv2d needs positive channels, groups, kernel and stride, and padding >= 0");
  }
  if (in.channels % a.groups != 0 || a.out_channels % a.groups != 0) {
    fail(name, fmt::format("{} input and {} output channels are not divisible by {} groups",
                           in.channels, a.out_channels, a.groups));
  }
  const Shape out{a.out_channels, window_output(in.height, a.kernel_h, a.stride_h, a.pad_h, false),
                  window_output(in.width, a.kernel_w, a.stride_w, a.pad_w, false)};
  if (out.height <= 0 || out.width <= 0) {
    fail(name, fmt::format("{}x{} kernel with padding {},{} does not fit the {} input", a.kernel_h,
                           a.kernel_w, a.pad_h, a.pad_w, in.to_string()));
  }
  return append({std::move(name), OpKind::Conv2d, {from}, a, out, {}, {}});
}

int Graph::dense(int from, const DenseAttrs& a, std::string name) {
  check_input(from, name);
  if (a.out_features <= 0) fail(name, "dense needs a positive number of outputs");
  if (!shape(from).is_flat()) {
    fail(name, "dense needs a flat input, got " + shape(from).to_string() + " (add a flatten)");
  }
  return append({std::move(name), OpKind::Dense, {from}, a, Shape{a.out_features, 1, 1}, {}, {}});
}

int Graph::max_pool(int from, const PoolAttrs& a, std::string name) {
  check_input(from, name);
  const Shape& in = shape(from);
  if (a.kernel <= 0 || a.stride <= 0 || a.pad < 0 || a.pad >= a.kernel) {
    fail(name, "pooling needs kernel > 0, stride > 0 and 0 <= padding < kernel");
  }
  const Shape out{in.channels, window_output(in.height, a.kernel, a.stride, a.pad, a.ceil_mode),
                  window_output(in.width, a.kernel, a.stride, a.pad, a.ceil_mode)};
  if (out.height <= 0 || out.width <= 0) {
    fail(name,
         fmt::format("{}x{} window does not fit the {} input", a.kernel, a.kernel, in.to_string()));
  }
  return append({std::move(name), OpKind::MaxPool, {from}, a, out, {}, {}});
}

int Graph::avg_pool(int from, const PoolAttrs& a, std::string name) {
  const int id = max_pool(from, a, std::move(name));
  nodes_.back().kind = OpKind::AvgPool;  // same shape rule as max pooling
  return id;
}

int Graph::global_avg_pool(int from, std::string name) {
  check_input(from, name);
  return append({std::move(name),
                 OpKind::GlobalAvgPool,
                 {from},
                 NoAttrs{},
                 Shape{shape(from).channels, 1, 1},
                 {},
                 {}});
}

int Graph::batch_norm(int from, std::string name) {
  check_input(from, name);
  return append({std::move(name), OpKind::BatchNorm, {from}, NoAttrs{}, shape(from), {}, {}});
}

int Graph::activation(int from, ActivationKind kind, std::string name) {
  check_input(from, name);
  return append(
      {std::move(name), OpKind::Activation, {from}, ActivationAttrs{kind}, shape(from), {}, {}});
}

int Graph::quantizer(int from, const QuantizerAttrs& a, std::string name) {
  check_input(from, name);
  if (a.bits < 1 || a.bits > 32) fail(name, "quantizer bit width must be 1..32");
  if (!(a.scale > 0.0f)) fail(name, "quantizer scale must be positive");
  return append({std::move(name), OpKind::Quantizer, {from}, a, shape(from), {}, {}});
}

int Graph::add(const std::vector<int>& from, std::string name) {
  if (from.size() < 2) fail(name, "add needs at least two inputs");
  for (int id : from) {
    check_input(id, name);
    if (shape(id) != shape(from.front())) {
      fail(name, fmt::format("add inputs differ in shape: {} vs {}",
                             shape(from.front()).to_string(), shape(id).to_string()));
    }
  }
  return append({std::move(name), OpKind::Add, from, NoAttrs{}, shape(from.front()), {}, {}});
}

int Graph::concat(const std::vector<int>& from, std::string name) {
  if (from.empty()) fail(name, "concat needs inputs");
  Shape out = shape(from.front());
  out.channels = 0;
  for (int id : from) {
    check_input(id, name);
    const Shape& s = shape(id);
    if (s.height != out.height || s.width != out.width) {
      fail(name, fmt::format("concat inputs differ in spatial size: {} vs {}",
                             shape(from.front()).to_string(), s.to_string()));
    }
    out.channels += s.channels;
  }
  return append({std::move(name), OpKind::Concat, from, NoAttrs{}, out, {}, {}});
}

int Graph::flatten(int from, std::string name) {
  check_input(from, name);
  return append({std::move(name),
                 OpKind::Flatten,
                 {from},
                 NoAttrs{},
                 Shape{shape(from).elements(), 1, 1},
                 {},
                 {}});
}

int Graph::softmax(int from, std::string name) {
  check_input(from, name);
  return append({std::move(name), OpKind::Softmax, {from}, NoAttrs{}, shape(from), {}, {}});
}

std::int64_t Graph::weight_count(int id) const {
  const Node& n = node(id);
  if (n.kind == OpKind::Conv2d) {
    const auto& a = std::get<Conv2dAttrs>(n.attrs);
    return a.out_channels * (shape(n.inputs[0]).channels / a.groups) * a.kernel_h * a.kernel_w;
  }
  if (n.kind == OpKind::Dense) return n.output.channels * shape(n.inputs[0]).channels;
  if (n.kind == OpKind::BatchNorm) return 4 * n.output.channels;
  return 0;
}

bool Graph::has_all_weights() const {
  for (int id = 0; id < size(); ++id) {
    if (weight_count(id) > 0 && node(id).weights.empty()) return false;
  }
  return true;
}

std::int64_t Graph::bias_count(int id) const {
  const Node& n = node(id);
  if (n.kind == OpKind::Conv2d && std::get<Conv2dAttrs>(n.attrs).bias) return n.output.channels;
  if (n.kind == OpKind::Dense && std::get<DenseAttrs>(n.attrs).bias) return n.output.channels;
  return 0;
}

void Graph::set_weights(int id, std::vector<float> weights, std::vector<float> bias) {
  const Node& n = node(id);
  if (static_cast<std::int64_t>(weights.size()) != weight_count(id) || weight_count(id) == 0) {
    fail(n.name, fmt::format("expected {} weights, got {}", weight_count(id), weights.size()));
  }
  if (!bias.empty() && static_cast<std::int64_t>(bias.size()) != bias_count(id)) {
    fail(n.name, fmt::format("expected {} bias values, got {}", bias_count(id), bias.size()));
  }
  nodes_[static_cast<std::size_t>(id)].weights = std::move(weights);
  nodes_[static_cast<std::size_t>(id)].bias = std::move(bias);
}

}  // namespace qtb
