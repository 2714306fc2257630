#include "engine/onednn/float_plan.hpp"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/backend.hpp"

namespace qtb::onednn {
namespace {

dnnl::algorithm eltwise_algorithm(ActivationKind kind) {
  return kind == ActivationKind::ReLU ? dnnl::algorithm::eltwise_relu
                                      : dnnl::algorithm::eltwise_clip;
}
// eltwise_relu's alpha is its negative slope (0); eltwise_clip's alpha and beta are the bounds.
float eltwise_alpha(ActivationKind kind) {
  return kind == ActivationKind::ReLU ? 0.0f : activation_bounds(kind).low;
}
float eltwise_beta(ActivationKind kind) {
  return kind == ActivationKind::ReLU ? 0.0f : activation_bounds(kind).high;
}

dnnl::primitive_attr post_op_attr(const std::vector<FloatPostOp>& post_ops) {
  dnnl::post_ops ops;
  for (const FloatPostOp& p : post_ops) {
    if (p.sum) {
      ops.append_sum(1.0f);
    } else {
      ops.append_eltwise(1.0f, eltwise_algorithm(p.activation), eltwise_alpha(p.activation),
                         eltwise_beta(p.activation));
    }
  }
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  return attr;
}

// Right padding that makes a sliding window produce `out` positions (Caffe's ceil mode may need
// more than the left padding, floor mode less).
std::int64_t right_pad(std::int64_t in, std::int64_t out, int kernel, int stride, int pad) {
  return (out - 1) * stride + kernel - in - pad;
}

tag plain_tag(std::size_t rank) {
  return rank == 2 ? tag::nc : tag::nchw;
}

class Builder {
 public:
  Builder(FloatPlanContext& ctx, std::int64_t batch, FloatPlan& plan)
      : ctx_(ctx),
        net_(ctx.net),
        n_(batch),
        plan_(plan),
        exec_(plan.exec),
        vals_(net_.shapes.size(), -1),
        root_(net_.shapes.size()),
        last_read_(net_.shapes.size(), -1) {
    for (std::size_t i = 0; i < root_.size(); ++i) root_[i] = static_cast<int>(i);
    for (std::size_t s = 0; s < net_.steps.size(); ++s) {
      const FloatStep& step = net_.steps[s];
      auto read = [&](int node) {
        int& last = last_read_[static_cast<std::size_t>(root_[static_cast<std::size_t>(node)])];
        last = std::max(last, static_cast<int>(s));
      };
      for (int in : step.inputs) read(in);
      for (const FloatPostOp& p : step.post_ops) {
        if (p.sum) read(p.operand);
      }
      if (step.kind == FloatStepKind::Flatten && step.flatten_alias) {
        root_[static_cast<std::size_t>(step.output)] =
            root_[static_cast<std::size_t>(step.inputs[0])];
      }
    }
  }

  void build() {
    for (std::size_t s = 0; s < net_.steps.size(); ++s) {
      step_ = static_cast<int>(s);
      const FloatStep& step = net_.steps[s];
      exec_.label(step.name);
      try {
        switch (step.kind) {
          case FloatStepKind::Compute:
            step.op == OpKind::Dense ? dense(step) : conv(step);
            break;
          case FloatStepKind::Add:
            add(step);
            break;
          case FloatStepKind::MaxPool:
          case FloatStepKind::AvgPool:
          case FloatStepKind::GlobalPool:
            pool(step);
            break;
          case FloatStepKind::Eltwise:
            eltwise(step);
            break;
          case FloatStepKind::Concat:
            concat(step);
            break;
          case FloatStepKind::Flatten:
            flatten(step);
            break;
          case FloatStepKind::Softmax:
            softmax(step);
            break;
        }
      } catch (const dnnl::error& e) {
        if (e.status == dnnl_unimplemented) {
          throw UnsupportedError(
              fmt::format("onednn has no implementation for node '{}' ({})", step.name, e.what()));
        }
        throw;
      }
    }
    plan_.input = fixed(net_.input_node);
    int out = vals_[static_cast<std::size_t>(net_.output_node)];
    if (!exec_.persistent(out)) {  // not expected: the output step writes a persistent buffer
      const int copy = exec_.buffer(exec_.desc(out), true);
      reorder(out, copy);
      out = copy;
    }
    plan_.output = out;
  }

