#include "engine/gemmlowp/compiled_model.hpp"

#include <algorithm>
#include <climits>

#include <fmt/format.h>

#include "engine/gemmlowp/gemm.hpp"
#include "engine/gemmlowp/kernels.hpp"
#include "engine/gemmlowp/plan.hpp"
#include "engine/integer_model.hpp"
#include "engine/integer_step.hpp"

namespace qtb::gemmlowp_backend {
namespace {

std::size_t at(std::int64_t i) {
  return static_cast<std::size_t>(i);
}

std::string carrier_note(const Precision& precision) {
  if (precision == Precision::uniform(DataType::INT8)) return "";
  return fmt::format("{} runs in the INT8 carrier (gemmlowp uint8 GEMM)", precision.name());
}

class GemmlowpModel final : public IntegerModel {
 public:
  GemmlowpModel(LoweredModel model, const CompileOptions& options)
      : IntegerModel(model), gemm_(options.threads), max_batch_(options.max_batch) {
    info_.backend = "gemmlowp";
    info_.precision = model.precision;
    info_.method =
        "im2col + gemmlowp uint8 GEMM into int32 (AVX2 kernels), one GEMM per conv group; "
        "per-channel integer requantization";
    info_.notes = carrier_note(model.precision);
    info_.input = model.tensors.at(0).shape;
    info_.output = model.tensors.at(at(model.output_tensor)).shape;
    info_.threads = options.threads;
    info_.max_batch = options.max_batch;
    quant_ = model.tensors.front().quant;
    plan_ = plan_model(std::move(model));
    info_.weight_bytes = plan_.weight_bytes;
    // gemmlowp indexes its matrices with int.
    for (const StepPlan& step : plan_.steps) {
      const ConvPlan& c = step.conv;
      const std::int64_t pixels = max_batch_ * c.out.height * c.out.width;
      if (pixels * std::max<std::int64_t>(c.patch_bytes(), c.out.channels) > INT32_MAX) {
        throw UnsupportedError(fmt::format(
            "backend gemmlowp: max_batch {} makes '{}' too large for gemmlowp's int indices",
            max_batch_, step.op.name));
      }
    }
    for (std::int64_t size : plan_.byte_buffer_sizes) bytes_.emplace_back(at(size * max_batch_));
    for (std::int64_t size : plan_.int32_buffer_sizes) ints_.emplace_back(at(size * max_batch_));
    im2col_.resize(at(plan_.im2col_bytes * max_batch_));
    accumulators_.resize(at(plan_.accumulator_count * max_batch_));
  }

 private:
  void do_set_input(std::span<const float> input, std::int64_t batch) override {
    const integer_ops::ByteLevels levels = view(0, batch);
    integer_ops::quantize_nchw(input.data(), quant_, levels, integer_ops::all_pixels(levels));
  }

  void do_run(std::int64_t batch) override {
    run_timed_steps(plan_.steps, profiler(), [&](const StepPlan& step) { execute(step, batch); });
  }

  // A conv or dense is one step: im2col and gemmlowp's GEMM with its requantizing output stage.
  std::vector<ModelStep> do_steps(std::int64_t) const override {
    std::vector<ModelStep> steps;
    for (const StepPlan& step : plan_.steps) {
      steps.push_back({step.op.name,
                       integer_step_kind(step.op.kind, "gemm", true, !step.conv.requant.empty())});
    }
    return steps;
  }

  void do_run_step(std::size_t index, std::int64_t batch) override {
    execute(plan_.steps.at(index), batch);
  }

  void do_get_output_accumulators(std::span<std::int32_t> output,
                                  std::int64_t batch) const override {
    const TensorPlan& t = tensor(plan_.output_tensor);
    integer_ops::nhwc_to_nchw(ints_[at(t.buffer)].data(), t.shape, output.data(), {0, batch});
  }

  const TensorPlan& tensor(int t) const { return plan_.tensors[at(t)]; }
  std::uint8_t* bytes(int t) { return bytes_[at(tensor(t).buffer)].data(); }
  std::int32_t* ints(int t) { return ints_[at(tensor(t).buffer)].data(); }
  integer_ops::ByteLevels view(int t, std::int64_t batch) {
    return byte_levels(bytes(t), tensor(t), batch);
  }

