#include "engine/lowbit/plan.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace qtb::lowbit {
namespace {

std::size_t at(std::int64_t i) {
  return static_cast<std::size_t>(i);
}

class Planner {
 public:
  Planner(const CompileOptions& options)
      : threads_(options.threads), max_batch_(options.max_batch), portable_(options.portable) {}

  ModelPlan plan(LoweredModel model) {
    plan_.output_tensor = model.output_tensor;
    plan_tensors(model);
    for (QOp& op : model.ops) plan_step(std::move(op));
    assign_buffers();
    return std::move(plan_);
  }

 private:
  void plan_tensors(const LoweredModel& model) {
    std::vector<TensorPlan>& tensors = plan_.tensors;
    tensors.resize(model.tensors.size());
    for (std::size_t t = 0; t < model.tensors.size(); ++t) {
      const QTensor& q = model.tensors[t];
      tensors[t].shape = q.shape;
      tensors[t].bits = q.quant.bits;
      tensors[t].is_signed = q.quant.is_signed;
      tensors[t].wide = q.quant.bits > 8;
    }
    if (tensors.front().wide || tensors.front().is_signed) {
      throw UnsupportedError("backend lowbit expects an unsigned 8-bit network input");
    }
    // A tensor is wide when its producer keeps int32 accumulators (or copies wide tensors).
    for (const QOp& op : model.ops) {
      bool wide = false;
      if (op.kind == QOpKind::Conv || op.kind == QOpKind::Dense) {
        wide = op.requant.empty();
      } else if (op.kind == QOpKind::Flatten || op.kind == QOpKind::Concat) {
        wide = tensors[at(op.inputs.front())].wide;
        for (int t : op.inputs) {
          if (tensors[at(t)].wide != wide) {
            throw UnsupportedError("backend lowbit: concat of int32 and level tensors in '" +
                                   op.name + "'");
          }
        }
      } else {
        for (int t : op.inputs) {
          if (tensors[at(t)].wide) {
            throw UnsupportedError("backend lowbit: '" + op.name +
                                   "' reads int32 accumulators; only flatten and concat can");
          }
        }
      }
      if ((op.kind == QOpKind::Conv || op.kind == QOpKind::Dense) &&
          tensors[at(op.inputs.front())].wide) {
        throw UnsupportedError("backend lowbit: '" + op.name + "' reads int32 accumulators");
      }
      tensors[at(op.output)].wide = wide;
    }
    if (!tensors[at(plan_.output_tensor)].wide) {
      throw UnsupportedError("backend lowbit: the output tensor is not int32 accumulators");
    }
  }

  void plan_step(QOp op) {
    Step step;
    if (op.kind == QOpKind::Conv || op.kind == QOpKind::Dense) plan_conv(op, step.conv);
    op.weights = {};
    step.op = std::move(op);
    plan_.steps.push_back(std::move(step));
  }

  std::vector<int> slices_for(int rows) const {
    const int parts = std::max(1, std::min(threads_, rows));
    const int unit = rows >= 8 * parts ? 8 : 1;
    const int units = (rows + unit - 1) / unit;
    std::vector<int> begin;
    for (int s = 0; s <= parts; ++s) begin.push_back(std::min(rows, units * s / parts * unit));
    return begin;
  }

