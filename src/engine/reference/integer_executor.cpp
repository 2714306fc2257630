#include "engine/reference/integer_executor.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/integer_model.hpp"
#include "engine/integer_ops/add_rule.hpp"

namespace qtb {
namespace {

using Levels = std::vector<std::int32_t>;

std::size_t index(const Shape& s, std::int64_t c, std::int64_t y, std::int64_t x) {
  return static_cast<std::size_t>((c * s.height + y) * s.width + x);
}

std::int32_t narrow_accumulator(std::int64_t acc, const QOp& op) {
  if (acc < std::numeric_limits<std::int32_t>::min() ||
      acc > std::numeric_limits<std::int32_t>::max()) {
    throw std::overflow_error("IntegerExecutor: int32 accumulator overflow in '" + op.name + "'");
  }
  return static_cast<std::int32_t>(acc);
}

// Conv and dense (a dense layer is the 1x1 conv of a flat C x 1 x 1 tensor).
Levels conv(const QOp& op, const Shape& in_shape, const Levels& in, const Shape& out_shape) {
  const Conv2dAttrs& a = op.conv;
  const std::int64_t in_per_group = in_shape.channels / a.groups;
  const std::int64_t out_per_group = out_shape.channels / a.groups;
  Levels out(static_cast<std::size_t>(out_shape.elements()));
  for (std::int64_t oc = 0; oc < out_shape.channels; ++oc) {
    const std::int64_t group = oc / out_per_group;
    for (std::int64_t oy = 0; oy < out_shape.height; ++oy) {
      for (std::int64_t ox = 0; ox < out_shape.width; ++ox) {
        std::int64_t acc = 0;
        for (std::int64_t i = 0; i < in_per_group; ++i) {
          const std::int64_t ic = group * in_per_group + i;
          for (int ky = 0; ky < a.kernel_h; ++ky) {
            const std::int64_t iy = oy * a.stride_h - a.pad_h + ky;
            if (iy < 0 || iy >= in_shape.height) continue;  // zero padding
            for (int kx = 0; kx < a.kernel_w; ++kx) {
              const std::int64_t ix = ox * a.stride_w - a.pad_w + kx;
              if (ix < 0 || ix >= in_shape.width) continue;
              const auto w = static_cast<std::size_t>(
                  ((oc * in_per_group + i) * a.kernel_h + ky) * a.kernel_w + kx);
              acc += std::int64_t{op.weights[w]} * in[index(in_shape, ic, iy, ix)];
            }
          }
        }
        const std::int32_t acc32 = narrow_accumulator(acc, op);
        out[index(out_shape, oc, oy, ox)] =
            op.requant.empty() ? acc32 : op.requant[static_cast<std::size_t>(oc)].apply(acc32);
      }
    }
  }
  return out;
}

Levels pool(const QOp& op, const Shape& in_shape, const Levels& in, const Shape& out_shape) {
  const PoolAttrs& a = op.pool;
  const bool average = op.kind == QOpKind::AvgPool;
  Levels out(static_cast<std::size_t>(out_shape.elements()));
  for (std::int64_t c = 0; c < out_shape.channels; ++c) {
    for (std::int64_t oy = 0; oy < out_shape.height; ++oy) {
      for (std::int64_t ox = 0; ox < out_shape.width; ++ox) {
        std::int32_t sum = 0;
        std::int32_t max = std::numeric_limits<std::int32_t>::min();
        for (int ky = 0; ky < a.kernel; ++ky) {
          const std::int64_t iy = oy * a.stride - a.pad + ky;
          if (iy < 0 || iy >= in_shape.height) continue;
          for (int kx = 0; kx < a.kernel; ++kx) {
            const std::int64_t ix = ox * a.stride - a.pad + kx;
            if (ix < 0 || ix >= in_shape.width) continue;
            const std::int32_t v = in[index(in_shape, c, iy, ix)];
            sum += v;
            max = std::max(max, v);
          }
        }
        out[index(out_shape, c, oy, ox)] = average ? op.pool_requant.apply(sum) : max;
      }
    }
  }
  return out;
}

Levels global_avg_pool(const QOp& op, const Shape& in_shape, const Levels& in) {
  const std::int64_t plane = in_shape.height * in_shape.width;
  Levels out(static_cast<std::size_t>(in_shape.channels));
  for (std::int64_t c = 0; c < in_shape.channels; ++c) {
    std::int64_t sum = 0;
    for (std::int64_t i = 0; i < plane; ++i) sum += in[static_cast<std::size_t>(c * plane + i)];
    out[static_cast<std::size_t>(c)] = op.pool_requant.apply(narrow_accumulator(sum, op));
  }
  return out;
}

Levels add(const QOp& op, const std::vector<const Levels*>& inputs) {
  const integer_ops::AddRule rule = integer_ops::AddRule::of(op);
  Levels out(inputs.front()->size());
  for (std::size_t e = 0; e < out.size(); ++e) {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      sum += std::int64_t{(*inputs[i])[e]} * rule.multipliers[i];
    }
    out[e] = rule.apply(sum);
  }
  return out;
}

}  // namespace