 private:
  bool is_output(const FloatStep& step) const { return step.output == net_.output_node; }
  dt out_type(const FloatStep& step) const { return is_output(step) ? dt::f32 : ctx_.activations; }
  const Shape& shape(int node) const { return net_.shapes[static_cast<std::size_t>(node)]; }
  bool dies_here(int node) const {
    return last_read_[static_cast<std::size_t>(root_[static_cast<std::size_t>(node)])] == step_;
  }

  int dst_buffer(const FloatStep& step, const dnnl::memory::desc& md) {
    return exec_.buffer(md, is_output(step));
  }

  void reorder(int from, int to) {
    dnnl::reorder::primitive_desc pd(ctx_.engine, exec_.desc(from), ctx_.engine, exec_.desc(to));
    ctx_.impls.add("reorder", pd, ctx_.main);
    exec_.primitive(dnnl::reorder(pd), {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}});
  }

  // The value of `node` as it is stored; the network input, still unplaced, becomes plain NCHW.
  int fixed(int node) {
    int& m = vals_[static_cast<std::size_t>(node)];
    if (m < 0) {
      m = exec_.buffer(plain_desc(nchw_dims(n_, shape(node)), ctx_.activations, tag::nchw), true);
    }
    return m;
  }

  // The value of `node` in format `wanted`: the network input takes it; another value is
  // reordered into a temporary when it differs.
  int as(int node, const dnnl::memory::desc& wanted) {
    int& m = vals_[static_cast<std::size_t>(node)];
    if (m < 0) {
      m = exec_.buffer(wanted, true);
      return m;
    }
    if (exec_.desc(m) == wanted) return m;
    const int tmp = exec_.buffer(wanted);
    reorder(m, tmp);
    ++plan_.reorders;
    return tmp;
  }

  // Destination of a compute step: in place into its dead sum operand when formats allow,
  // else a new buffer the operand is copied into first.
  int compute_dst(const FloatStep& step, const dnnl::memory::desc& dst_md, int src) {
    for (const FloatPostOp& p : step.post_ops) {
      if (!p.sum) continue;
      const int operand = fixed(p.operand);
      if (!is_output(step) && !exec_.persistent(operand) && dies_here(p.operand) &&
          exec_.desc(operand) == dst_md && !exec_.same_storage(operand, src)) {
        return exec_.view(operand, dst_md);
      }
      const int dst = dst_buffer(step, dst_md);
      reorder(operand, dst);
      ++plan_.reorders;
      return dst;
    }
    return dst_buffer(step, dst_md);
  }

  dnnl::memory bias_memory(const FloatStep&) {
    return ctx_.params.bias[static_cast<std::size_t>(step_)];
  }

