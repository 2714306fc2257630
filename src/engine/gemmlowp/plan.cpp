#include "engine/gemmlowp/plan.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "engine/backend.hpp"

namespace qtb::gemmlowp_backend {
namespace {

TensorPlan layout_of(const QTensor& t) {
  TensorPlan plan;
  plan.shape = t.shape;
  if (t.quant.bits > 8) {
    plan.storage = Storage::Int32;
    return plan;
  }
  const std::int32_t lo = t.quant.min_level();
  const std::int32_t hi = t.quant.max_level();
  if (t.quant.zero_point != 0) {
    throw UnsupportedError(
        fmt::format("backend gemmlowp: tensor '{}' has zero point {} (lowered models use 0)",
                    t.name, t.quant.zero_point));
  }
  if (lo >= 0 && hi <= 255) {
    plan.zero_byte = 0;
  } else if (lo >= -128 && hi <= 127) {
    plan.zero_byte = 128;
  } else {
    throw UnsupportedError(
        fmt::format("backend gemmlowp: tensor '{}' levels {}..{} do not fit a "
                    "byte",
                    t.name, lo, hi));
  }
  return plan;
}

ConvPlan pack_conv(QOp& op, const Shape& in, const Shape& out) {
  ConvPlan c;
  c.in = in;
  c.out = out;
  if (op.kind == QOpKind::Conv) {
    const Conv2dAttrs& a = op.conv;
    c.kernel_h = a.kernel_h;
    c.kernel_w = a.kernel_w;
    c.stride_h = a.stride_h;
    c.stride_w = a.stride_w;
    c.pad_h = a.pad_h;
    c.pad_w = a.pad_w;
    c.groups = static_cast<int>(a.groups);
  } else if (!in.is_flat()) {
    throw std::invalid_argument("gemmlowp backend: dense '" + op.name + "' has a non-flat input");
  }
  if (c.groups < 1 || in.channels % c.groups != 0 || out.channels % c.groups != 0) {
    throw std::invalid_argument("gemmlowp backend: bad groups in '" + op.name + "'");
  }
  c.direct = c.kernel_h == 1 && c.kernel_w == 1 && c.stride_h == 1 && c.stride_w == 1 &&
             c.pad_h == 0 && c.pad_w == 0 && in.height == out.height && in.width == out.width;
  const auto k = static_cast<std::size_t>(c.k_per_group());
  const auto kh = static_cast<std::size_t>(c.kernel_h);
  const auto kw = static_cast<std::size_t>(c.kernel_w);
  const auto in_per_group = static_cast<std::size_t>(c.in_per_group());
  const auto out_channels = static_cast<std::size_t>(out.channels);
  if (op.weights.size() != out_channels * k) {
    throw std::invalid_argument(fmt::format("gemmlowp backend: '{}' has {} weights, expected {}",
                                            op.name, op.weights.size(), out_channels * k));
  }
  if (!op.requant.empty() && op.requant.size() != out_channels) {
    throw std::invalid_argument("gemmlowp backend: '" + op.name +
                                "' has a requantizer count other than its output channels");
  }
  // OIHW (I per group) -> per output channel (kernel row, kernel column, input channel).
  c.weights.resize(out_channels * k);
  for (std::size_t o = 0; o < out_channels; ++o) {
    for (std::size_t i = 0; i < in_per_group; ++i) {
      for (std::size_t y = 0; y < kh; ++y) {
        for (std::size_t x = 0; x < kw; ++x) {
          const std::int8_t level = op.weights[((o * in_per_group + i) * kh + y) * kw + x];
          c.weights[o * k + (y * kw + x) * in_per_group + i] =
              static_cast<std::uint8_t>(level + kWeightZeroByte);
        }
      }
    }
  }
  std::vector<std::int8_t>().swap(op.weights);
  c.requant = std::move(op.requant);
  op.requant.clear();
  return c;
}

bool reads_int32(QOpKind kind) {
  return kind == QOpKind::Flatten || kind == QOpKind::Concat;
}

std::string_view kind_name(QOpKind kind) {
  switch (kind) {
    case QOpKind::Conv:
      return "conv";
    case QOpKind::Dense:
      return "dense";
    case QOpKind::MaxPool:
      return "max pool";
    case QOpKind::AvgPool:
      return "average pool";
    case QOpKind::GlobalAvgPool:
      return "global average pool";
    case QOpKind::Add:
      return "add";
    case QOpKind::Concat:
      return "concat";
    case QOpKind::Flatten:
      return "flatten";
  }
  return "op";
}

}  // namespace

ModelPlan plan_model(LoweredModel model) {
  ModelPlan plan;
  const int count = static_cast<int>(model.tensors.size());
  if (count == 0 || model.output_tensor < 0 || model.output_tensor >= count) {
    throw std::invalid_argument("gemmlowp backend: the model has no input or output tensor");
  }
  for (const QTensor& t : model.tensors) plan.tensors.push_back(layout_of(t));
  if (plan.tensors.front().storage != Storage::Bytes) {
    throw std::invalid_argument("gemmlowp backend: the input tensor must hold levels");
  }
  plan.output_tensor = model.output_tensor;
  const Shape& out_shape = plan.tensors[static_cast<std::size_t>(model.output_tensor)].shape;
  if (model.output_scale.size() != static_cast<std::size_t>(out_shape.channels) ||
      model.output_bias.size() != static_cast<std::size_t>(out_shape.channels)) {
    throw std::invalid_argument("gemmlowp backend: output_scale/output_bias do not match");
  }
  plan.output_scale = std::move(model.output_scale);
  plan.output_bias = std::move(model.output_bias);

  // Last op reading each tensor, for buffer sharing.
  std::vector<int> last_use(static_cast<std::size_t>(count), -1);
  for (std::size_t i = 0; i < model.ops.size(); ++i) {
    const QOp& op = model.ops[i];
    if (op.output <= 0 || op.output >= count || op.inputs.empty()) {
      throw std::invalid_argument("gemmlowp backend: bad tensor ids in op '" + op.name + "'");
    }
    for (int t : op.inputs) {
      if (t < 0 || t >= count) {
        throw std::invalid_argument("gemmlowp backend: bad tensor ids in op '" + op.name + "'");
      }
      last_use[static_cast<std::size_t>(t)] = static_cast<int>(i);
    }
  }

  auto tensor = [&](int t) -> TensorPlan& { return plan.tensors[static_cast<std::size_t>(t)]; };
  std::vector<int> free_byte_buffers;
  std::vector<bool> released(static_cast<std::size_t>(count), false);
  auto own_buffer = [&](TensorPlan& t) {
    auto& sizes = t.storage == Storage::Bytes ? plan.byte_buffer_sizes : plan.int32_buffer_sizes;
    t.buffer = static_cast<int>(sizes.size());
    sizes.push_back(t.shape.elements());
  };
  own_buffer(tensor(0));
  own_buffer(tensor(plan.output_tensor));

  for (std::size_t i = 0; i < model.ops.size(); ++i) {
    QOp& op = model.ops[i];
    TensorPlan& out = tensor(op.output);
    for (int t : op.inputs) {
      if (tensor(t).storage == Storage::Int32 && !reads_int32(op.kind)) {
        throw UnsupportedError(fmt::format(
            "backend gemmlowp: {} '{}' reads int32 accumulators, which the INT8 carrier cannot",
            kind_name(op.kind), op.name));
      }
      if (reads_int32(op.kind) && tensor(t).storage != out.storage) {
        throw UnsupportedError(fmt::format("backend gemmlowp: {} '{}' mixes int32 and byte tensors",
                                           kind_name(op.kind), op.name));
      }
    }
    const bool is_gemm = op.kind == QOpKind::Conv || op.kind == QOpKind::Dense;
    if (is_gemm && (out.storage == Storage::Int32) != op.requant.empty()) {
      throw std::invalid_argument("gemmlowp backend: '" + op.name +
                                  "' must requantize exactly when its output holds levels");
    }
    if (op.kind == QOpKind::Add && op.add_multipliers.size() != op.inputs.size()) {
      throw std::invalid_argument("gemmlowp backend: add '" + op.name + "' lacks multipliers");
    }
    if ((op.kind == QOpKind::Add) || op.kind == QOpKind::MaxPool || op.kind == QOpKind::AvgPool ||
        op.kind == QOpKind::GlobalAvgPool) {
      for (int t : op.inputs) {
        if (tensor(t).shape.channels != out.shape.channels) {
          throw std::invalid_argument("gemmlowp backend: channel mismatch in '" + op.name + "'");
        }
      }
    }

    StepPlan step;
    if (is_gemm) {
      step.conv = pack_conv(op, tensor(op.inputs.front()).shape, out.shape);
      plan.weight_bytes += static_cast<std::int64_t>(step.conv.weights.size());
      if (!step.conv.direct) {
        plan.im2col_bytes = std::max(plan.im2col_bytes,
                                     out.shape.height * out.shape.width * step.conv.patch_bytes());
      }
      if (!step.conv.requant.empty()) {
        plan.accumulator_count = std::max(plan.accumulator_count, out.shape.elements());
      }
    }
    step.op = std::move(op);

    if (out.buffer < 0) {
      if (out.storage == Storage::Int32) {
        own_buffer(out);
      } else if (free_byte_buffers.empty()) {
        own_buffer(out);
      } else {
        out.buffer = free_byte_buffers.back();
        free_byte_buffers.pop_back();
        auto& size = plan.byte_buffer_sizes[static_cast<std::size_t>(out.buffer)];
        size = std::max(size, out.shape.elements());
      }
    }
    for (int t : step.op.inputs) {
      TensorPlan& in = tensor(t);
      const bool dedicated = t == 0 || t == plan.output_tensor || in.storage == Storage::Int32;
      const auto ti = static_cast<std::size_t>(t);
      if (!dedicated && last_use[ti] == static_cast<int>(i) && in.buffer >= 0 && !released[ti]) {
        free_byte_buffers.push_back(in.buffer);
        released[ti] = true;  // a tensor read twice by one op is released once
      }
    }
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

}  // namespace qtb::gemmlowp_backend
