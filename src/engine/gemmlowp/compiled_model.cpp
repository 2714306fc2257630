#include "engine/gemmlowp/compiled_model.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/gemmlowp/gemm.hpp"
#include "engine/gemmlowp/kernels.hpp"
#include "engine/gemmlowp/plan.hpp"

namespace qtb::gemmlowp_backend {
namespace {

std::size_t at(std::int64_t i) {
  return static_cast<std::size_t>(i);
}

std::string carrier_note(const Precision& precision) {
  if (precision == Precision::uniform(DataType::INT8)) return "";
  return fmt::format("{} runs in the INT8 carrier (gemmlowp uint8 GEMM)", precision.name());
}

class GemmlowpModel final : public CompiledModel {
 public:
  GemmlowpModel(LoweredModel model, const CompileOptions& options)
      : gemm_(options.threads), max_batch_(options.max_batch) {
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

  void set_input(std::span<const float> input, std::int64_t batch) override {
    check_batch(batch);
    const TensorPlan& t = plan_.tensors.front();
    if (input.size() < at(batch * t.shape.elements())) {
      throw std::invalid_argument(fmt::format("gemmlowp: set_input needs {} values, got {}",
                                              batch * t.shape.elements(), input.size()));
    }
    nchw_to_nhwc_levels(input.data(), quant_, t.shape, batch, t.zero_byte, bytes(0));
  }

  void run(std::int64_t batch) override {
    check_batch(batch);
    for (const StepPlan& step : plan_.steps) execute(step, batch);
  }

  void get_output_accumulators(std::span<std::int32_t> output, std::int64_t batch) const override {
    check_batch(batch);
    const TensorPlan& t = plan_.tensors[at(plan_.output_tensor)];
    if (output.size() < at(batch * t.shape.elements())) {
      throw std::invalid_argument("gemmlowp: get_output_accumulators: output span too small");
    }
    nhwc_to_nchw(ints_[at(t.buffer)].data(), t.shape, batch, output.data());
  }

  void get_output(std::span<float> output, std::int64_t batch) const override {
    const Shape& s = plan_.tensors[at(plan_.output_tensor)].shape;
    std::vector<std::int32_t> acc(at(batch * s.elements()));
    get_output_accumulators(acc, batch);
    if (output.size() < acc.size()) {
      throw std::invalid_argument("gemmlowp: get_output: output span too small");
    }
    const std::int64_t plane = s.height * s.width;
    for (std::size_t i = 0; i < acc.size(); ++i) {
      const auto c = at(static_cast<std::int64_t>(i) % s.elements() / plane);
      output[i] = static_cast<float>((static_cast<double>(acc[i]) + plan_.output_bias[c]) *
                                     plan_.output_scale[c]);
    }
  }

  const ModelInfo& info() const override { return info_; }

 private:
  void check_batch(std::int64_t batch) const {
    if (batch < 1 || batch > max_batch_) {
      throw std::invalid_argument(
          fmt::format("gemmlowp: batch {} outside 1..{} (max_batch)", batch, max_batch_));
    }
  }

  const TensorPlan& tensor(int t) const { return plan_.tensors[at(t)]; }
  std::uint8_t* bytes(int t) { return bytes_[at(tensor(t).buffer)].data(); }
  std::int32_t* ints(int t) { return ints_[at(tensor(t).buffer)].data(); }
  ConstByteView in_view(int t) { return {bytes(t), tensor(t).shape, tensor(t).zero_byte}; }
  ByteView out_view(int t) { return {bytes(t), tensor(t).shape, tensor(t).zero_byte}; }

  void execute(const StepPlan& step, std::int64_t batch) {
    const QOp& op = step.op;
    const int in = op.inputs.front();
    switch (op.kind) {
      case QOpKind::Conv:
      case QOpKind::Dense:
        convolve(step.conv, in, op.output, batch);
        break;
      case QOpKind::MaxPool:
        max_pool(op.pool, in_view(in), out_view(op.output), batch);
        break;
      case QOpKind::AvgPool:
        avg_pool(op.pool, op.pool_requant, in_view(in), out_view(op.output), batch);
        break;
      case QOpKind::GlobalAvgPool:
        global_avg_pool(op.pool_requant, in_view(in), out_view(op.output), batch);
        break;
      case QOpKind::Add: {
        std::vector<ConstByteView> inputs;
        for (int t : op.inputs) inputs.push_back(in_view(t));
        add(op, inputs, out_view(op.output), batch);
        break;
      }
      case QOpKind::Concat: {
        std::vector<TensorPlan> plans;
        for (int t : op.inputs) plans.push_back(tensor(t));
        if (tensor(op.output).storage == Storage::Int32) {
          std::vector<const std::int32_t*> inputs;
          for (int t : op.inputs) inputs.push_back(ints(t));
          concat(inputs, plans, ints(op.output), tensor(op.output), batch);
        } else {
          std::vector<const std::uint8_t*> inputs;
          for (int t : op.inputs) inputs.push_back(bytes(t));
          concat(inputs, plans, bytes(op.output), tensor(op.output), batch);
        }
        break;
      }
      case QOpKind::Flatten:
        if (tensor(op.output).storage == Storage::Int32) {
          flatten(ints(in), tensor(in), ints(op.output), tensor(op.output), batch);
        } else {
          flatten(bytes(in), tensor(in), bytes(op.output), tensor(op.output), batch);
        }
        break;
    }
  }

  void convolve(const ConvPlan& conv, int in, int out, std::int64_t batch) {
    const TensorPlan& src = tensor(in);
    const auto pixels = batch * conv.out.height * conv.out.width;
    const std::uint8_t* rhs = bytes(in);
    int rhs_stride = static_cast<int>(conv.in.channels);
    if (!conv.direct) {
      im2col(conv, in_view(in), batch, im2col_.data());
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
    if (!keep_int32) requantize(acc, pixels, conv.requant, out_view(out));
  }

  ModelInfo info_;
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