  void conv(const FloatStep& step) {
    const int in = step.inputs[0];
    const Shape& is = shape(in);
    const Shape& os = shape(step.output);
    const Conv2dAttrs& a = step.conv;
    const std::int64_t g = a.groups;
    const dims src_d = nchw_dims(n_, is);
    const dims dst_d = nchw_dims(n_, os);
    const dims w_d = g == 1 ? dims{a.out_channels, is.channels, a.kernel_h, a.kernel_w}
                            : dims{g, a.out_channels / g, is.channels / g, a.kernel_h, a.kernel_w};
    const dnnl::memory::desc w_user(w_d, dt::f32, g == 1 ? tag::oihw : tag::goihw);
    const dnnl::memory::desc bias_md({a.out_channels}, dt::f32, tag::x);
    dnnl::convolution_forward::desc d(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
        dnnl::memory::desc(src_d, ctx_.activations, tag::any),
        dnnl::memory::desc(w_d, ctx_.activations, tag::any), bias_md,
        dnnl::memory::desc(dst_d, out_type(step), tag::any), {a.stride_h, a.stride_w},
        {a.pad_h, a.pad_w},
        {right_pad(is.height, os.height, a.kernel_h, a.stride_h, a.pad_h),
         right_pad(is.width, os.width, a.kernel_w, a.stride_w, a.pad_w)});
    dnnl::convolution_forward::primitive_desc pd(d, post_op_attr(step.post_ops), ctx_.engine);
    ctx_.impls.add(g == 1 ? "conv" : "grouped conv", pd, ctx_.main);
    const int src = as(in, pd.src_desc());
    const int weights = exec_.external(ctx_.params.weights[static_cast<std::size_t>(step_)].get(
        w_user, pd.weights_desc(), ctx_.engine, ctx_.stream));
    const int bias = exec_.external(bias_memory(step));
    const int dst = compute_dst(step, pd.dst_desc(), src);
    exec_.primitive(dnnl::convolution_forward(pd), {{DNNL_ARG_SRC, src},
                                                    {DNNL_ARG_WEIGHTS, weights},
                                                    {DNNL_ARG_BIAS, bias},
                                                    {DNNL_ARG_DST, dst}});
    vals_[static_cast<std::size_t>(step.output)] = dst;
  }

  void dense(const FloatStep& step) {
    const int in = step.inputs[0];
    int src = fixed(in);
    dnnl::memory::desc src_md = exec_.desc(src);
    dims sd = src_md.dims();
    if (sd.size() == 4 && sd[2] == 1 && sd[3] == 1) {  // a flat value: 2D when its format allows
      try {
        const dnnl::memory::desc flat = src_md.reshape({sd[0], sd[1]});
        src = exec_.view(src, flat);
        src_md = flat;
        sd = flat.dims();
      } catch (const dnnl::error&) {
      }
    }
    const std::int64_t out_c = step.conv.out_channels;
    dims w_d{out_c};
    w_d.insert(w_d.end(), sd.begin() + 1, sd.end());
    const dnnl::memory::desc w_user(w_d, dt::f32,
                                    plain_tag(sd.size()) == tag::nc ? tag::oi : tag::oihw);
    if (w_user.get_size() != step.weights.size() * sizeof(float)) {
      throw std::logic_error("onednn: dense '" + step.name + "' input does not match its weights");
    }
    const dnnl::memory::desc bias_md({out_c}, dt::f32, tag::x);
    const dnnl::memory::desc dst_md({n_, out_c}, out_type(step), tag::any);
    const dnnl::primitive_attr attr = post_op_attr(step.post_ops);
    dnnl::inner_product_forward::primitive_desc pd;
    try {  // the input as it is stored
      pd = {{dnnl::prop_kind::forward_inference, src_md,
             dnnl::memory::desc(w_d, ctx_.activations, tag::any), bias_md, dst_md},
            attr,
            ctx_.engine};
    } catch (const dnnl::error&) {  // else the library's choice, with a reorder
      pd = {{dnnl::prop_kind::forward_inference, dnnl::memory::desc(sd, ctx_.activations, tag::any),
             dnnl::memory::desc(w_d, ctx_.activations, tag::any), bias_md, dst_md},
            attr,
            ctx_.engine};
    }
    ctx_.impls.add("inner_product", pd, ctx_.main);
    if (pd.src_desc() != src_md) {
      const int tmp = exec_.buffer(pd.src_desc());
      reorder(src, tmp);
      ++plan_.reorders;
      src = tmp;
    }
    const int weights = exec_.external(ctx_.params.weights[static_cast<std::size_t>(step_)].get(
        w_user, pd.weights_desc(), ctx_.engine, ctx_.stream));
    const int bias = exec_.external(bias_memory(step));
    int dst = compute_dst(step, pd.dst_desc(), src);
    exec_.primitive(dnnl::inner_product_forward(pd), {{DNNL_ARG_SRC, src},
                                                      {DNNL_ARG_WEIGHTS, weights},
                                                      {DNNL_ARG_BIAS, bias},
                                                      {DNNL_ARG_DST, dst}});
    // Stored as N x C x 1 x 1, like every other value (nc reshapes to nchw).
    dst = exec_.view(dst, exec_.desc(dst).reshape({n_, out_c, 1, 1}));
    vals_[static_cast<std::size_t>(step.output)] = dst;
  }

