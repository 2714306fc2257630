#include "engine/lowbit/compiled_model.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/thread_pool.hpp"
#include "engine/integer_model.hpp"
#include "engine/integer_ops/nhwc_levels.hpp"
#include "engine/integer_step.hpp"
#include "engine/lowbit/ops.hpp"
#include "engine/lowbit/plan.hpp"

namespace qtb::lowbit {
namespace {

using integer_ops::ByteLevels;
using integer_ops::Range;

std::size_t at(std::int64_t i) {
  return static_cast<std::size_t>(i);
}

class LowbitModel final : public IntegerModel {
 public:
  LowbitModel(LoweredModel model, const CompileOptions& options)
      : IntegerModel(model),
        pool_(std::make_unique<ThreadPool>(options.threads)),
        threads_(options.threads),
        portable_(options.portable) {
    info_.backend = "lowbit";
    info_.precision = model.precision;
    info_.input = model.tensors.at(0).shape;
    info_.output = model.tensors.at(at(model.output_tensor)).shape;
    info_.threads = options.threads;
    info_.max_batch = options.max_batch;
    input_quant_ = model.tensors.front().quant;
    plan_ = plan_model(std::move(model), options);
    allocate();
    info_.method = method_summary(plan_);
    info_.notes = fmt::format(
        "bit-packed weights ({} slices per group); im2col + pack + gemm in tiles of {} output "
        "pixels, threads split the pixels (or the weight rows when fewer than {} per thread)",
        threads_, kTileRows, kMinRowsPerThread);
    info_.weight_bytes = plan_.weight_bytes;
  }

 private:
  void do_set_input(std::span<const float> input, std::int64_t batch) override {
    const integer_ops::ByteLevels levels = view(0, batch);
    integer_ops::quantize_nchw(input.data(), input_quant_, levels, integer_ops::all_pixels(levels));
  }

  void do_run(std::int64_t batch) override {
    run_timed_steps(plan_.steps, profiler(), [&](const Step& step) { execute(step, batch); });
  }

  // A conv or dense is one step: im2col, packing and the GEMM with its requantizing epilogue.
  std::vector<ModelStep> do_steps(std::int64_t) const override {
    std::vector<ModelStep> steps;
    for (const Step& step : plan_.steps) {
      const bool requantizes = !step.conv.requant.empty();
      steps.push_back(
          {step.op.name, step.conv.depthwise
                             ? integer_step_kind(step.op.kind, "depthwise conv", false, requantizes)
                             : integer_step_kind(step.op.kind, "pack+gemm", true, requantizes)});
    }
    return steps;
  }

  void do_run_step(std::size_t index, std::int64_t batch) override {
    execute(plan_.steps.at(index), batch);
  }

  void do_get_output_accumulators(std::span<std::int32_t> output,
                                  std::int64_t batch) const override {
    const TensorPlan& t = tensor(plan_.output_tensor);
    integer_ops::nhwc_to_nchw(int_buffers_[at(t.buffer)].data(), t.shape, output.data(),
                              {0, batch});
  }

  // Per-thread im2col, packed X and accumulator tiles, for the largest layer.
  void allocate() {
    for (std::int64_t size : plan_.byte_buffer_sizes) byte_buffers_.emplace_back(at(size));
    for (std::int64_t size : plan_.int_buffer_sizes) int_buffers_.emplace_back(at(size));
    const auto contexts = at(threads_);
    cols_.resize(contexts);
    xs_.resize(contexts);
    accs_.resize(contexts);
    const std::int64_t x_depth = std::max<std::int64_t>(plan_.max_x_depth, 64);
    const std::vector<std::int8_t> zeros(at(kTileRows * x_depth));
    for (std::size_t t = 0; t < contexts; ++t) {
      cols_[t].resize(at(kTileRows * plan_.max_im2col_k));
      accs_[t].resize(at(std::max(kTileRows * plan_.max_slice_rows, plan_.max_dw_channels)));
      // Reserve the packed words and sums of the largest tile (pack_into keeps the capacity).
      pack_into(xs_[t], std::span<const std::int8_t>(zeros), static_cast<int>(kTileRows),
                static_cast<int>(x_depth), 8, true, portable_);
    }
  }

