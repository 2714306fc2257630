// lower(): a float Graph with weights to its integer form (lowered_model.hpp).
//
// Decisions beyond lowered_model.hpp, which every backend sees in the LoweredModel it gets:
//  - Folding: a conv/dense absorbs the chain of single-consumer nodes after it: batchnorms first
//    (composed), then ReLU/HardTanh/quantizer nodes in any order. Add, avg pool and global avg pool
//    absorb the activation/quantizer nodes after them the same way (a ReLU after an add becomes
//    its clamp, as in ResNet). A ReLU on a tensor that is never negative is dropped. Any other
//    batchnorm, activation or quantizer node is refused (UnsupportedError).
//  - Signedness is structural: a tensor is unsigned when it is never negative (the input, a ReLU
//    output, pooling/flatten/concat/add of unsigned tensors).
//  - Scales: per tensor max |x| / max level over the calibration run (1 when max |x| is 0). An
//    explicit quantizer node in a folded chain fixes its tensor's quantizer instead (bits, sign,
//    scale; its bits must be the precision's activation bits).
//  - Tensors that must share levels share one quantizer: max pool and flatten in and out, concat
//    inputs and output (scale from the largest max |x| of the members; signed if any member is).
//    A class holding the network input keeps the input's 8-bit quantizer.
//  - 1-bit activations are binary {-1, +1} with scale = mean |pre-activation| (the L2-optimal
//    scale of sign(x); the largest over the producers of a shared quantizer); the output is the
//    sign of the pre-activation (conv + batchnorm, or the add/pool sum): a ReLU or HardTanh before
//    a binary quantizer is ignored, as in FINN's BNNs. A binary requantizer has multiplier +-1 and
//    shift 0 (only the sign matters). Binary thresholds are exact: the bias is
//    floor(real bias) (ceil for a negative multiplier), so (acc + bias) * multiplier >= 0 exactly
//    when the real pre-activation is >= 0.
//  - A channel whose batchnorm scale is 0 outputs a constant: its weight levels are set to 0
//    (acc = 0); hidden layers get multiplier 0 and lo = hi = the constant's level (binary: +1 with
//    multiplier 0, -1 with multiplier 1 and bias -1); the last layer gets output_scale 1 and
//    output_bias = the constant.
//  - Avg pool divides by the full kernel area (padding counts as zeros), global avg pool by
//    height * width; both fold the division into pool_requant (bias 0; binary: the sum's sign).
//  - Add: add_multipliers[i] = round(s_i / s_out * 2^add_shift), add_shift = 30 - e where
//    2^(e-1) <= max_i s_i / s_out < 2^e (so every multiplier < 2^30), capped to [0, 62]. A binary
//    add output (pool_requant.binary) is +1 when the unshifted sum is >= 0, else -1.
//  - int32 accumulators cannot overflow: lower() refuses a layer whose max |input level| * sum of
//    |weight levels| of a channel exceeds INT32_MAX.
//  - The output tensor's quant is {32 bits, signed, scale 1}: decode with output_scale/output_bias.
#include "lowering/lower.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <variant>

#include <fmt/format.h>

#include "core/error.hpp"
#include "graph/batch_norm.hpp"
#include "lowering/calibration.hpp"

namespace qtb {
namespace {

// A node with the elementwise nodes folded into it.
struct Chain {
  int head = -1;
  std::vector<int> nodes;        // head and the folded nodes, in order
  std::vector<int> batch_norms;  // conv/dense only, in order
  bool relu = false;
  bool hardtanh = false;
  std::optional<QuantizerAttrs> quantizer;  // an explicit output quantizer
  int pre_activation = -1;                  // head or its last batchnorm
  int value = -1;                           // the last folded node: the tensor's float value
};

// What lowering knows of one tensor before its quantizer is fixed.
struct TensorPlan {
  int value_node = -1;      // graph node whose float output the tensor holds
  int pre_activation = -1;  // what a binary tensor takes the sign of
  bool nonnegative = false;
  std::optional<QuantizerAttrs> explicit_quant;
  int chain = -1;  // index into chains when a chain produces it
};

UnsupportedError unsupported(const Graph& graph, const Node& node, const std::string& message) {
  return UnsupportedError(
      fmt::format("lowering graph '{}', node '{}': {}", graph.name(), node.name, message));
}

class Lowering {
 public:
  Lowering(const Graph& graph, const Precision& precision, const LoweringOptions& options)
      : graph_(graph),
        options_(options),
        weight_bits_(bit_width(precision.weights)),
        activation_bits_(bit_width(precision.activations)) {
    model_.topology = graph.name();
    model_.precision = precision;
  }