  void add(const FloatStep& step) {
    const dims d = nchw_dims(n_, shape(step.output));
    const dnnl::memory::desc dst_any(d, out_type(step), tag::any);
    if (step.inputs.size() == 2) {
      const int a = fixed(step.inputs[0]);
      const int b = as(step.inputs[1], exec_.desc(a));
      dnnl::binary::primitive_desc pd(
          {dnnl::algorithm::binary_add, exec_.desc(a), exec_.desc(b), dst_any},
          post_op_attr(step.post_ops), ctx_.engine);
      ctx_.impls.add("binary", pd, ctx_.main);
      const bool in_place = !is_output(step) && !exec_.persistent(a) && dies_here(step.inputs[0]) &&
                            pd.dst_desc() == exec_.desc(a);
      const int dst = in_place ? exec_.view(a, pd.dst_desc()) : dst_buffer(step, pd.dst_desc());
      exec_.primitive(dnnl::binary(pd),
                      {{DNNL_ARG_SRC_0, a}, {DNNL_ARG_SRC_1, b}, {DNNL_ARG_DST, dst}});
      vals_[static_cast<std::size_t>(step.output)] = dst;
      return;
    }
    std::vector<dnnl::memory::desc> srcs;
    std::vector<std::pair<int, int>> args;
    for (std::size_t i = 0; i < step.inputs.size(); ++i) {
      const int m = fixed(step.inputs[i]);
      srcs.push_back(exec_.desc(m));
      args.emplace_back(DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), m);
    }
    dnnl::sum::primitive_desc pd(dst_any, std::vector<float>(srcs.size(), 1.0f), srcs, ctx_.engine);
    ctx_.impls.add("sum", pd, ctx_.main);
    const int dst = dst_buffer(step, pd.dst_desc());
    args.emplace_back(DNNL_ARG_DST, dst);
    exec_.primitive(dnnl::sum(pd), args);
    vals_[static_cast<std::size_t>(step.output)] = dst;
  }

