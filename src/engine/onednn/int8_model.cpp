#include "engine/onednn/int8_model.hpp"

#include <climits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/omp_thread_scope.hpp"
#include "engine/integer_model.hpp"
#include "engine/onednn/dnnl_util.hpp"
#include "engine/onednn/int8_plan.hpp"
#include "engine/onednn/model_base.hpp"
#include "lowering/lower.hpp"

namespace qtb::onednn {
namespace {

// What the INT8 plan relies on; anything else is refused with a reason.
void check_model(const LoweredModel& m) {
  auto fail = [&](const std::string& why) {
    throw UnsupportedError(fmt::format("backend onednn, INT8 model '{}': {}", m.topology, why));
  };
  if (m.precision != Precision::uniform(DataType::INT8)) {
    fail("only INT8 runs on oneDNN (levels of " + m.precision.name() + " are not 8-bit)");
  }
  const int tensors = static_cast<int>(m.tensors.size());
  if (tensors == 0 || m.output_tensor <= 0 || m.output_tensor >= tensors) fail("no output tensor");
  for (int t = 0; t < tensors; ++t) {
    if (t != m.output_tensor && m.tensors[static_cast<std::size_t>(t)].quant.bits != 8) {
      fail("tensor '" + m.tensors[static_cast<std::size_t>(t)].name + "' is not 8-bit");
    }
  }
  const Shape& out = m.tensors[static_cast<std::size_t>(m.output_tensor)].shape;
  if (m.output_scale.size() != static_cast<std::size_t>(out.channels) ||
      m.output_bias.size() != static_cast<std::size_t>(out.channels)) {
    fail("output_scale/output_bias do not match the output channels");
  }
  for (const QOp& op : m.ops) {
    if (op.inputs.empty() || op.output <= 0 || op.output >= tensors) fail("bad tensor ids");
    for (int t : op.inputs) {
      if (t < 0 || t >= tensors || t == m.output_tensor)
        fail("bad tensor ids in '" + op.name + "'");
    }
    const UniformQuantizer& q = m.tensors[static_cast<std::size_t>(op.output)].quant;
    auto check_range = [&](std::int32_t lo, std::int32_t hi, bool binary) {
      if (binary) fail("'" + op.name + "' has a binary output");
      if (lo < q.min_level() || hi > q.max_level() || lo > hi) {
        fail(fmt::format("'{}' clamps to [{}, {}] outside its levels", op.name, lo, hi));
      }
    };
    switch (op.kind) {
      case QOpKind::Conv:
      case QOpKind::Dense:
        if (op.weight_quant.bits != 8) fail("'" + op.name + "' weights are not 8-bit");
        if (!op.requant.empty() &&
            op.requant.size() != static_cast<std::size_t>(op.conv.out_channels)) {
          fail("'" + op.name + "' has a requantizer count other than its channels");
        }
        for (const Requantizer& r : op.requant) check_range(r.lo, r.hi, r.binary);
        break;
      case QOpKind::AvgPool:
      case QOpKind::GlobalAvgPool: {
        check_range(op.pool_requant.lo, op.pool_requant.hi, op.pool_requant.binary);
        const Shape& s = m.tensors[static_cast<std::size_t>(op.inputs.front())].shape;
        if (s.height * s.width > INT32_MAX / 255) fail("'" + op.name + "' window sum overflows");
        break;
      }
      case QOpKind::Add:
        check_range(op.pool_requant.lo, op.pool_requant.hi, op.pool_requant.binary);
        if (op.add_multipliers.size() != op.inputs.size()) fail("'" + op.name + "' multipliers");
        if (op.add_shift < 0 || op.add_shift > 62) fail("'" + op.name + "' shift");
        break;
      case QOpKind::MaxPool:
      case QOpKind::Concat:
      case QOpKind::Flatten:
        break;
    }
  }
}

class Int8Model final : public IntegerModel, public ModelBase {
 public:
  Int8Model(LoweredModel model, const CompileOptions& options)
      : IntegerModel(model), ModelBase(options), model_(std::move(model)) {
    describe(info_);
    check_model(model_);
    if (auto reason = int8_isa_refusal()) throw UnsupportedError(*reason);
    const OmpThreadScope threads(threads_);
    params_ = make_int8_params(model_);
    ImplSummary impls;
    Int8PlanContext ctx{model_, params_, engine_, stream_, impls, true, threads_};
    const std::vector<std::int64_t> sizes = batch_ladder(max_batch_);
    for (std::size_t i = sizes.size(); i-- > 0;) {
      ctx.main = i + 1 == sizes.size();
      plans_.insert(plans_.begin(), std::make_unique<Int8Plan>(build_int8_plan(ctx, sizes[i])));
    }
    std::vector<ExecPlan*> execs;
    for (auto& plan : plans_) execs.push_back(&plan->exec);
    bind_plans(execs);

    std::int64_t weight_bytes = 0;
    for (const auto& w : params_.weights) weight_bytes += w.packed_bytes();
    info_.precision = model_.precision;
    int tables = 0, preclamped = 0;
    for (const auto& table : params_.requant) {
      if (!table) continue;
      ++tables;
      preclamped += requantize_uses_preclamp(*table) ? 1 : 0;
    }
    info_.method = fmt::format(
        "oneDNN {}.{}.{} ({}) u8/s8 x s8 -> s32: {}; requantization: qtb epilogue ({}, "
        "pre-clamped on {} of {} layers)",
        dnnl::version()->major, dnnl::version()->minor, dnnl::version()->patch,
        effective_isa_name(), impls.str(), requantize_uses_avx512() ? "avx512" : "scalar",
        preclamped, tables);
    info_.notes = fmt::format(
        "integer network from lower(); nhwc u8/s8 activations; avg/global pool, add and concat "
        "by qtb loops; plans for batch {}",
        fmt::join(sizes, ","));
    info_.weight_bytes = weight_bytes;
    info_.input = model_.tensors.front().shape;
    info_.output = model_.tensors[static_cast<std::size_t>(model_.output_tensor)].shape;
  }