  // The checks before calibration (lowering_refusal).
  void check_structure() { partition(); }

  LoweredModel run() {
    partition();
    stats_ = calibrate(graph_, options_);
    assign_quantizers();
    for (const Step& step : steps_) emit(step);
    return std::move(model_);
  }

 private:
  enum class StepKind { Chain, MaxPool, Flatten, Concat };
  struct Step {
    StepKind kind;
    int node;    // the chain's head, or the node
    int tensor;  // its output tensor
  };

  // ---- Partition: graph nodes into chains and tensors ----------------------------------------

  void partition() {
    output_node_ = graph_.size() - 1;
    if (graph_.node(output_node_).kind == OpKind::Softmax) {
      output_node_ = graph_.node(output_node_).inputs.front();
    }
    consumers_.assign(static_cast<std::size_t>(graph_.size()), {});
    for (int id = 0; id <= output_node_; ++id) {
      for (int from : graph_.node(id).inputs)
        consumers_[static_cast<std::size_t>(from)].push_back(id);
    }
    tensor_of_.assign(static_cast<std::size_t>(graph_.size()), -1);
    absorbed_.assign(static_cast<std::size_t>(graph_.size()), false);

    for (int id = 0; id <= output_node_; ++id) {
      if (absorbed_[static_cast<std::size_t>(id)]) continue;
      const Node& node = graph_.node(id);
      switch (node.kind) {
        case OpKind::Input:
          if (!plans_.empty()) throw unsupported(graph_, node, "more than one input");
          tensor_of_[static_cast<std::size_t>(id)] = new_tensor({id, id, true, {}, -1});
          break;
        case OpKind::Conv2d:
        case OpKind::Dense:
        case OpKind::AvgPool:
        case OpKind::GlobalAvgPool:
        case OpKind::Add:
          add_chain(id);
          break;
        case OpKind::MaxPool:
        case OpKind::Flatten:
        case OpKind::Concat: {
          bool nonnegative = true;
          for (int from : node.inputs)
            nonnegative = nonnegative && plan(input_tensor(from)).nonnegative;
          const int t = new_tensor({id, id, nonnegative, {}, -1});
          for (int from : node.inputs) unite(t, input_tensor(from));
          const StepKind kind = node.kind == OpKind::MaxPool   ? StepKind::MaxPool
                                : node.kind == OpKind::Flatten ? StepKind::Flatten
                                                               : StepKind::Concat;
          steps_.push_back({kind, id, t});
          tensor_of_[static_cast<std::size_t>(id)] = t;
          break;
        }
        case OpKind::Activation: {
          const int from = input_tensor(node.inputs.front());
          if (std::get<ActivationAttrs>(node.attrs).kind == ActivationKind::ReLU &&
              plan(from).nonnegative && id != output_node_) {
            tensor_of_[static_cast<std::size_t>(id)] = from;  // ReLU of a non-negative tensor
            break;
          }
          throw unsupported(graph_, node,
                            "an activation must follow a conv, dense, add or avg pool directly");
        }
        case OpKind::BatchNorm:
          throw unsupported(graph_, node, "a batchnorm must follow a conv or dense directly");
        case OpKind::Quantizer:
          throw unsupported(graph_, node,
                            "a quantizer must follow a conv, dense, add or avg pool directly");
        case OpKind::Softmax:
          throw unsupported(graph_, node, "softmax is only supported as the last node");
      }
    }
    check_output();
  }