  void pool(const FloatStep& step) {
    const int in = step.inputs[0];
    const int src = fixed(in);
    const Shape& is = shape(in);
    const Shape& os = shape(step.output);
    dims kernel{is.height, is.width}, strides{1, 1}, pad_l{0, 0}, pad_r{0, 0};
    dnnl::algorithm alg = dnnl::algorithm::pooling_avg_include_padding;
    if (step.kind != FloatStepKind::GlobalPool) {
      const PoolAttrs& p = step.pool;
      kernel = {p.kernel, p.kernel};
      strides = {p.stride, p.stride};
      pad_l = {p.pad, p.pad};
      pad_r = {right_pad(is.height, os.height, p.kernel, p.stride, p.pad),
               right_pad(is.width, os.width, p.kernel, p.stride, p.pad)};
      if (step.kind == FloatStepKind::MaxPool) alg = dnnl::algorithm::pooling_max;
    }
    dnnl::pooling_forward::primitive_desc pd(
        {dnnl::prop_kind::forward_inference, alg, exec_.desc(src),
         dnnl::memory::desc(nchw_dims(n_, os), ctx_.activations, tag::any), strides, kernel, pad_l,
         pad_r},
        ctx_.engine);
    ctx_.impls.add("pooling", pd, ctx_.main);
    const int dst = dst_buffer(step, pd.dst_desc());
    exec_.primitive(dnnl::pooling_forward(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
    vals_[static_cast<std::size_t>(step.output)] = dst;
  }

  void eltwise(const FloatStep& step) {
    const int in = step.inputs[0];
    const int src = fixed(in);
    dnnl::eltwise_forward::primitive_desc pd(
        {dnnl::prop_kind::forward_inference, eltwise_algorithm(step.activation), exec_.desc(src),
         eltwise_alpha(step.activation), eltwise_beta(step.activation)},
        ctx_.engine);
    ctx_.impls.add("eltwise", pd, ctx_.main);
    const bool in_place = !is_output(step) && !exec_.persistent(src) && dies_here(in);
    const int dst = in_place ? exec_.view(src, pd.dst_desc()) : dst_buffer(step, pd.dst_desc());
    exec_.primitive(dnnl::eltwise_forward(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
    vals_[static_cast<std::size_t>(step.output)] = dst;
  }

  void concat(const FloatStep& step) {
    std::vector<dnnl::memory::desc> srcs;
    std::vector<std::pair<int, int>> args;
    for (std::size_t i = 0; i < step.inputs.size(); ++i) {
      const int m = fixed(step.inputs[i]);
      srcs.push_back(exec_.desc(m));
      args.emplace_back(DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), m);
    }
    dnnl::concat::primitive_desc pd(1, srcs, ctx_.engine);
    ctx_.impls.add("concat", pd, ctx_.main);
    const int dst = dst_buffer(step, pd.dst_desc());
    args.emplace_back(DNNL_ARG_DST, dst);
    exec_.primitive(dnnl::concat(pd), args);
    vals_[static_cast<std::size_t>(step.output)] = dst;
  }

  void flatten(const FloatStep& step) {
    const int src = fixed(step.inputs[0]);
    if (step.flatten_alias) {  // dense layers read the CHW value directly
      vals_[static_cast<std::size_t>(step.output)] = src;
      return;
    }
    const dnnl::memory::desc& md = exec_.desc(src);
    const int plain = dst_buffer(step, plain_desc(md.dims(), md.data_type(), tag::nchw));
    reorder(src, plain);
    ++plan_.reorders;
    vals_[static_cast<std::size_t>(step.output)] =
        exec_.view(plain, exec_.desc(plain).reshape(nchw_dims(n_, shape(step.output))));
  }

  void softmax(const FloatStep& step) {
    const int src = fixed(step.inputs[0]);
    dnnl::softmax_forward::primitive_desc pd(
        {dnnl::prop_kind::forward_inference, exec_.desc(src), 1}, ctx_.engine);
    ctx_.impls.add("softmax", pd, ctx_.main);
    const int dst = dst_buffer(step, pd.dst_desc());
    exec_.primitive(dnnl::softmax_forward(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
    vals_[static_cast<std::size_t>(step.output)] = dst;
  }

  FloatPlanContext& ctx_;
  const FloatNetwork& net_;
  std::int64_t n_;
  FloatPlan& plan_;
  ExecPlan& exec_;
  std::vector<int> vals_;       // per node: buffer id of its value (-1: none yet)
  std::vector<int> root_;       // per node: the node whose storage holds it (flatten aliases)
  std::vector<int> last_read_;  // per root node: the last step reading it
  int step_ = 0;
};

}  // namespace

FloatParams make_float_params(const FloatNetwork& net, const dnnl::engine& engine) {
  FloatParams params;
  for (const FloatStep& step : net.steps) {
    if (step.kind != FloatStepKind::Compute) {
      params.weights.emplace_back();
      params.bias.emplace_back();
      continue;
    }
    std::vector<char> bytes(step.weights.size() * sizeof(float));
    std::memcpy(bytes.data(), step.weights.data(), bytes.size());
    params.weights.emplace_back(std::move(bytes));
    const auto channels = static_cast<std::int64_t>(step.bias.size());
    dnnl::memory bias({{channels}, dt::f32, tag::x}, engine);
    std::memcpy(bias.get_data_handle(), step.bias.data(), step.bias.size() * sizeof(float));
    params.bias.push_back(bias);
  }
  return params;
}

FloatPlan build_float_plan(FloatPlanContext& ctx, std::int64_t batch) {
  FloatPlan plan(ctx.engine);
  plan.batch = batch;
  Builder(ctx, batch, plan).build();
  return plan;
}

}  // namespace qtb::onednn