 private:
  void do_set_input(std::span<const float> input, std::int64_t batch) override {
    const OmpThreadScope threads(threads_);
    const UniformQuantizer& q = model_.tensors.front().quant;
    for (const BatchChunk& c : chunks(batch)) {
      const Int8Plan& plan = *plans_[c.plan];
      const ByteLevels out{plan.exec.data(plan.input), info_.input, c.size, q.is_signed, 0};
      const auto per = static_cast<std::size_t>(info_.input.elements());
      quantize_input(input.subspan(static_cast<std::size_t>(c.offset) * per,
                                   static_cast<std::size_t>(c.size) * per),
                     q, out, threads_);
    }
  }

  void do_run(std::int64_t batch) override { execute_plans(batch, profiler()); }
  std::vector<ModelStep> do_steps(std::int64_t batch) const override { return plan_steps(batch); }
  void do_run_step(std::size_t index, std::int64_t batch) override {
    execute_plan_step(index, batch);
  }

  void do_get_output_accumulators(std::span<std::int32_t> output,
                                  std::int64_t batch) const override {
    const auto per = static_cast<std::size_t>(info_.output.elements());
    for (const BatchChunk& c : chunks(batch)) {
      const Int8Plan& plan = *plans_[c.plan];
      integer_ops::nhwc_to_nchw(
          static_cast<const std::int32_t*>(plan.exec.data(plan.output)), info_.output,
          output.data() + static_cast<std::size_t>(c.offset) * per, {0, c.size});
    }
  }

  LoweredModel model_;
  Int8Params params_;
  std::vector<std::unique_ptr<Int8Plan>> plans_;
};

}  // namespace

std::optional<std::string> int8_isa_refusal() {
  if (exact_int8_isa()) return std::nullopt;
  return fmt::format(
      "backend onednn: INT8 needs VNNI or AMX for exact int32 accumulation (this CPU: {})",
      effective_isa_name());
}

std::unique_ptr<CompiledModel> compile_lowered(LoweredModel model, const CompileOptions& options) {
  return std::make_unique<Int8Model>(std::move(model), options);
}

std::unique_ptr<CompiledModel> compile_int8(const Graph& graph, const CompileOptions& options) {
  return compile_lowered(lower(graph, Precision::uniform(DataType::INT8)), options);
}

}  // namespace qtb::onednn
