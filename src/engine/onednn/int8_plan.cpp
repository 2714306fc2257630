#include "engine/onednn/int8_plan.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/backend.hpp"

namespace qtb::onednn {
namespace {

// s32 accumulators per conv call that should stay in cache (see Builder::sub_batch).
constexpr std::int64_t kAccBudget = std::int64_t{2} << 20;

std::int64_t right_pad(std::int64_t in, std::int64_t out, int kernel, int stride, int pad) {
  return (out - 1) * stride + kernel - in - pad;
}

class Builder {
 public:
  Builder(Int8PlanContext& ctx, std::int64_t batch, Int8Plan& plan)
      : ctx_(ctx),
        model_(ctx.model),
        n_(batch),
        plan_(plan),
        exec_(plan.exec),
        vals_(model_.tensors.size(), -1),
        redirect_(model_.tensors.size(), {-1, 0}),
        alias_(model_.tensors.size(), false) {
    const std::size_t tensors = model_.tensors.size();
    std::vector<int> reads(tensors, 0);
    std::vector<std::vector<QOpKind>> readers(tensors);
    for (const QOp& op : model_.ops) {
      for (int t : op.inputs) {
        ++reads[static_cast<std::size_t>(t)];
        readers[static_cast<std::size_t>(t)].push_back(op.kind);
      }
    }
    std::vector<int> producer(tensors, -1);
    for (std::size_t i = 0; i < model_.ops.size(); ++i) {
      producer[static_cast<std::size_t>(model_.ops[i].output)] = static_cast<int>(i);
    }
    // Residual adds fused into the epilogue of the conv producing one operand: the operand is read
    // only by the add, and the other operand exists by then (the later of two candidates wins).
    fused_.assign(model_.ops.size(), -1);
    fused_away_.assign(model_.ops.size(), false);
    for (std::size_t a = 0; a < model_.ops.size(); ++a) {
      const QOp& op = model_.ops[a];
      if (op.kind != QOpKind::Add || op.inputs.size() != 2 || op.inputs[0] == op.inputs[1])
        continue;
      int best = -1;
      for (int k = 0; k < 2; ++k) {
        const int t = op.inputs[static_cast<std::size_t>(k)];
        const int other = op.inputs[static_cast<std::size_t>(1 - k)];
        const int p = producer[static_cast<std::size_t>(t)];
        if (p < 0 || model_.ops[static_cast<std::size_t>(p)].requant.empty()) continue;
        if (reads[static_cast<std::size_t>(t)] != 1 || t == model_.output_tensor) continue;
        if (producer[static_cast<std::size_t>(other)] >= p) continue;
        if (best < 0 ||
            p > producer[static_cast<std::size_t>(op.inputs[static_cast<std::size_t>(best)])]) {
          best = k;
        }
      }
      if (best < 0) continue;
      const int p = producer[static_cast<std::size_t>(op.inputs[static_cast<std::size_t>(best)])];
      fused_[static_cast<std::size_t>(p)] = static_cast<int>(a);
      fused_away_[a] = true;
    }
    for (const QOp& op : model_.ops) {
      if (op.kind == QOpKind::Flatten) {
        const auto& r = readers[static_cast<std::size_t>(op.output)];
        alias_[static_cast<std::size_t>(op.output)] =
            op.output != model_.output_tensor && !r.empty() &&
            std::all_of(r.begin(), r.end(), [](QOpKind k) { return k == QOpKind::Dense; });
      }
      if (op.kind != QOpKind::Concat) continue;
      std::int64_t offset = 0;
      for (int t : op.inputs) {
        const int p = producer[static_cast<std::size_t>(t)];
        const bool requantized = p >= 0 && !model_.ops[static_cast<std::size_t>(p)].requant.empty();
        if (requantized && reads[static_cast<std::size_t>(t)] == 1 && t != model_.output_tensor) {
          redirect_[static_cast<std::size_t>(t)] = {op.output, offset};
        }
        offset += shape(t).channels;
      }
    }
  }