  void add_chain(int head) {
    const Node& node = graph_.node(head);
    const bool allow_batch_norm = node.kind == OpKind::Conv2d || node.kind == OpKind::Dense;
    Chain chain;
    chain.head = chain.pre_activation = head;
    chain.nodes.push_back(head);
    int current = head;
    while (current != output_node_ && consumers_[static_cast<std::size_t>(current)].size() == 1) {
      const int next = consumers_[static_cast<std::size_t>(current)].front();
      const Node& n = graph_.node(next);
      const bool activated = chain.relu || chain.hardtanh || chain.quantizer;
      if (n.kind == OpKind::BatchNorm && allow_batch_norm && !activated) {
        chain.batch_norms.push_back(next);
        chain.pre_activation = next;
      } else if (n.kind == OpKind::Activation) {
        const auto kind = std::get<ActivationAttrs>(n.attrs).kind;
        if (kind == ActivationKind::ReLU6) {
          throw unsupported(graph_, n, "ReLU6 has no integer lowering yet (float precisions only)");
        }
        (kind == ActivationKind::ReLU ? chain.relu : chain.hardtanh) = true;
      } else if (n.kind == OpKind::Quantizer && !chain.quantizer) {
        chain.quantizer = std::get<QuantizerAttrs>(n.attrs);
      } else {
        break;
      }
      absorbed_[static_cast<std::size_t>(next)] = true;
      chain.nodes.push_back(next);
      current = next;
    }
    chain.value = current;

    bool inputs_nonnegative = true;
    for (int from : node.inputs) {
      inputs_nonnegative = inputs_nonnegative && plan(input_tensor(from)).nonnegative;
    }
    const bool pooling = node.kind != OpKind::Conv2d && node.kind != OpKind::Dense;
    const bool nonnegative = chain.relu || (chain.quantizer && !chain.quantizer->is_signed) ||
                             (pooling && inputs_nonnegative);
    chains_.push_back(chain);
    const int t = new_tensor({chain.value, chain.pre_activation, nonnegative, chain.quantizer,
                              static_cast<int>(chains_.size()) - 1});
    for (int id : chain.nodes) tensor_of_[static_cast<std::size_t>(id)] = t;
    steps_.push_back({StepKind::Chain, head, t});
  }

  // The network must end in a conv/dense, followed at most by batchnorms (and a softmax).
  void check_output() {
    const int t = tensor_of_[static_cast<std::size_t>(output_node_)];
    const TensorPlan& p = plan(t);
    const Node& out = graph_.node(output_node_);
    if (p.chain < 0 || p.value_node != output_node_) {
      throw unsupported(graph_, out, "the network must end in a conv or dense layer");
    }
    const Chain& chain = chains_[static_cast<std::size_t>(p.chain)];
    const OpKind head = graph_.node(chain.head).kind;
    if ((head != OpKind::Conv2d && head != OpKind::Dense) || chain.relu || chain.hardtanh ||
        chain.quantizer) {
      throw unsupported(graph_, out,
                        "the last conv/dense may be followed only by batchnorm and softmax");
    }
    model_.output_tensor = t;
  }

  int new_tensor(const TensorPlan& p) {
    plans_.push_back(p);
    parent_.push_back(static_cast<int>(parent_.size()));
    return static_cast<int>(plans_.size()) - 1;
  }
  const TensorPlan& plan(int t) const { return plans_[static_cast<std::size_t>(t)]; }
  int input_tensor(int node) const {
    const int t = tensor_of_[static_cast<std::size_t>(node)];
    if (t < 0) throw std::logic_error("lower: node read before it was lowered");
    return t;
  }
  int find(int t) {
    while (parent_[static_cast<std::size_t>(t)] != t) {
      t = parent_[static_cast<std::size_t>(t)] =
          parent_[static_cast<std::size_t>(parent_[static_cast<std::size_t>(t)])];
    }
    return t;
  }
  void unite(int a, int b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (a > b) std::swap(a, b);
    parent_[static_cast<std::size_t>(b)] = a;  // the smaller id is the root: tensor 0 stays root
  }

  // ---- Quantizers --------------------------------------------------------------------------

  const TensorStats& stats(int node) const {
    const TensorStats& s = stats_[static_cast<std::size_t>(node)];
    if (!std::isfinite(s.max_abs)) {
      throw unsupported(graph_, graph_.node(node), "calibration produced non-finite values");
    }
    return s;
  }

  void assign_quantizers() {
    const int count = static_cast<int>(plans_.size());
    model_.tensors.resize(plans_.size());
    std::vector<std::vector<int>> classes(plans_.size());
    for (int t = 0; t < count; ++t) classes[static_cast<std::size_t>(find(t))].push_back(t);
    for (int root = 0; root < count; ++root) {
      const auto& members = classes[static_cast<std::size_t>(root)];
      if (members.empty()) continue;
      const UniformQuantizer q = class_quantizer(root, members);
      for (int t : members) {
        QTensor& tensor = model_.tensors[static_cast<std::size_t>(t)];
        tensor.name = graph_.node(plan(t).value_node).name;
        tensor.shape = graph_.shape(plan(t).value_node);
        tensor.quant = q;
      }
    }
    QTensor& out = model_.tensors[static_cast<std::size_t>(model_.output_tensor)];
    out.quant = UniformQuantizer{32, true, 1.0f, 0};
  }