  void plan_conv(const QOp& op, ConvStep& c) {
    const TensorPlan& src = plan_.tensors[at(op.inputs.front())];
    c.in = src.shape;
    c.out = plan_.tensors[at(op.output)].shape;
    c.requant = op.requant;
    c.wbits = op.weight_quant.bits;
    c.abits = src.bits;
    c.a_signed = src.is_signed;
    if (op.kind == QOpKind::Dense) {
      c.groups = 1;
      c.in_pg = static_cast<int>(c.in.elements());
      c.out_pg = static_cast<int>(c.out.channels);
      c.k = c.in_pg;
      c.direct = c.in.is_flat();
      c.dense_gather = !c.direct;
    } else {
      const Conv2dAttrs& a = op.conv;
      c.kh = a.kernel_h, c.kw = a.kernel_w, c.sh = a.stride_h, c.sw = a.stride_w;
      c.ph = a.pad_h, c.pw = a.pad_w;
      c.groups = static_cast<int>(a.groups);
      c.in_pg = static_cast<int>(c.in.channels / a.groups);
      c.out_pg = static_cast<int>(c.out.channels / a.groups);
      c.k = c.in_pg * c.kh * c.kw;
      c.direct = c.groups == 1 && c.kh == 1 && c.kw == 1 && c.sh == 1 && c.sw == 1 && c.ph == 0 &&
                 c.pw == 0;
      c.depthwise = c.in_pg == 1 && c.groups > 1;
      // Binary levels have no 0 for the padding: carry them as ternary.
      if (src.is_signed && src.bits == 1 && (c.ph > 0 || c.pw > 0)) c.abits = 2;
    }
    const std::size_t expected = at(c.out.channels) * at(c.k);
    if (op.weights.size() != expected) {
      throw std::invalid_argument(fmt::format("lowbit: '{}' has {} weights, expected {}", op.name,
                                              op.weights.size(), expected));
    }
    if (c.depthwise) {
      const int taps = c.kh * c.kw;
      const auto oc_count = at(c.out.channels);
      c.dw_weights.resize(expected);
      for (std::size_t oc = 0; oc < oc_count; ++oc) {
        for (int t = 0; t < taps; ++t) {
          c.dw_weights[at(t) * oc_count + oc] = op.weights[oc * at(taps) + at(t)];
        }
      }
      plan_.weight_bytes += static_cast<std::int64_t>(expected);
      plan_.max_dw_channels = std::max(plan_.max_dw_channels, c.out.channels);
      return;
    }
    // Weights: per group, rows reordered to K = (ky, kx, channel) for conv (NHWC im2col order);
    // dense keeps lower()'s CHW order (its X rows are gathered in that order).
    c.slice_begin = slices_for(c.out_pg);
    const int slices = static_cast<int>(c.slice_begin.size()) - 1;
    c.w.resize(at(c.groups));
    std::vector<std::int8_t> rows;
    for (int g = 0; g < c.groups; ++g) {
      for (int s = 0; s < slices; ++s) {
        const int r0 = c.slice_begin[at(s)], r1 = c.slice_begin[at(s) + 1];
        rows.assign(at(r1 - r0) * at(c.k), 0);
        for (int r = r0; r < r1; ++r) {
          const std::size_t oc = at(g) * at(c.out_pg) + at(r);
          const std::int8_t* w = op.weights.data() + oc * at(c.k);
          std::int8_t* dst = rows.data() + at(r - r0) * at(c.k);
          if (op.kind == QOpKind::Dense) {
            std::copy(w, w + c.k, dst);
            continue;
          }
          for (int i = 0; i < c.in_pg; ++i) {
            for (int ky = 0; ky < c.kh; ++ky) {
              for (int kx = 0; kx < c.kw; ++kx) {
                dst[at((ky * c.kw + kx) * c.in_pg + i)] = w[at((i * c.kh + ky) * c.kw + kx)];
              }
            }
          }
        }
        c.w[at(g)].push_back(
            pack(std::span<const std::int8_t>(rows), r1 - r0, c.k, c.wbits, true, portable_));
        plan_.weight_bytes += static_cast<std::int64_t>(c.w[at(g)].back().bytes());
      }
    }
    const std::int64_t pixels = c.out.height * c.out.width;
    for (std::int64_t b = 1; b <= max_batch_; ++b) {
      const std::int64_t n = std::min<std::int64_t>(b * pixels, std::numeric_limits<int>::max());
      c.method_by_batch.push_back(best_method(c.wbits, c.abits, portable_, static_cast<int>(n)));
    }
    if (pixels * max_batch_ > std::numeric_limits<int>::max()) {
      throw UnsupportedError(
          fmt::format("backend lowbit: max_batch {} is too large for '{}'", max_batch_, op.name));
    }
    if (!c.direct) plan_.max_im2col_k = std::max<std::int64_t>(plan_.max_im2col_k, c.k);
    // Packed X words per row at this layer's bits, in levels of an 8-bit operand.
    plan_.max_x_depth =
        std::max<std::int64_t>(plan_.max_x_depth, (c.k + 63) / 64 * 64 * c.abits / 8);
    for (int s = 0; s < slices; ++s) {
      plan_.max_slice_rows = std::max<std::int64_t>(
          plan_.max_slice_rows, c.slice_begin[at(s) + 1] - c.slice_begin[at(s)]);
    }
  }

  // Tensors whose lifetimes do not overlap share one buffer (the input and output keep theirs).
  void assign_buffers() {
    std::vector<TensorPlan>& tensors = plan_.tensors;
    const std::vector<Step>& steps = plan_.steps;
    std::vector<int> last_use(tensors.size(), -1);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      for (int t : steps[i].op.inputs) last_use[at(t)] = static_cast<int>(i);
    }
    std::vector<int> free_bytes, free_ints;
    auto assign = [&](int t) {
      TensorPlan& p = tensors[at(t)];
      auto& sizes = p.wide ? plan_.int_buffer_sizes : plan_.byte_buffer_sizes;
      auto& free = p.wide ? free_ints : free_bytes;
      if (free.empty()) {
        p.buffer = static_cast<int>(sizes.size());
        sizes.push_back(0);
      } else {
        p.buffer = free.back();
        free.pop_back();
      }
      sizes[at(p.buffer)] = std::max(sizes[at(p.buffer)], p.shape.elements() * max_batch_);
    };
    assign(0);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const QOp& op = steps[i].op;
      assign(op.output);
      for (int t : op.inputs) {
        if (last_use[at(t)] == static_cast<int>(i) && t != 0 && t != plan_.output_tensor) {
          const TensorPlan& p = tensors[at(t)];
          (p.wide ? free_ints : free_bytes).push_back(p.buffer);
          last_use[at(t)] = -2;  // freed once even if read twice by this op
        }
      }
    }
  }

  int threads_;
  std::int64_t max_batch_;
  bool portable_;
  ModelPlan plan_;
};

}  // namespace

ModelPlan plan_model(LoweredModel model, const CompileOptions& options) {
  return Planner(options).plan(std::move(model));
}

std::string method_summary(const ModelPlan& plan) {
  std::vector<std::string> parts;
  auto add_part = [&](const std::string& s) {
    if (std::find(parts.begin(), parts.end(), s) == parts.end()) parts.push_back(s);
  };
  bool first = true;
  for (const Step& step : plan.steps) {
    const QOp& op = step.op;
    if (op.kind != QOpKind::Conv && op.kind != QOpKind::Dense) continue;
    const ConvStep& c = step.conv;
    const bool is_first = first;
    first = false;
    if (c.depthwise) {
      add_part("depthwise: direct integer loop");
      continue;
    }
    std::string key = fmt::format("{}W{}A{}", is_first ? "first layer " : "", c.wbits, c.abits);
    const Method many = c.method_by_batch.back(), one = c.method_by_batch.front();
    std::string text = fmt::format("{}: {}", key, method_name(many));
    if (one != many) text += fmt::format(" (batch 1: {})", method_name(one));
    add_part(text);
  }
  std::string method;
  for (const std::string& p : parts) method += (method.empty() ? "" : "; ") + p;
  return method;
}

}  // namespace qtb::lowbit