  void build() {
    plan_.input = tensor_mem(0);
    for (std::size_t i = 0; i < model_.ops.size(); ++i) {
      op_ = static_cast<int>(i);
      const QOp& op = model_.ops[i];
      if (fused_away_[i]) continue;  // computed in its operand's epilogue
      exec_.label(op.name);
      try {
        switch (op.kind) {
          case QOpKind::Conv:
          case QOpKind::Dense:
            compute(op);
            break;
          case QOpKind::MaxPool:
            max_pool(op);
            break;
          case QOpKind::AvgPool:
          case QOpKind::GlobalAvgPool:
            avg_pool(op);
            break;
          case QOpKind::Add:
            add(op);
            break;
          case QOpKind::Concat:
            concat(op);
            break;
          case QOpKind::Flatten:
            flatten(op);
            break;
        }
      } catch (const dnnl::error& e) {
        if (e.status == dnnl_unimplemented) {
          throw UnsupportedError(
              fmt::format("onednn has no INT8 implementation for '{}' ({})", op.name, e.what()));
        }
        throw;
      }
    }
    plan_.output = vals_[static_cast<std::size_t>(model_.output_tensor)];
    if (plan_.output < 0 || !exec_.persistent(plan_.output)) {
      throw std::logic_error("onednn: the INT8 output tensor was not computed");
    }
  }

 private:
  const Shape& shape(int t) const { return model_.tensors[static_cast<std::size_t>(t)].shape; }
  bool is_signed(int t) const {
    return model_.tensors[static_cast<std::size_t>(t)].quant.is_signed;
  }
  dt type(int t) const {
    if (t == model_.output_tensor) return dt::s32;
    return is_signed(t) ? dt::s8 : dt::u8;
  }
  dnnl::memory::desc nhwc(int t) const { return {nchw_dims(n_, shape(t)), type(t), tag::nhwc}; }

  int tensor_mem(int t) {
    int& m = vals_[static_cast<std::size_t>(t)];
    if (m < 0) m = exec_.buffer(nhwc(t), t == 0 || t == model_.output_tensor);
    return m;
  }
  int read(int t) {
    const int m = vals_[static_cast<std::size_t>(t)];
    if (m < 0) throw std::logic_error("onednn: INT8 tensor read before it was computed");
    return m;
  }
  // A tensor's levels; the data pointer is bound when the kernel runs.
  ByteLevels levels(int t) const { return {nullptr, shape(t), n_, is_signed(t), 0}; }

  struct Compute {
    dnnl::primitive prim;
    dnnl::memory::desc src, acc;
    int weights = -1;
  };