  UniformQuantizer class_quantizer(int root, const std::vector<int>& members) {
    if (root == 0) return UniformQuantizer{8, false, 1.0f / 255.0f, 0};  // the network input
    std::optional<QuantizerAttrs> fixed;
    for (int t : members) {
      const auto& e = plan(t).explicit_quant;
      if (!e) continue;
      const Node& node = graph_.node(plan(t).value_node);
      if (fixed && (fixed->bits != e->bits || fixed->is_signed != e->is_signed ||
                    fixed->scale != e->scale)) {
        throw unsupported(graph_, node,
                          "quantizers of tensors that must share levels (concat, pooling) differ");
      }
      if (e->bits != activation_bits_) {
        throw unsupported(graph_, node,
                          fmt::format("a {}-bit quantizer node in a {}-bit activation precision",
                                      e->bits, activation_bits_));
      }
      fixed = e;
    }
    if (fixed) return UniformQuantizer{fixed->bits, fixed->is_signed, fixed->scale, 0};
    if (activation_bits_ == 1) {
      double scale = 0.0;
      for (int t : members) {  // the producers; pooling, flatten and concat only relabel
        if (plan(t).chain >= 0) scale = std::max(scale, stats(plan(t).pre_activation).mean_abs());
      }
      return UniformQuantizer{1, true, scale > 0.0 ? static_cast<float>(scale) : 1.0f, 0};
    }
    bool nonnegative = true;
    float max_abs = 0.0f;
    for (int t : members) {
      nonnegative = nonnegative && plan(t).nonnegative;
      max_abs = std::max(max_abs, stats(plan(t).value_node).max_abs);
    }
    UniformQuantizer q{activation_bits_, !nonnegative, 1.0f, 0};
    if (max_abs > 0.0f) q.scale = max_abs / static_cast<float>(q.max_level());
    return q;
  }

  const UniformQuantizer& quant(int t) const {
    return model_.tensors[static_cast<std::size_t>(t)].quant;
  }

  // The clamp range of a chain's output levels: the quantizer's levels narrowed by activations.
  static std::pair<std::int32_t, std::int32_t> clamp_range(const Chain& chain,
                                                           const UniformQuantizer& q) {
    std::int32_t lo = q.min_level();
    std::int32_t hi = q.max_level();
    if (chain.relu) lo = std::max(lo, 0);
    if (chain.hardtanh) {
      lo = std::max(lo, q.quantize(-1.0f));
      hi = std::min(hi, q.quantize(1.0f));
    }
    return {lo, hi};
  }

  Requantizer from_real(const Node& node, double multiplier, double bias, std::int32_t lo,
                        std::int32_t hi) const {
    try {
      return Requantizer::from_real(multiplier, bias, lo, hi);
    } catch (const std::invalid_argument& e) {
      throw unsupported(graph_, node, e.what());
    }
  }

  // ---- Ops ---------------------------------------------------------------------------------

  void emit(const Step& step) {
    const Node& node = graph_.node(step.node);
    QOp op;
    op.name = node.name;
    op.output = step.tensor;
    for (int from : node.inputs) op.inputs.push_back(input_tensor(from));
    switch (step.kind) {
      case StepKind::MaxPool:
        op.kind = QOpKind::MaxPool;
        op.pool = std::get<PoolAttrs>(node.attrs);
        break;
      case StepKind::Flatten:
        op.kind = QOpKind::Flatten;
        break;
      case StepKind::Concat:
        op.kind = QOpKind::Concat;
        break;
      case StepKind::Chain: {
        const Chain& chain = chains_[static_cast<std::size_t>(plan(step.tensor).chain)];
        if (node.kind == OpKind::Conv2d || node.kind == OpKind::Dense) {
          emit_conv(chain, op);
        } else if (node.kind == OpKind::Add) {
          emit_add(chain, op);
        } else {
          emit_avg_pool(chain, op);
        }
        break;
      }
    }
    model_.ops.push_back(std::move(op));
  }

