#include "engine/onednn/float_model.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/omp_thread_scope.hpp"
#include "engine/onednn/dnnl_util.hpp"
#include "engine/onednn/float_fusion.hpp"
#include "engine/onednn/float_plan.hpp"
#include "engine/onednn/model_base.hpp"

namespace qtb::onednn {
namespace {

class FloatModel final : public CompiledModel, public ModelBase {
 public:
  FloatModel(const Graph& graph, const Precision& precision, const CompileOptions& options)
      : ModelBase(options) {
    describe(info_);
    const OmpThreadScope threads(threads_);
    const FloatNetwork net = fuse_float_graph(graph);
    const dt activations = precision.activations == DataType::BF16 ? dt::bf16 : dt::f32;
    params_ = make_float_params(net, engine_);
    ImplSummary impls;
    FloatPlanContext ctx{net, activations, params_, engine_, stream_, impls, true};
    const std::vector<std::int64_t> sizes = batch_ladder(max_batch_);
    for (std::size_t i = sizes.size(); i-- > 0;) {  // max_batch first: it sets the summary
      ctx.main = i + 1 == sizes.size();
      plans_.insert(plans_.begin(), std::make_unique<FloatPlan>(build_float_plan(ctx, sizes[i])));
    }
    std::vector<ExecPlan*> execs;
    for (auto& plan : plans_) execs.push_back(&plan->exec);
    bind_plans(execs);

    // System path: plain NCHW f32 in, plain f32 logits out, one reorder each per plan.
    input_shape_ = net.shapes[static_cast<std::size_t>(net.input_node)];
    output_shape_ = net.shapes[static_cast<std::size_t>(net.output_node)];
    for (auto& plan : plans_) {
      const dnnl::memory::desc& in = plan->exec.desc(plan->input);
      const dnnl::memory::desc& out = plan->exec.desc(plan->output);
      const dnnl::memory::desc user_in = plain_desc(in.dims(), dt::f32, tag::nchw);
      const dnnl::memory::desc user_out =
          plain_desc(out.dims(), dt::f32, out.dims().size() == 2 ? tag::nc : tag::nchw);
      io_.push_back(
          {user_in, user_out,
           dnnl::reorder(dnnl::reorder::primitive_desc(engine_, user_in, engine_, in)),
           dnnl::reorder(dnnl::reorder::primitive_desc(engine_, out, engine_, user_out))});
    }

    std::int64_t weight_bytes = 0;
    for (const auto& w : params_.weights) weight_bytes += w.packed_bytes();
    for (const auto& b : params_.bias) {
      if (b) weight_bytes += static_cast<std::int64_t>(b.get_desc().get_size());
    }
    info_.precision = precision;
    info_.method =
        fmt::format("oneDNN {}.{}.{} ({}): {}", dnnl::version()->major, dnnl::version()->minor,
                    dnnl::version()->patch, effective_isa_name(), impls.str());
    info_.notes = fmt::format(
        "{}batchnorm folded, activations and residual adds fused as post-ops; {} reorder(s) "
        "between layers at max_batch; plans for batch {}",
        activations == dt::bf16 ? "bf16 weights and activations, f32 accumulation and logits; "
                                : "",
        plans_.back()->reorders, fmt::join(sizes, ","));
    info_.weight_bytes = weight_bytes;
    info_.input = input_shape_;
    info_.output = output_shape_;
  }

 private:
  struct Io {
    dnnl::memory::desc user_in, user_out;
    dnnl::reorder in, out;
  };

  void do_set_input(std::span<const float> input, std::int64_t batch) override {
    const OmpThreadScope threads(threads_);
    for (const BatchChunk& c : chunks(batch)) {
      const FloatPlan& plan = *plans_[c.plan];
      const Io& io = io_[c.plan];
      const float* from = input.data() + c.offset * input_shape_.elements();
      dnnl::memory user(io.user_in, engine_, const_cast<float*>(from));
      dnnl::memory in = plan.exec.memory(plan.input);
      io.in.execute(stream_, user, in);
    }
    stream_.wait();
  }

  void do_run(std::int64_t batch) override { execute_plans(batch, profiler()); }
  std::vector<ModelStep> do_steps(std::int64_t batch) const override { return plan_steps(batch); }
  void do_run_step(std::size_t index, std::int64_t batch) override {
    execute_plan_step(index, batch);
  }

  void do_get_output(std::span<float> output, std::int64_t batch) const override {
    const OmpThreadScope threads(threads_);
    for (const BatchChunk& c : chunks(batch)) {
      const FloatPlan& plan = *plans_[c.plan];
      const Io& io = io_[c.plan];
      dnnl::memory user(io.user_out, engine_, output.data() + c.offset * output_shape_.elements());
      dnnl::memory out = plan.exec.memory(plan.output);
      io.out.execute(stream_, out, user);
    }
    stream_.wait();
  }

  std::vector<std::unique_ptr<FloatPlan>> plans_;  // ascending batch, as batch_ladder()
  std::vector<Io> io_;
  FloatParams params_;
  Shape input_shape_, output_shape_;
};

}  // namespace

std::unique_ptr<CompiledModel> compile_float(const Graph& graph, const Precision& precision,
                                             const CompileOptions& options) {
  return std::make_unique<FloatModel>(graph, precision, options);
}

}  // namespace qtb::onednn