  // The conv/dense primitive of `op` for `b` images: nhwc (or nc) u8/s8 source, s8 weights in the
  // library's format (packed once per format), s32 nhwc (or nc) accumulators.
  Compute make_compute(const QOp& op, std::int64_t b) {
    const int in = op.inputs.front();
    const dnnl::memory::desc& full = exec_.desc(read(in));  // nhwc, or a flatten's source
    dims sd = full.dims();
    sd[0] = b;
    const Shape& os = shape(op.output);
    const Conv2dAttrs& a = op.conv;
    Compute c;
    dnnl::memory::desc w_user, w_packed;
    if (op.kind == QOpKind::Dense) {
      if (sd[2] == 1 && sd[3] == 1) sd = {b, sd[1]};
      c.src = dnnl::memory::desc(sd, full.data_type(), sd.size() == 2 ? tag::nc : tag::nhwc);
      c.acc = dnnl::memory::desc({b, a.out_channels}, dt::s32, tag::nc);
      dims w_d{a.out_channels};
      w_d.insert(w_d.end(), sd.begin() + 1, sd.end());
      w_user = dnnl::memory::desc(w_d, dt::s8, sd.size() == 2 ? tag::oi : tag::oihw);
      dnnl::inner_product_forward::primitive_desc pd(
          {dnnl::prop_kind::forward_inference, c.src, dnnl::memory::desc(w_d, dt::s8, tag::any),
           c.acc},
          ctx_.engine);
      ctx_.impls.add("inner_product", pd, ctx_.main);
      w_packed = pd.weights_desc();
      c.prim = dnnl::inner_product_forward(pd);
    } else {
      const Shape& is = shape(in);
      const std::int64_t g = a.groups;
      c.src = dnnl::memory::desc(sd, full.data_type(), tag::nhwc);
      c.acc = dnnl::memory::desc(nchw_dims(b, os), dt::s32, tag::nhwc);
      const dims w_d = g == 1
                           ? dims{a.out_channels, is.channels, a.kernel_h, a.kernel_w}
                           : dims{g, a.out_channels / g, is.channels / g, a.kernel_h, a.kernel_w};
      w_user = dnnl::memory::desc(w_d, dt::s8, g == 1 ? tag::oihw : tag::goihw);
      dnnl::convolution_forward::primitive_desc pd(
          {dnnl::prop_kind::forward_inference,
           dnnl::algorithm::convolution_direct,
           c.src,
           dnnl::memory::desc(w_d, dt::s8, tag::any),
           c.acc,
           {a.stride_h, a.stride_w},
           {a.pad_h, a.pad_w},
           {right_pad(is.height, os.height, a.kernel_h, a.stride_h, a.pad_h),
            right_pad(is.width, os.width, a.kernel_w, a.stride_w, a.pad_w)}},
          ctx_.engine);
      ctx_.impls.add(g == 1 ? "conv" : "grouped conv", pd, ctx_.main);
      if (pd.src_desc() != c.src || pd.dst_desc() != c.acc) {
        throw UnsupportedError("onednn: INT8 conv '" + op.name + "' does not accept nhwc");
      }
      w_packed = pd.weights_desc();
      c.prim = dnnl::convolution_forward(pd);
    }
    if (w_user.get_size() != op.weights.size()) {
      throw UnsupportedError("onednn: '" + op.name + "' weights do not match its input");
    }
    c.weights = exec_.external(ctx_.params.weights[static_cast<std::size_t>(op_)].get(
        w_user, w_packed, ctx_.engine, ctx_.stream));
    return c;
  }

  // Images per conv call: a requantized layer whose s32 output over the whole batch would not
  // stay in cache runs on sub-batches, each requantized right after its conv (the epilogue then
  // reads cache, not DRAM). One primitive per distinct sub-batch size, created here.
  std::int64_t sub_batch(const QOp& op) const {
    if (op.requant.empty()) return n_;
    const Shape& os = shape(op.output);
    const std::int64_t per_image = os.elements() * static_cast<std::int64_t>(sizeof(std::int32_t));
    return std::clamp<std::int64_t>(kAccBudget / per_image, 1, n_);
  }