  const TensorPlan& tensor(int t) const { return plan_.tensors[at(t)]; }
  std::uint8_t* bytes(int t) { return byte_buffers_[at(tensor(t).buffer)].data(); }
  std::int32_t* ints(int t) { return int_buffers_[at(tensor(t).buffer)].data(); }
  // The tensor's output of a conv: int32 accumulators or byte levels.
  void* data(int t) {
    return tensor(t).wide ? static_cast<void*>(ints(t)) : static_cast<void*>(bytes(t));
  }
  ByteLevels view(int t, std::int64_t batch) {
    return {bytes(t), tensor(t).shape, batch, tensor(t).is_signed, 0};
  }

  // body(part) for part in [0, parts), each part on one thread (parts <= threads).
  template <class Body>
  void for_parts(std::int64_t parts, const Body& body) {
    pool_->parallel_for(parts, 1, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t p = begin; p < end; ++p) body(p);
    });
  }
  // body(range) over [0, count) in `parts` contiguous ranges, one per thread.
  template <class Body>
  void for_ranges(std::int64_t count, std::int64_t parts, const Body& body) {
    for_parts(parts, [&](std::int64_t t) {
      body(Range{count * t / parts, count * (t + 1) / parts});
    });
  }

  void execute(const Step& step, std::int64_t batch) {
    const QOp& op = step.op;
    const int in = op.inputs.front();
    switch (op.kind) {
      case QOpKind::Conv:
      case QOpKind::Dense:
        if (step.conv.depthwise) {
          depthwise_conv(step.conv, in, op.output, batch);
        } else {
          convolve(step.conv, in, op.output, batch);
        }
        break;
      case QOpKind::MaxPool:
      case QOpKind::AvgPool: {
        const ByteLevels src = view(in, batch), dst = view(op.output, batch);
        const std::int64_t rows = integer_ops::pool_rows(dst);
        for_ranges(rows, std::min<std::int64_t>(threads_, rows), [&](Range r) {
          if (op.kind == QOpKind::MaxPool) {
            integer_ops::max_pool(src, op.pool, dst, r);
          } else {
            integer_ops::avg_pool(src, op.pool, op.pool_requant, dst, r);
          }
        });
        break;
      }
      case QOpKind::GlobalAvgPool:
        integer_ops::global_avg_pool(view(in, batch), op.pool_requant, view(op.output, batch),
                                     {0, batch});
        break;
      case QOpKind::Add: {
        std::vector<ByteLevels> inputs;
        for (int t : op.inputs) inputs.push_back(view(t, batch));
        const ByteLevels dst = view(op.output, batch);
        const integer_ops::AddRule rule = integer_ops::AddRule::of(op);
        const std::int64_t count = batch * dst.shape.elements();
        for_ranges(count, std::min<std::int64_t>(threads_, (count + 4095) / 4096),
                   [&](Range r) { integer_ops::add(inputs, rule, dst, r); });
        break;
      }
      case QOpKind::Concat: {
        const Shape& os = tensor(op.output).shape;
        const Range pixels{0, batch * os.height * os.width};
        std::int64_t offset = 0;
        for (int t : op.inputs) {
          if (tensor(op.output).wide) {
            integer_ops::copy_channels(ints(t), tensor(t).shape, ints(op.output), os, offset,
                                       pixels);
          } else {
            integer_ops::copy_channels(view(t, batch), view(op.output, batch), offset, pixels);
          }
          offset += tensor(t).shape.channels;
        }
        break;
      }
      case QOpKind::Flatten:
        if (tensor(op.output).wide) {
          integer_ops::nhwc_to_nchw(ints(in), tensor(in).shape, ints(op.output), {0, batch});
        } else {
          integer_ops::flatten(view(in, batch), view(op.output, batch), {0, batch});
        }
        break;
    }
  }