  void emit_conv(const Chain& chain, QOp& op) {
    const Node& node = graph_.node(chain.head);
    const bool last = op.output == model_.output_tensor;
    if (node.kind == OpKind::Dense) {
      op.kind = QOpKind::Dense;
      const auto& d = std::get<DenseAttrs>(node.attrs);
      op.conv.out_channels = d.out_features;
      op.conv.bias = d.bias;
    } else {
      op.kind = QOpKind::Conv;
      op.conv = std::get<Conv2dAttrs>(node.attrs);
    }
    const auto channels = static_cast<std::size_t>(op.conv.out_channels);
    const std::size_t per_channel = node.weights.size() / channels;

    // Composed batchnorm: y = a[c] * x + b[c].
    std::vector<double> a(channels, 1.0);
    std::vector<double> b(channels, 0.0);
    for (int bn : chain.batch_norms) {
      const ChannelAffine affine = batch_norm_affine(graph_, bn);
      for (std::size_t c = 0; c < channels; ++c) {
        a[c] *= affine.scale[c];
        b[c] = affine.scale[c] * b[c] + affine.shift[c];
      }
    }

    // Weight levels, one scale per output channel.
    op.weight_quant.bits = weight_bits_;
    op.weight_quant.scales.resize(channels);
    op.weights.resize(node.weights.size());
    const UniformQuantizer& in = quant(op.inputs.front());
    const std::int64_t max_in_level =
        std::max(std::abs(std::int64_t{in.min_level()}), std::abs(std::int64_t{in.max_level()}));
    for (std::size_t c = 0; c < channels; ++c) {
      const auto first = node.weights.begin() + static_cast<std::ptrdiff_t>(c * per_channel);
      const auto end = first + static_cast<std::ptrdiff_t>(per_channel);
      float max_abs = 0.0f;
      double sum_abs = 0.0;
      for (auto w = first; w != end; ++w) {
        max_abs = std::max(max_abs, std::fabs(*w));
        sum_abs += std::fabs(*w);
      }
      const float mean_abs = static_cast<float>(sum_abs / static_cast<double>(per_channel));
      op.weight_quant.scales[c] = ChannelQuantizer::scale_for(weight_bits_, max_abs, mean_abs);
      const UniformQuantizer wq = op.weight_quant.channel(c);
      std::int64_t sum_levels = 0;
      for (std::size_t i = 0; i < per_channel; ++i) {
        const std::int32_t level =
            a[c] == 0.0 ? 0 : wq.quantize(*(first + static_cast<std::ptrdiff_t>(i)));
        op.weights[c * per_channel + i] = static_cast<std::int8_t>(level);
        sum_levels += std::abs(level);
      }
      if (sum_levels * max_in_level > INT32_MAX) {
        throw unsupported(graph_, node, "its accumulators could overflow int32");
      }
    }

    const double s_in = in.scale;
    if (last) {
      model_.output_scale.resize(channels);
      model_.output_bias.resize(channels);
    } else {
      op.requant.resize(channels);
    }
    const UniformQuantizer& out = quant(op.output);
    const auto [lo, hi] = clamp_range(chain, out);
    for (std::size_t c = 0; c < channels; ++c) {
      const double accumulator_unit = s_in * op.weight_quant.scales[c];  // real value of acc 1
      const double conv_bias = node.bias.empty() ? 0.0 : node.bias[c];
      if (last) {
        model_.output_scale[c] = a[c] == 0.0 ? 1.0f : static_cast<float>(accumulator_unit * a[c]);
        model_.output_bias[c] =
            a[c] == 0.0 ? static_cast<float>(b[c])
                        : static_cast<float>((conv_bias + b[c] / a[c]) / accumulator_unit);
        continue;
      }
      Requantizer& r = op.requant[c];
      if (a[c] == 0.0) {
        r = constant_requantizer(chain, out, lo, hi, b[c]);
        continue;
      }
      const double multiplier = accumulator_unit * a[c] / out.scale;
      const double bias = (conv_bias + b[c] / a[c]) / accumulator_unit;
      if (out.is_binary()) {
        r = binary_requantizer(multiplier > 0.0 ? 1 : -1);
        const double threshold = multiplier > 0.0 ? std::floor(bias) : std::ceil(bias);
        r.bias = static_cast<std::int32_t>(std::clamp<double>(threshold, INT32_MIN, INT32_MAX));
      } else {
        r = from_real(node, multiplier, bias, lo, hi);
      }
    }
  }

  // Only the sign of (acc + bias) * multiplier matters for a binary output.
  static Requantizer binary_requantizer(std::int32_t sign) {
    Requantizer r;
    r.multiplier = sign;
    r.lo = -1;
    r.hi = 1;
    r.binary = true;
    return r;
  }