  void compute(const QOp& op) {
    const bool last = op.requant.empty();
    if (last != (op.output == model_.output_tensor)) {
      throw UnsupportedError(fmt::format(
          "onednn: '{}' keeps int32 accumulators but is not the output (or the reverse)", op.name));
    }
    const int src_full = read(op.inputs.front());
    const Shape& os = shape(op.output);
    const std::int64_t m = sub_batch(op);
    const Compute main = make_compute(op, m);
    const std::int64_t rest = n_ % m;
    const Compute tail = rest > 0 ? make_compute(op, rest) : Compute{};
    const int acc_full = exec_.buffer(main.acc, last);  // m images of accumulators
    if (last) {
      exec_.primitive(main.prim, {{DNNL_ARG_SRC, exec_.view(src_full, main.src)},
                                  {DNNL_ARG_WEIGHTS, main.weights},
                                  {DNNL_ARG_DST, acc_full}});
      vals_[static_cast<std::size_t>(op.output)] = acc_full;
      return;
    }
    // Where the levels go: the tensor, its concat slice, or (fused add) the add's output.
    const int fused = fused_[static_cast<std::size_t>(op_)];
    const auto [concat, channel_offset] = redirect_[static_cast<std::size_t>(op.output)];
    int target = -1;
    int other = -1;
    std::int64_t stride = os.channels;
    FusedAdd rule;
    if (fused >= 0) {
      const QOp& add = model_.ops[static_cast<std::size_t>(fused)];
      const std::size_t self = add.inputs[0] == op.output ? 0 : 1;
      other = read(add.inputs[1 - self]);
      target = tensor_mem(add.output);
      rule.other_signed = is_signed(add.inputs[1 - self]);
      rule.self_multiplier = add.add_multipliers[self];
      rule.other_multiplier = add.add_multipliers[1 - self];
      rule.shift = add.add_shift;
      rule.lo = add.pool_requant.lo;
      rule.hi = add.pool_requant.hi;
    } else if (concat >= 0) {
      target = tensor_mem(concat);
      stride = shape(concat).channels;
    } else {
      target = tensor_mem(op.output);
    }
    const bool out_signed =
        is_signed(fused >= 0 ? model_.ops[static_cast<std::size_t>(fused)].output : op.output);
    const RequantTable* table = ctx_.params.requant[static_cast<std::size_t>(op_)].get();
    const int threads = ctx_.threads;
    const std::int64_t plane = os.height * os.width;
    const std::int64_t src_image = static_cast<std::int64_t>(main.src.get_size()) / m;
    for (std::int64_t first = 0; first < n_; first += m) {
      const Compute& c = first + m <= n_ ? main : tail;
      const std::int64_t b = first + m <= n_ ? m : rest;
      const int acc = exec_.view(acc_full, c.acc);
      exec_.primitive(
          c.prim,
          {{DNNL_ARG_SRC, exec_.view(src_full, c.src, static_cast<std::size_t>(first * src_image))},
           {DNNL_ARG_WEIGHTS, c.weights},
           {DNNL_ARG_DST, acc}});
      const std::int64_t pixels = b * plane;
      const std::int64_t row0 = first * plane;
      const std::int64_t dst_offset = row0 * stride + channel_offset;
      const std::int64_t other_offset = row0 * os.channels;
      std::vector<int> ids{acc, target};
      if (other >= 0) ids.push_back(other);
      const char* what = other >= 0 ? "requantize+add" : "requantize";
      exec_.kernel(ids, what, [=](std::span<void* const> data) {
        const RequantTarget t{static_cast<char*>(data[1]) + dst_offset, stride, out_signed};
        if (data.size() == 3) {
          FusedAdd r = rule;
          r.other = static_cast<const char*>(data[2]) + other_offset;
          requantize(static_cast<const std::int32_t*>(data[0]), pixels, *table, t, threads, &r);
        } else {
          requantize(static_cast<const std::int32_t*>(data[0]), pixels, *table, t, threads);
        }
      });
    }
  }