  void convolve(const ConvStep& c, int in, int out, std::int64_t batch) {
    const std::int64_t n_total = batch * c.out.height * c.out.width;
    const Method method = c.method_by_batch[at(batch - 1)];
    const std::uint8_t* src = bytes(in);
    void* dst = data(out);
    const int slices = static_cast<int>(c.slice_begin.size()) - 1;
    auto multiply = [&](int g, int s, const PackedOperand& x, std::int64_t n0, std::int64_t cols,
                        std::vector<std::int32_t>& acc_buf) {
      const PackedOperand& w = c.w[at(g)][at(s)];
      const std::int64_t rows = w.rows();
      if (rows == 0) return;
      std::span<std::int32_t> acc(acc_buf.data(), at(rows * cols));
      gemm(w, x, acc, method, 1);
      epilogue(c, dst, std::int64_t{g} * c.out_pg + c.slice_begin[at(s)], rows, n0, cols,
               acc.data());
    };
    const std::int64_t split_m_below = std::min(kMinRowsPerThread * threads_, kTileRows);
    if (threads_ > 1 && n_total < split_m_below && slices > 1) {
      // Split M: pack X once, one weight slice per thread.
      for (int g = 0; g < c.groups; ++g) {
        const std::uint8_t* levels = x_rows(c, src, g, 0, n_total, cols_[0].data());
        pack_x(c, xs_[0], levels, n_total, portable_);
        for_parts(slices, [&](std::int64_t s) {
          multiply(g, static_cast<int>(s), xs_[0], 0, n_total, accs_[at(s)]);
        });
      }
      return;
    }
    // Split N: each thread im2cols, packs and multiplies its own pixels, tile by tile.
    const std::int64_t parts =
        std::max<std::int64_t>(1, std::min<std::int64_t>(threads_, n_total / kMinRowsPerThread));
    for_parts(parts, [&](std::int64_t t) {
      const std::int64_t begin = n_total * t / parts, end = n_total * (t + 1) / parts;
      for (std::int64_t n0 = begin; n0 < end; n0 += kTileRows) {
        const std::int64_t n1 = std::min(end, n0 + kTileRows);
        for (int g = 0; g < c.groups; ++g) {
          const std::uint8_t* levels = x_rows(c, src, g, n0, n1, cols_[at(t)].data());
          pack_x(c, xs_[at(t)], levels, n1 - n0, portable_);
          for (int s = 0; s < slices; ++s) multiply(g, s, xs_[at(t)], n0, n1 - n0, accs_[at(t)]);
        }
      }
    });
  }

  void depthwise_conv(const ConvStep& c, int in, int out, std::int64_t batch) {
    const std::int64_t n_total = batch * c.out.height * c.out.width;
    const std::uint8_t* src = bytes(in);
    void* dst = data(out);
    const std::int64_t parts = std::min<std::int64_t>(threads_, n_total);
    for_parts(parts, [&](std::int64_t t) {
      depthwise(c, src, dst, n_total * t / parts, n_total * (t + 1) / parts, accs_[at(t)].data());
    });
  }

  std::unique_ptr<ThreadPool> pool_;
  int threads_;
  bool portable_;
  UniformQuantizer input_quant_;
  ModelPlan plan_;
  std::vector<std::vector<std::uint8_t>> byte_buffers_;
  std::vector<std::vector<std::int32_t>> int_buffers_;
  std::vector<std::vector<std::uint8_t>> cols_;  // per thread: im2col tile
  std::vector<PackedOperand> xs_;                // per thread: packed X tile
  std::vector<std::vector<std::int32_t>> accs_;  // per thread (or slice): accumulator tile
};

}  // namespace

std::unique_ptr<CompiledModel> compile_lowered(LoweredModel model, const CompileOptions& options) {
  return std::make_unique<LowbitModel>(std::move(model), options);
}

}  // namespace qtb::lowbit