IntegerExecutor::IntegerExecutor(LoweredModel model) : model_(std::move(model)) {
  const int tensors = static_cast<int>(model_.tensors.size());
  if (tensors == 0 || model_.output_tensor < 0 || model_.output_tensor >= tensors) {
    throw std::invalid_argument("IntegerExecutor: the model has no input or output tensor");
  }
  const auto channels = static_cast<std::size_t>(output_shape().channels);
  if (model_.output_scale.size() != channels || model_.output_bias.size() != channels) {
    throw std::invalid_argument("IntegerExecutor: output_scale/output_bias do not match");
  }
  last_use_.assign(model_.tensors.size(), -1);
  for (std::size_t i = 0; i < model_.ops.size(); ++i) {
    const QOp& op = model_.ops[i];
    if (op.output <= 0 || op.output >= tensors || op.inputs.empty()) {
      throw std::invalid_argument("IntegerExecutor: bad tensor ids in op '" + op.name + "'");
    }
    for (int t : op.inputs) {
      if (t < 0 || t >= tensors) {
        throw std::invalid_argument("IntegerExecutor: bad tensor ids in op '" + op.name + "'");
      }
      last_use_[static_cast<std::size_t>(t)] = static_cast<int>(i);
    }
    if (op.kind == QOpKind::Add && op.add_multipliers.size() != op.inputs.size()) {
      throw std::invalid_argument("IntegerExecutor: add '" + op.name + "' lacks multipliers");
    }
    if ((op.kind == QOpKind::Conv || op.kind == QOpKind::Dense) && !op.requant.empty() &&
        op.requant.size() != static_cast<std::size_t>(op.conv.out_channels)) {
      throw std::invalid_argument("IntegerExecutor: '" + op.name + "' has a requantizer count " +
                                  "other than its output channels");
    }
  }
}

const Shape& IntegerExecutor::output_shape() const {
  return model_.tensors.at(static_cast<std::size_t>(model_.output_tensor)).shape;
}

void IntegerExecutor::quantize_input(std::span<const float> pixels,
                                     std::span<std::int32_t> levels) const {
  if (pixels.size() != levels.size()) {
    throw std::invalid_argument("IntegerExecutor::quantize_input: size mismatch");
  }
  const UniformQuantizer& q = model_.tensors.front().quant;
  for (std::size_t i = 0; i < pixels.size(); ++i) levels[i] = q.quantize(pixels[i]);
}

void IntegerExecutor::run(std::span<const std::int32_t> input, std::span<std::int32_t> accumulators,
                          const Observer& observer) const {
  const auto in_size = static_cast<std::size_t>(input_shape().elements());
  const auto out_size = static_cast<std::size_t>(output_shape().elements());
  if (input.size() != in_size || accumulators.size() != out_size) {
    throw std::invalid_argument(
        fmt::format("IntegerExecutor::run: expected {} input and {} output values, got {} and {}",
                    in_size, out_size, input.size(), accumulators.size()));
  }
  std::vector<Levels> values(model_.tensors.size());
  values.front().assign(input.begin(), input.end());
  if (observer) observer(0, values.front());
  auto shape = [&](int t) -> const Shape& {
    return model_.tensors[static_cast<std::size_t>(t)].shape;
  };
  for (std::size_t i = 0; i < model_.ops.size(); ++i) {
    const QOp& op = model_.ops[i];
    const int in = op.inputs.front();
    const Levels& first = values[static_cast<std::size_t>(in)];
    Levels out;
    switch (op.kind) {
      case QOpKind::Conv:
      case QOpKind::Dense:
        out = conv(op, shape(in), first, shape(op.output));
        break;
      case QOpKind::MaxPool:
      case QOpKind::AvgPool:
        out = pool(op, shape(in), first, shape(op.output));
        break;
      case QOpKind::GlobalAvgPool:
        out = global_avg_pool(op, shape(in), first);
        break;
      case QOpKind::Add: {
        std::vector<const Levels*> inputs;
        for (int t : op.inputs) inputs.push_back(&values[static_cast<std::size_t>(t)]);
        out = add(op, inputs);
        break;
      }
      case QOpKind::Concat:
        for (int t : op.inputs) {
          const Levels& part = values[static_cast<std::size_t>(t)];
          out.insert(out.end(), part.begin(), part.end());
        }
        break;
      case QOpKind::Flatten:
        out = first;
        break;
    }
    if (observer) observer(op.output, out);
    values[static_cast<std::size_t>(op.output)] = std::move(out);
    for (int t : op.inputs) {
      if (last_use_[static_cast<std::size_t>(t)] == static_cast<int>(i) &&
          t != model_.output_tensor) {
        Levels().swap(values[static_cast<std::size_t>(t)]);
      }
    }
  }
  const Levels& result = values[static_cast<std::size_t>(model_.output_tensor)];
  if (result.size() != out_size) {
    throw std::logic_error("IntegerExecutor: the output tensor was not computed");
  }
  std::copy(result.begin(), result.end(), accumulators.begin());
}

void IntegerExecutor::decode(std::span<const std::int32_t> accumulators,
                             std::span<float> logits) const {
  decode_logits(accumulators, output_shape(), model_.output_scale, model_.output_bias, logits);
}

}  // namespace qtb