  void max_pool(const QOp& op) {
    const int in = op.inputs.front();
    const int src = read(in);
    const Shape& is = shape(in);
    const Shape& os = shape(op.output);
    const PoolAttrs& p = op.pool;
    if (type(in) != type(op.output)) {
      throw UnsupportedError("onednn: max pool '" + op.name + "' changes the level type");
    }
    const int dst = tensor_mem(op.output);
    dnnl::pooling_forward::primitive_desc pd(
        {dnnl::prop_kind::forward_inference,
         dnnl::algorithm::pooling_max,
         exec_.desc(src),
         exec_.desc(dst),
         {p.stride, p.stride},
         {p.kernel, p.kernel},
         {p.pad, p.pad},
         {right_pad(is.height, os.height, p.kernel, p.stride, p.pad),
          right_pad(is.width, os.width, p.kernel, p.stride, p.pad)}},
        ctx_.engine);
    ctx_.impls.add("pooling", pd, ctx_.main);
    exec_.primitive(dnnl::pooling_forward(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
  }

  void avg_pool(const QOp& op) {
    const int in = op.inputs.front();
    const int src = read(in);
    const int dst = tensor_mem(op.output);
    const ByteLevels li = levels(in);
    const ByteLevels lo = levels(op.output);
    const bool global = op.kind == QOpKind::GlobalAvgPool;
    const PoolAttrs pool = op.pool;
    const Requantizer r = op.pool_requant;
    const int threads = ctx_.threads;
    exec_.kernel({src, dst}, global ? "global_avg_pool" : "avg_pool",
                 [=](std::span<void* const> data) {
                   ByteLevels x = li, y = lo;
                   x.data = data[0];
                   y.data = data[1];
                   if (global) {
                     global_avg_pool(x, r, y, threads);
                   } else {
                     onednn::avg_pool(x, pool, r, y, threads);
                   }
                 });
  }

  void add(const QOp& op) {
    std::vector<int> ids;
    std::vector<ByteLevels> ins;
    for (int t : op.inputs) {
      ids.push_back(read(t));
      ins.push_back(levels(t));
    }
    const int dst = tensor_mem(op.output);
    ids.push_back(dst);
    const ByteLevels lo = levels(op.output);
    const AddRule* rule = &ctx_.params.add[static_cast<std::size_t>(op_)];
    const int threads = ctx_.threads;
    exec_.kernel(ids, "add", [=](std::span<void* const> data) {
      std::vector<ByteLevels> x = ins;
      for (std::size_t i = 0; i < x.size(); ++i) x[i].data = data[i];
      ByteLevels y = lo;
      y.data = data[x.size()];
      onednn::add(x, *rule, y, threads);
    });
  }

  void concat(const QOp& op) {
    const int dst = tensor_mem(op.output);
    std::int64_t offset = 0;
    for (int t : op.inputs) {
      const std::int64_t here = offset;
      offset += shape(t).channels;
      if (redirect_[static_cast<std::size_t>(t)].first == op.output) continue;  // written in place
      if (type(t) != type(op.output)) {
        throw UnsupportedError("onednn: concat '" + op.name + "' mixes level types");
      }
      const int src = read(t);
      const ByteLevels li = levels(t);
      const ByteLevels lo = levels(op.output);
      const int threads = ctx_.threads;
      exec_.kernel({src, dst}, "copy_channels", [=](std::span<void* const> data) {
        ByteLevels x = li, y = lo;
        x.data = data[0];
        y.data = data[1];
        copy_channels(x, y, here, threads);
      });
    }
  }

  void flatten(const QOp& op) {
    const int src = read(op.inputs.front());
    if (alias_[static_cast<std::size_t>(op.output)]) {
      vals_[static_cast<std::size_t>(op.output)] = src;
      return;
    }
    // CHW order for other readers: a plain nchw copy, which as N x CHW x 1 x 1 is nhwc too.
    const dnnl::memory::desc& md = exec_.desc(src);
    const int plain = exec_.buffer(dnnl::memory::desc(md.dims(), md.data_type(), tag::nchw));
    dnnl::reorder::primitive_desc pd(ctx_.engine, md, ctx_.engine, exec_.desc(plain));
    ctx_.impls.add("reorder", pd, ctx_.main);
    exec_.primitive(dnnl::reorder(pd), {{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, plain}});
    vals_[static_cast<std::size_t>(op.output)] = exec_.view(plain, nhwc(op.output));
  }

  Int8PlanContext& ctx_;
  const LoweredModel& model_;
  std::int64_t n_;
  Int8Plan& plan_;
  ExecPlan& exec_;
  std::vector<int> vals_;                               // per tensor: buffer id
  std::vector<std::pair<int, std::int64_t>> redirect_;  // per tensor: concat tensor, channel
  std::vector<bool> alias_;                             // per flatten tensor
  std::vector<int> fused_;        // per conv/dense op: the add op fused into its epilogue, or -1
  std::vector<bool> fused_away_;  // per add op: computed in an epilogue
  int op_ = 0;
};

}  // namespace

Int8Params make_int8_params(const LoweredModel& model) {
  Int8Params params;
  for (const QOp& op : model.ops) {
    std::vector<char> bytes(op.weights.size());
    std::memcpy(bytes.data(), op.weights.data(), bytes.size());
    params.weights.emplace_back(std::move(bytes));
    params.requant.push_back(op.requant.empty() ? nullptr
                                                : std::make_unique<RequantTable>(op.requant));
    params.add.push_back(op.kind == QOpKind::Add ? AddRule::of(op) : AddRule{});
  }
  return params;
}

Int8Plan build_int8_plan(Int8PlanContext& ctx, std::int64_t batch) {
  Int8Plan plan(ctx.engine);
  plan.batch = batch;
  Builder(ctx, batch, plan).build();
  return plan;
}

}  // namespace qtb::onednn