  void execute(const StepPlan& step, std::int64_t batch) {
    const QOp& op = step.op;
    const int in = op.inputs.front();
    switch (op.kind) {
      case QOpKind::Conv:
      case QOpKind::Dense:
        convolve(step.conv, in, op.output, batch);
        break;
      case QOpKind::MaxPool: {
        const integer_ops::ByteLevels out = view(op.output, batch);
        integer_ops::max_pool(view(in, batch), op.pool, out, {0, integer_ops::pool_rows(out)});
        break;
      }
      case QOpKind::AvgPool: {
        const integer_ops::ByteLevels out = view(op.output, batch);
        integer_ops::avg_pool(view(in, batch), op.pool, op.pool_requant, out,
                              {0, integer_ops::pool_rows(out)});
        break;
      }
      case QOpKind::GlobalAvgPool:
        integer_ops::global_avg_pool(view(in, batch), op.pool_requant, view(op.output, batch),
                                     {0, batch});
        break;
      case QOpKind::Add: {
        std::vector<integer_ops::ByteLevels> inputs;
        for (int t : op.inputs) inputs.push_back(view(t, batch));
        const integer_ops::ByteLevels out = view(op.output, batch);
        integer_ops::add(inputs, integer_ops::AddRule::of(op), out,
                         {0, batch * out.shape.elements()});
        break;
      }
      case QOpKind::Concat:
        concat(op, batch);
        break;
      case QOpKind::Flatten:
        if (tensor(op.output).storage == Storage::Int32) {
          integer_ops::nhwc_to_nchw(ints(in), tensor(in).shape, ints(op.output), {0, batch});
        } else {
          integer_ops::flatten(view(in, batch), view(op.output, batch), {0, batch});
        }
        break;
    }
  }

  void concat(const QOp& op, std::int64_t batch) {
    const TensorPlan& out = tensor(op.output);
    const integer_ops::Range pixels{0, batch * out.shape.height * out.shape.width};
    std::int64_t offset = 0;
    for (int t : op.inputs) {
      if (out.storage == Storage::Int32) {
        integer_ops::copy_channels(ints(t), tensor(t).shape, ints(op.output), out.shape, offset,
                                   pixels);
      } else {
        integer_ops::copy_channels(view(t, batch), view(op.output, batch), offset, pixels);
      }
      offset += tensor(t).shape.channels;
    }
  }

  void convolve(const ConvPlan& conv, int in, int out, std::int64_t batch) {
    const TensorPlan& src = tensor(in);
    const auto pixels = batch * conv.out.height * conv.out.width;
    const std::uint8_t* rhs = bytes(in);
    int rhs_stride = static_cast<int>(conv.in.channels);
    if (!conv.direct) {
      im2col(conv, view(in, batch), im2col_.data());
      rhs = im2col_.data();
      rhs_stride = conv.patch_bytes();
    }
    const bool keep_int32 = conv.requant.empty();
    std::int32_t* acc = keep_int32 ? ints(out) : accumulators_.data();
    const int m = conv.out_per_group();
    const int k = conv.k_per_group();
    for (int g = 0; g < conv.groups; ++g) {
      const U8Operand lhs{conv.weights.data() + at(std::int64_t{g} * m * k), k, -kWeightZeroByte};
      const U8Operand rhs_g{rhs + at(std::int64_t{g} * k), rhs_stride, -src.zero_byte};
      gemm_.multiply(m, static_cast<int>(pixels), k, lhs, rhs_g, acc + at(std::int64_t{g} * m),
                     static_cast<int>(conv.out.channels));
    }
    if (!keep_int32) requantize(acc, pixels, conv.requant, view(out, batch));
  }

  UniformQuantizer quant_;
  ModelPlan plan_;
  Gemm gemm_;
  std::int64_t max_batch_;
  std::vector<std::vector<std::uint8_t>> bytes_;
  std::vector<std::vector<std::int32_t>> ints_;
  std::vector<std::uint8_t> im2col_;
  std::vector<std::int32_t> accumulators_;
};

}  // namespace

std::unique_ptr<CompiledModel> compile_lowered(LoweredModel model, const CompileOptions& options) {
  if (options.threads < 1) throw UnsupportedError("backend gemmlowp needs at least 1 thread");
  if (options.max_batch < 1) throw UnsupportedError("max_batch must be at least 1");
  return std::make_unique<GemmlowpModel>(std::move(model), options);
}

}  // namespace qtb::gemmlowp_backend