  // A channel whose output does not depend on its input (batchnorm scale 0; acc is 0).
  static Requantizer constant_requantizer(const Chain& chain, const UniformQuantizer& out,
                                          std::int32_t lo, std::int32_t hi, double value) {
    Requantizer r;
    r.multiplier = 0;
    if (out.is_binary()) {
      r = binary_requantizer(value < 0.0 ? 1 : 0);  // (0 - 1) * 1 < 0 gives -1; 0 * 0 gives +1
      r.bias = value < 0.0 ? -1 : 0;
      return r;
    }
    auto v = static_cast<float>(value);
    if (chain.relu) v = std::max(v, 0.0f);
    if (chain.hardtanh) v = std::clamp(v, -1.0f, 1.0f);
    r.lo = r.hi = std::clamp(out.quantize(v), lo, hi);
    return r;
  }

  void emit_avg_pool(const Chain& chain, QOp& op) {
    const Node& node = graph_.node(chain.head);
    const Shape& in_shape = model_.tensors[static_cast<std::size_t>(op.inputs.front())].shape;
    double area = 0.0;
    if (node.kind == OpKind::AvgPool) {
      op.kind = QOpKind::AvgPool;
      op.pool = std::get<PoolAttrs>(node.attrs);
      area = static_cast<double>(op.pool.kernel) * op.pool.kernel;
    } else {
      op.kind = QOpKind::GlobalAvgPool;
      area = static_cast<double>(in_shape.height * in_shape.width);
    }
    const UniformQuantizer& out = quant(op.output);
    const double multiplier = quant(op.inputs.front()).scale / (out.scale * area);
    if (out.is_binary()) {
      op.pool_requant = binary_requantizer(1);  // the sign of the window sum
    } else {
      const auto [lo, hi] = clamp_range(chain, out);
      op.pool_requant = from_real(node, multiplier, 0.0, lo, hi);
    }
  }

  void emit_add(const Chain& chain, QOp& op) {
    const Node& node = graph_.node(chain.head);
    op.kind = QOpKind::Add;
    const UniformQuantizer& out = quant(op.output);
    std::vector<double> ratios;
    for (int t : op.inputs) ratios.push_back(static_cast<double>(quant(t).scale) / out.scale);
    int exponent = 0;
    std::frexp(*std::max_element(ratios.begin(), ratios.end()), &exponent);
    const int shift = std::min(30 - exponent, 62);
    if (shift < 0) throw unsupported(graph_, node, "input/output scale ratio too large for an add");
    op.add_shift = shift;
    for (double ratio : ratios) {
      op.add_multipliers.push_back(
          static_cast<std::int32_t>(std::nearbyint(std::ldexp(ratio, shift))));
    }
    if (out.is_binary()) {
      op.pool_requant.binary = true;
      op.pool_requant.lo = -1;
      op.pool_requant.hi = 1;
    } else {
      const auto [lo, hi] = clamp_range(chain, out);
      op.pool_requant.lo = lo;
      op.pool_requant.hi = hi;
    }
  }

  const Graph& graph_;
  LoweringOptions options_;
  int weight_bits_;
  int activation_bits_;
  LoweredModel model_;

  int output_node_ = -1;
  std::vector<std::vector<int>> consumers_;
  std::vector<int> tensor_of_;  // graph node -> tensor holding its value
  std::vector<bool> absorbed_;
  std::vector<Chain> chains_;
  std::vector<TensorPlan> plans_;  // per tensor
  std::vector<int> parent_;        // union-find over tensors sharing a quantizer
  std::vector<Step> steps_;
  std::vector<TensorStats> stats_;
};

}  // namespace

namespace {

// What lower() checks before it builds anything.
void check_request(const Graph& graph, const Precision& precision) {
  if (is_float(precision.weights) || is_float(precision.activations)) {
    throw UnsupportedError("lowering: " + precision.name() + " is a float precision");
  }
  if (graph.size() == 0) throw UnsupportedError("lowering: graph '" + graph.name() + "' is empty");
  if (!graph.has_all_weights()) {
    throw UnsupportedError("lowering: graph '" + graph.name() + "' lacks weights");
  }
}

}  // namespace

LoweredModel lower(const Graph& graph, const Precision& precision, const LoweringOptions& options) {
  check_request(graph, precision);
  return Lowering(graph, precision, options).run();
}

std::optional<std::string> lowering_refusal(const Graph& graph, const Precision& precision) {
  try {
    check_request(graph, precision);
    Lowering(graph, precision, {}).check_structure();
  } catch (const UnsupportedError& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

}  // namespace qtb
