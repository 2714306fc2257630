#include "engine/lowbit/lowbit_backend.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "core/thread_pool.hpp"
#include "engine/lowbit/kernels/lowbit_gemm.hpp"
#include "engine/lowering/lower.hpp"

namespace qtb {
namespace {

using lowbit::Method;
using lowbit::PackedOperand;

std::size_t at(std::int64_t i) {
  return static_cast<std::size_t>(i);
}

// Output pixels (GEMM columns) per tile: bounds the im2col and accumulator buffers and keeps a
// tile's packed X in L2.
constexpr std::int64_t kTileRows = 256;
// Fewer GEMM columns than this per thread: split M (weight slices) instead of N.
constexpr std::int64_t kMinRowsPerThread = 8;

// WxAy, x and y in {1, 2, 4}; W4A8, W2A8, W1A8; INT8.
std::vector<Precision> lowbit_precisions() {
  const DataType narrow[] = {DataType::INT4, DataType::INT2, DataType::INT1};
  std::vector<Precision> out{Precision::uniform(DataType::INT8)};
  for (DataType w : narrow) {
    for (DataType a : narrow) out.push_back({w, a});
  }
  for (DataType w : narrow) out.push_back({w, DataType::INT8});
  return out;
}

struct TensorPlan {
  Shape shape;
  bool wide = false;  // int32 accumulators rather than byte levels
  bool is_signed = false;
  int bits = 8;
  int buffer = -1;
};

// Conv and dense (a dense layer is a 1x1 conv over its input's CHW-ordered elements).
struct ConvStep {
  Shape in, out;
  int kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0;
  int groups = 1, in_pg = 0, out_pg = 0, k = 0;
  bool direct = false;        // the input tensor's rows are the X rows (no im2col)
  bool dense_gather = false;  // dense over a non-flat tensor: X row = the image in CHW order
  bool depthwise = false;     // one input channel per group: direct loop
  int wbits = 8, abits = 8;
  bool a_signed = false;
  std::vector<std::vector<PackedOperand>> w;  // [group][slice]
  std::vector<int> slice_begin;               // slices + 1 row offsets within a group
  std::vector<std::int8_t> dw_weights;        // depthwise: [ky][kx][oc]
  std::vector<Requantizer> requant;           // empty: int32 output
  std::vector<Method> method_by_batch;        // [batch - 1]
};

struct Step {
  QOp op;  // weights moved out for conv/dense
  ConvStep conv;
};

std::int32_t load(const std::uint8_t* p, bool is_signed, std::size_t i) {
  return is_signed ? std::int32_t{static_cast<std::int8_t>(p[i])} : std::int32_t{p[i]};
}

std::uint8_t store(std::int32_t level) {
  return static_cast<std::uint8_t>(level);  // modular: int8 levels keep their two's complement
}

class LowbitModel final : public CompiledModel {
 public:
  LowbitModel(LoweredModel model, const CompileOptions& options)
      : pool_(std::make_unique<ThreadPool>(options.threads)),
        threads_(options.threads),
        max_batch_(options.max_batch),
        portable_(options.portable) {
    info_.backend = "lowbit";
    info_.precision = model.precision;
    info_.input = model.tensors.at(0).shape;
    info_.output = model.tensors.at(at(model.output_tensor)).shape;
    info_.threads = options.threads;
    info_.max_batch = options.max_batch;
    input_quant_ = model.tensors.front().quant;
    output_tensor_ = model.output_tensor;
    output_scale_ = model.output_scale;
    output_bias_ = model.output_bias;
    plan_tensors(model);
    for (QOp& op : model.ops) plan_step(std::move(op));
    allocate();
    describe();
  }

  void set_input(std::span<const float> input, std::int64_t batch) override {
    check_batch(batch);
    const TensorPlan& t = tensors_.front();
    const Shape& s = t.shape;
    const std::int64_t e = s.elements(), plane = s.height * s.width;
    if (input.size() < at(batch * e)) {
      throw std::invalid_argument(
          fmt::format("lowbit: set_input needs {} values, got {}", batch * e, input.size()));
    }
    std::uint8_t* dst = bytes(0);
    for (std::int64_t b = 0; b < batch; ++b) {
      for (std::int64_t c = 0; c < s.channels; ++c) {
        for (std::int64_t p = 0; p < plane; ++p) {
          dst[at(b * e + p * s.channels + c)] =
              store(input_quant_.quantize(input[at(b * e + c * plane + p)]));
        }
      }
    }
  }

  void run(std::int64_t batch) override {
    check_batch(batch);
    for (const Step& step : steps_) execute(step, batch);
  }

  void get_output_accumulators(std::span<std::int32_t> output, std::int64_t batch) const override {
    check_batch(batch);
    const TensorPlan& t = tensors_[at(output_tensor_)];
    const Shape& s = t.shape;
    const std::int64_t e = s.elements(), plane = s.height * s.width;
    if (output.size() < at(batch * e)) {
      throw std::invalid_argument("lowbit: get_output_accumulators: output span too small");
    }
    const std::int32_t* src = int_buffers_[at(t.buffer)].data();
    for (std::int64_t b = 0; b < batch; ++b) {
      for (std::int64_t c = 0; c < s.channels; ++c) {
        for (std::int64_t p = 0; p < plane; ++p) {
          output[at(b * e + c * plane + p)] = src[at(b * e + p * s.channels + c)];
        }
      }
    }
  }

  void get_output(std::span<float> output, std::int64_t batch) const override {
    const Shape& s = tensors_[at(output_tensor_)].shape;
    std::vector<std::int32_t> acc(at(batch * s.elements()));
    get_output_accumulators(acc, batch);
    if (output.size() < acc.size()) {
      throw std::invalid_argument("lowbit: get_output: output span too small");
    }
    const std::int64_t plane = s.height * s.width;
    for (std::size_t i = 0; i < acc.size(); ++i) {
      const auto c = at(static_cast<std::int64_t>(i) % s.elements() / plane);
      output[i] =
          static_cast<float>((static_cast<double>(acc[i]) + output_bias_[c]) * output_scale_[c]);
    }
  }

  const ModelInfo& info() const override { return info_; }

 private:
  // ---- compile ----------------------------------------------------------------------------

  void plan_tensors(const LoweredModel& model) {
    tensors_.resize(model.tensors.size());
    for (std::size_t t = 0; t < model.tensors.size(); ++t) {
      const QTensor& q = model.tensors[t];
      tensors_[t].shape = q.shape;
      tensors_[t].bits = q.quant.bits;
      tensors_[t].is_signed = q.quant.is_signed;
      tensors_[t].wide = q.quant.bits > 8;
    }
    if (tensors_.front().wide || tensors_.front().is_signed) {
      throw UnsupportedError("backend lowbit expects an unsigned 8-bit network input");
    }
    // A tensor is wide when its producer keeps int32 accumulators (or copies wide tensors).
    for (const QOp& op : model.ops) {
      bool wide = false;
      if (op.kind == QOpKind::Conv || op.kind == QOpKind::Dense) {
        wide = op.requant.empty();
      } else if (op.kind == QOpKind::Flatten || op.kind == QOpKind::Concat) {
        wide = tensors_[at(op.inputs.front())].wide;
        for (int t : op.inputs) {
          if (tensors_[at(t)].wide != wide) {
            throw UnsupportedError("backend lowbit: concat of int32 and level tensors in '" +
                                   op.name + "'");
          }
        }
      } else {
        for (int t : op.inputs) {
          if (tensors_[at(t)].wide) {
            throw UnsupportedError("backend lowbit: '" + op.name +
                                   "' reads int32 accumulators; only flatten and concat can");
          }
        }
      }
      if ((op.kind == QOpKind::Conv || op.kind == QOpKind::Dense) &&
          tensors_[at(op.inputs.front())].wide) {
        throw UnsupportedError("backend lowbit: '" + op.name + "' reads int32 accumulators");
      }
      tensors_[at(op.output)].wide = wide;
    }
    if (!tensors_[at(output_tensor_)].wide) {
      throw UnsupportedError("backend lowbit: the output tensor is not int32 accumulators");
    }
  }

  void plan_step(QOp op) {
    Step step;
    if (op.kind == QOpKind::Conv || op.kind == QOpKind::Dense) plan_conv(op, step.conv);
    op.weights = {};
    step.op = std::move(op);
    steps_.push_back(std::move(step));
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
    const TensorPlan& src = tensors_[at(op.inputs.front())];
    c.in = src.shape;
    c.out = tensors_[at(op.output)].shape;
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
      weight_bytes_ += static_cast<std::int64_t>(expected);
      max_dw_channels_ = std::max(max_dw_channels_, c.out.channels);
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
        c.w[at(g)].push_back(lowbit::pack(std::span<const std::int8_t>(rows), r1 - r0, c.k, c.wbits,
                                          true, portable_));
        weight_bytes_ += static_cast<std::int64_t>(c.w[at(g)].back().bytes());
      }
    }
    const std::int64_t pixels = c.out.height * c.out.width;
    for (std::int64_t b = 1; b <= max_batch_; ++b) {
      const std::int64_t n = std::min<std::int64_t>(b * pixels, std::numeric_limits<int>::max());
      c.method_by_batch.push_back(
          lowbit::best_method(c.wbits, c.abits, portable_, static_cast<int>(n)));
    }
    if (pixels * max_batch_ > std::numeric_limits<int>::max()) {
      throw UnsupportedError(
          fmt::format("backend lowbit: max_batch {} is too large for '{}'", max_batch_, op.name));
    }
    if (!c.direct) max_im2col_k_ = std::max<std::int64_t>(max_im2col_k_, c.k);
    // Packed X words per row at this layer's bits, in levels of an 8-bit operand.
    max_x_depth_ = std::max<std::int64_t>(max_x_depth_, (c.k + 63) / 64 * 64 * c.abits / 8);
    for (int s = 0; s < slices; ++s) {
      max_slice_rows_ =
          std::max<std::int64_t>(max_slice_rows_, c.slice_begin[at(s) + 1] - c.slice_begin[at(s)]);
    }
  }

  // Buffers: tensors whose lifetimes do not overlap share one (the input and output keep theirs,
  // so run() can repeat on one input); per-thread im2col, packed X and accumulator tiles.
  void allocate() {
    std::vector<int> last_use(tensors_.size(), -1);
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      for (int t : steps_[i].op.inputs) last_use[at(t)] = static_cast<int>(i);
    }
    std::vector<std::int64_t> byte_sizes, int_sizes;
    std::vector<int> free_bytes, free_ints;
    auto assign = [&](int t) {
      TensorPlan& p = tensors_[at(t)];
      auto& sizes = p.wide ? int_sizes : byte_sizes;
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
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      const QOp& op = steps_[i].op;
      assign(op.output);
      for (int t : op.inputs) {
        if (last_use[at(t)] == static_cast<int>(i) && t != 0 && t != output_tensor_) {
          const TensorPlan& p = tensors_[at(t)];
          (p.wide ? free_ints : free_bytes).push_back(p.buffer);
          last_use[at(t)] = -2;  // freed once even if read twice by this op
        }
      }
    }
    for (std::int64_t size : byte_sizes) byte_buffers_.emplace_back(at(size));
    for (std::int64_t size : int_sizes) int_buffers_.emplace_back(at(size));

    const auto contexts = at(threads_);
    cols_.resize(contexts);
    xs_.resize(contexts);
    accs_.resize(contexts);
    const std::vector<std::int8_t> zeros(at(kTileRows * std::max<std::int64_t>(max_x_depth_, 64)));
    for (std::size_t t = 0; t < contexts; ++t) {
      cols_[t].resize(at(kTileRows * max_im2col_k_));
      accs_[t].resize(at(std::max(kTileRows * max_slice_rows_, max_dw_channels_)));
      // Reserve the packed words and sums of the largest tile (pack_into keeps the capacity).
      lowbit::pack_into(xs_[t], std::span<const std::int8_t>(zeros), static_cast<int>(kTileRows),
                        static_cast<int>(std::max<std::int64_t>(max_x_depth_, 64)), 8, true,
                        portable_);
    }
  }

  void describe() {
    std::vector<std::string> parts;
    auto add_part = [&](const std::string& s) {
      if (std::find(parts.begin(), parts.end(), s) == parts.end()) parts.push_back(s);
    };
    bool first = true;
    for (const Step& step : steps_) {
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
      std::string text = fmt::format("{}: {}", key, lowbit::method_name(many));
      if (one != many) text += fmt::format(" (batch 1: {})", lowbit::method_name(one));
      add_part(text);
    }
    info_.method.clear();
    for (const std::string& p : parts) info_.method += (info_.method.empty() ? "" : "; ") + p;
    info_.notes = fmt::format(
        "bit-packed weights ({} slices per group); im2col + pack + gemm in tiles of {} output "
        "pixels, threads split the pixels (or the weight rows when fewer than {} per thread)",
        threads_, kTileRows, kMinRowsPerThread);
    info_.weight_bytes = weight_bytes_;
  }

  // ---- run --------------------------------------------------------------------------------

  void check_batch(std::int64_t batch) const {
    if (batch < 1 || batch > max_batch_) {
      throw std::invalid_argument(
          fmt::format("lowbit: batch {} outside 1..{} (max_batch)", batch, max_batch_));
    }
  }

  std::uint8_t* bytes(int t) { return byte_buffers_[at(tensors_[at(t)].buffer)].data(); }
  std::int32_t* ints(int t) { return int_buffers_[at(tensors_[at(t)].buffer)].data(); }
  const TensorPlan& tensor(int t) const { return tensors_[at(t)]; }

  // body(part) for part in [0, parts), each part on one thread (parts <= threads).
  template <class Body>
  void for_parts(std::int64_t parts, const Body& body) {
    pool_->parallel_for(parts, 1, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t p = begin; p < end; ++p) body(p);
    });
  }

  void execute(const Step& step, std::int64_t batch) {
    const QOp& op = step.op;
    switch (op.kind) {
      case QOpKind::Conv:
      case QOpKind::Dense:
        if (step.conv.depthwise) {
          depthwise(step.conv, op.inputs.front(), op.output, batch);
        } else {
          convolve(step.conv, op.inputs.front(), op.output, batch);
        }
        break;
      case QOpKind::MaxPool:
      case QOpKind::AvgPool:
        pool(op, batch);
        break;
      case QOpKind::GlobalAvgPool:
        global_avg_pool(op, batch);
        break;
      case QOpKind::Add:
        add(op, batch);
        break;
      case QOpKind::Concat:
        if (tensor(op.output).wide) {
          concat<std::int32_t>(op, batch, [&](int t) { return ints(t); });
        } else {
          concat<std::uint8_t>(op, batch, [&](int t) { return bytes(t); });
        }
        break;
      case QOpKind::Flatten:
        if (tensor(op.output).wide) {
          flatten(ints(op.inputs.front()), tensor(op.inputs.front()).shape, ints(op.output), batch);
        } else {
          flatten(bytes(op.inputs.front()), tensor(op.inputs.front()).shape, bytes(op.output),
                  batch);
        }
        break;
    }
  }

  // X rows [n0, n1) of group g (levels, K = c.k each).
  const std::uint8_t* x_rows(const ConvStep& c, const std::uint8_t* in, int g, std::int64_t n0,
                             std::int64_t n1, std::uint8_t* cols) const {
    const std::int64_t pixels = c.out.height * c.out.width;
    const std::int64_t in_elems = c.in.elements();
    if (c.direct) return in + n0 * c.k;
    if (c.dense_gather) {
      const std::int64_t plane = c.in.height * c.in.width, channels = c.in.channels;
      for (std::int64_t n = n0; n < n1; ++n) {
        const std::uint8_t* img = in + n * in_elems;
        std::uint8_t* row = cols + (n - n0) * c.k;
        for (std::int64_t ch = 0; ch < channels; ++ch) {
          for (std::int64_t p = 0; p < plane; ++p) row[ch * plane + p] = img[p * channels + ch];
        }
      }
      return cols;
    }
    const auto run = at(c.in_pg);
    for (std::int64_t n = n0; n < n1; ++n) {
      const std::int64_t b = n / pixels, p = n % pixels;
      const std::int64_t oy = p / c.out.width, ox = p % c.out.width;
      const std::uint8_t* img = in + b * in_elems + std::int64_t{g} * c.in_pg;
      std::uint8_t* row = cols + (n - n0) * c.k;
      for (int ky = 0; ky < c.kh; ++ky) {
        const std::int64_t iy = oy * c.sh - c.ph + ky;
        for (int kx = 0; kx < c.kw; ++kx) {
          const std::int64_t ix = ox * c.sw - c.pw + kx;
          std::uint8_t* dst = row + (ky * c.kw + kx) * c.in_pg;
          if (iy < 0 || iy >= c.in.height || ix < 0 || ix >= c.in.width) {
            std::memset(dst, 0, run);
          } else {
            std::memcpy(dst, img + (iy * c.in.width + ix) * c.in.channels, run);
          }
        }
      }
    }
    return cols;
  }

  void pack_x(const ConvStep& c, PackedOperand& x, const std::uint8_t* levels,
              std::int64_t rows) const {
    const std::size_t count = at(rows) * at(c.k);
    if (c.a_signed) {
      lowbit::pack_into(x, std::span(reinterpret_cast<const std::int8_t*>(levels), count),
                        static_cast<int>(rows), c.k, c.abits, true, portable_);
    } else {
      lowbit::pack_into(x, std::span(levels, count), static_cast<int>(rows), c.k, c.abits, false,
                        portable_);
    }
  }

  // acc (rows x cols, row-major) of output channels [oc0, oc0 + rows) at pixels [n0, n0 + cols).
  void epilogue(const ConvStep& c, int out, std::int64_t oc0, std::int64_t rows, std::int64_t n0,
                std::int64_t cols, const std::int32_t* acc) {
    const std::int64_t channels = c.out.channels;
    if (c.requant.empty()) {
      std::int32_t* dst = ints(out) + n0 * channels + oc0;
      for (std::int64_t n = 0; n < cols; ++n) {
        for (std::int64_t m = 0; m < rows; ++m) dst[n * channels + m] = acc[m * cols + n];
      }
      return;
    }
    std::uint8_t* dst = bytes(out) + n0 * channels + oc0;
    const Requantizer* rq = c.requant.data() + oc0;
    // Requantizer::apply with its per-channel branches hoisted out of the pixel loop; pixels in
    // blocks of 16 so that the strided stores stay within a few L1 sets.
    constexpr std::int64_t kBlock = 16;
    for (std::int64_t nb = 0; nb < cols; nb += kBlock) {
      const std::int64_t ne = std::min(cols, nb + kBlock);
      for (std::int64_t m = 0; m < rows; ++m) {
        const Requantizer& r = rq[m];
        const std::int32_t* a = acc + m * cols;
        std::uint8_t* d = dst + m;
        const std::int64_t bias = r.bias, mult = r.multiplier;
        if (r.binary) {  // sign of (acc + bias) * multiplier, +1 at 0
          const std::uint8_t plus = store(1), minus = store(-1);
          for (std::int64_t n = nb; n < ne; ++n) {
            const std::int64_t v = a[n] + bias;
            d[n * channels] = (mult > 0 ? v >= 0 : (mult < 0 ? v <= 0 : true)) ? plus : minus;
          }
          continue;
        }
        const int shift = r.shift;
        const std::int64_t round = shift > 0 ? std::int64_t{1} << (shift - 1) : 0;
        const std::int64_t lo = r.lo, hi = r.hi;
        for (std::int64_t n = nb; n < ne; ++n) {
          const std::int64_t v = ((a[n] + bias) * mult + round) >> shift;
          d[n * channels] = store(static_cast<std::int32_t>(std::clamp(v, lo, hi)));
        }
      }
    }
  }

  void convolve(const ConvStep& c, int in, int out, std::int64_t batch) {
    const std::int64_t n_total = batch * c.out.height * c.out.width;
    const Method method = c.method_by_batch[at(batch - 1)];
    const std::uint8_t* src = bytes(in);
    const int slices = static_cast<int>(c.slice_begin.size()) - 1;
    auto multiply = [&](int g, int s, const PackedOperand& x, std::int64_t n0, std::int64_t cols,
                        std::vector<std::int32_t>& acc_buf) {
      const PackedOperand& w = c.w[at(g)][at(s)];
      const std::int64_t rows = w.rows();
      if (rows == 0) return;
      std::span<std::int32_t> acc(acc_buf.data(), at(rows * cols));
      lowbit::gemm(w, x, acc, method, 1);
      epilogue(c, out, std::int64_t{g} * c.out_pg + c.slice_begin[at(s)], rows, n0, cols,
               acc.data());
    };
    const std::int64_t split_m_below = std::min(kMinRowsPerThread * threads_, kTileRows);
    if (threads_ > 1 && n_total < split_m_below && slices > 1) {
      // Split M: pack X once, one weight slice per thread.
      for (int g = 0; g < c.groups; ++g) {
        const std::uint8_t* levels = x_rows(c, src, g, 0, n_total, cols_[0].data());
        pack_x(c, xs_[0], levels, n_total);
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
          pack_x(c, xs_[at(t)], levels, n1 - n0);
          for (int s = 0; s < slices; ++s) multiply(g, s, xs_[at(t)], n0, n1 - n0, accs_[at(t)]);
        }
      }
    });
  }

  void depthwise(const ConvStep& c, int in, int out, std::int64_t batch) {
    const std::int64_t pixels = c.out.height * c.out.width, n_total = batch * pixels;
    const std::int64_t channels = c.out.channels, in_channels = c.in.channels;
    const std::uint8_t* src = bytes(in);
    const bool is_signed = c.a_signed;
    const std::int64_t parts = std::min<std::int64_t>(threads_, n_total);
    for_parts(parts, [&](std::int64_t t) {
      std::int32_t* acc = accs_[at(t)].data();
      const std::int64_t begin = n_total * t / parts, end = n_total * (t + 1) / parts;
      for (std::int64_t n = begin; n < end; ++n) {
        const std::int64_t b = n / pixels, p = n % pixels;
        const std::int64_t oy = p / c.out.width, ox = p % c.out.width;
        std::fill(acc, acc + channels, 0);
        for (int ky = 0; ky < c.kh; ++ky) {
          const std::int64_t iy = oy * c.sh - c.ph + ky;
          if (iy < 0 || iy >= c.in.height) continue;
          for (int kx = 0; kx < c.kw; ++kx) {
            const std::int64_t ix = ox * c.sw - c.pw + kx;
            if (ix < 0 || ix >= c.in.width) continue;
            const std::uint8_t* px =
                src + b * c.in.elements() + (iy * c.in.width + ix) * in_channels;
            const std::int8_t* w = c.dw_weights.data() + (ky * c.kw + kx) * channels;
            if (c.out_pg == 1 && is_signed) {
              const auto* v = reinterpret_cast<const std::int8_t*>(px);
              for (std::int64_t oc = 0; oc < channels; ++oc) acc[oc] += w[oc] * v[oc];
            } else if (c.out_pg == 1) {
              for (std::int64_t oc = 0; oc < channels; ++oc) acc[oc] += w[oc] * px[oc];
            } else {
              for (std::int64_t oc = 0; oc < channels; ++oc) {
                acc[oc] += w[oc] * load(px, is_signed, at(oc / c.out_pg));
              }
            }
          }
        }
        if (c.requant.empty()) {
          std::copy(acc, acc + channels, ints(out) + n * channels);
        } else {
          std::uint8_t* dst = bytes(out) + n * channels;
          for (std::int64_t oc = 0; oc < channels; ++oc) {
            dst[oc] = store(c.requant[at(oc)].apply(acc[oc]));
          }
        }
      }
    });
  }

  void pool(const QOp& op, std::int64_t batch) {
    const TensorPlan& ti = tensor(op.inputs.front());
    const Shape& is = ti.shape;
    const Shape& os = tensor(op.output).shape;
    const PoolAttrs& a = op.pool;
    const bool average = op.kind == QOpKind::AvgPool;
    const std::uint8_t* src = bytes(op.inputs.front());
    std::uint8_t* dst = bytes(op.output);
    const std::int64_t pixels = os.height * os.width, n_total = batch * pixels;
    const std::int64_t channels = os.channels;
    const std::int64_t parts = std::min<std::int64_t>(threads_, n_total);
    for_parts(parts, [&](std::int64_t t) {
      const std::int64_t begin = n_total * t / parts, end = n_total * (t + 1) / parts;
      for (std::int64_t n = begin; n < end; ++n) {
        const std::int64_t b = n / pixels, p = n % pixels;
        const std::int64_t oy = p / os.width, ox = p % os.width;
        const std::uint8_t* img = src + b * is.elements();
        for (std::int64_t ch = 0; ch < channels; ++ch) {
          std::int32_t sum = 0;
          std::int32_t max = std::numeric_limits<std::int32_t>::min();
          for (int ky = 0; ky < a.kernel; ++ky) {
            const std::int64_t iy = oy * a.stride - a.pad + ky;
            if (iy < 0 || iy >= is.height) continue;
            for (int kx = 0; kx < a.kernel; ++kx) {
              const std::int64_t ix = ox * a.stride - a.pad + kx;
              if (ix < 0 || ix >= is.width) continue;
              const std::int32_t v =
                  load(img, ti.is_signed, at((iy * is.width + ix) * is.channels + ch));
              sum += v;
              max = std::max(max, v);
            }
          }
          dst[at(n * channels + ch)] = store(average ? op.pool_requant.apply(sum) : max);
        }
      }
    });
  }

  void global_avg_pool(const QOp& op, std::int64_t batch) {
    const TensorPlan& ti = tensor(op.inputs.front());
    const Shape& is = ti.shape;
    const std::int64_t plane = is.height * is.width, channels = is.channels;
    const std::uint8_t* src = bytes(op.inputs.front());
    std::uint8_t* dst = bytes(op.output);
    std::vector<std::int64_t> sums(at(channels));
    for (std::int64_t b = 0; b < batch; ++b) {
      std::fill(sums.begin(), sums.end(), 0);
      const std::uint8_t* img = src + b * is.elements();
      for (std::int64_t p = 0; p < plane; ++p) {
        for (std::int64_t ch = 0; ch < channels; ++ch) {
          sums[at(ch)] += load(img, ti.is_signed, at(p * channels + ch));
        }
      }
      for (std::int64_t ch = 0; ch < channels; ++ch) {
        dst[at(b * channels + ch)] =
            store(op.pool_requant.apply(static_cast<std::int32_t>(sums[at(ch)])));
      }
    }
  }

  void add(const QOp& op, std::int64_t batch) {
    const Requantizer& clamp = op.pool_requant;
    const std::int64_t count = batch * tensor(op.output).shape.elements();
    std::vector<const std::uint8_t*> inputs;
    std::vector<bool> is_signed;
    for (int t : op.inputs) {
      inputs.push_back(bytes(t));
      is_signed.push_back(tensor(t).is_signed);
    }
    std::uint8_t* dst = bytes(op.output);
    const std::int64_t parts = std::min<std::int64_t>(threads_, (count + 4095) / 4096);
    for_parts(parts, [&](std::int64_t t) {
      const std::int64_t begin = count * t / parts, end = count * (t + 1) / parts;
      for (std::int64_t e = begin; e < end; ++e) {
        std::int64_t sum = 0;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
          sum += std::int64_t{load(inputs[i], is_signed[i], at(e))} * op.add_multipliers[i];
        }
        if (clamp.binary) {
          dst[at(e)] = store(sum >= 0 ? 1 : -1);
          continue;
        }
        const std::int64_t rounded =
            op.add_shift > 0 ? (sum + (std::int64_t{1} << (op.add_shift - 1))) >> op.add_shift
                             : sum;
        dst[at(e)] =
            store(static_cast<std::int32_t>(std::clamp<std::int64_t>(rounded, clamp.lo, clamp.hi)));
      }
    });
  }

  template <class T, class Ptr>
  void concat(const QOp& op, std::int64_t batch, const Ptr& ptr) {
    const Shape& os = tensor(op.output).shape;
    const std::int64_t pixels = os.height * os.width;
    T* dst = ptr(op.output);
    std::int64_t offset = 0;
    for (int t : op.inputs) {
      const std::int64_t channels = tensor(t).shape.channels;
      const T* src = ptr(t);
      for (std::int64_t n = 0; n < batch * pixels; ++n) {
        std::copy(src + n * channels, src + (n + 1) * channels, dst + n * os.channels + offset);
      }
      offset += channels;
    }
  }

  // NHWC to the CHW order of the flat output.
  template <class T>
  void flatten(const T* src, const Shape& is, T* dst, std::int64_t batch) {
    const std::int64_t e = is.elements(), plane = is.height * is.width;
    for (std::int64_t b = 0; b < batch; ++b) {
      for (std::int64_t ch = 0; ch < is.channels; ++ch) {
        for (std::int64_t p = 0; p < plane; ++p) {
          dst[b * e + ch * plane + p] = src[b * e + p * is.channels + ch];
        }
      }
    }
  }

  std::unique_ptr<ThreadPool> pool_;
  int threads_;
  std::int64_t max_batch_;
  bool portable_;
  ModelInfo info_;
  UniformQuantizer input_quant_;
  int output_tensor_ = -1;
  std::vector<float> output_scale_, output_bias_;
  std::vector<TensorPlan> tensors_;
  std::vector<Step> steps_;
  std::int64_t weight_bytes_ = 0;
  std::int64_t max_im2col_k_ = 0;
  std::int64_t max_x_depth_ = 0;
  std::int64_t max_slice_rows_ = 0;
  std::int64_t max_dw_channels_ = 0;
  std::vector<std::vector<std::uint8_t>> byte_buffers_;
  std::vector<std::vector<std::int32_t>> int_buffers_;
  std::vector<std::vector<std::uint8_t>> cols_;  // per thread: im2col tile
  std::vector<PackedOperand> xs_;                // per thread: packed X tile
  std::vector<std::vector<std::int32_t>> accs_;  // per thread (or slice): accumulator tile
};

class LowbitBackend final : public Backend {
 public:
  std::string_view name() const override { return "lowbit"; }

  BackendCapabilities capabilities() const override {
    BackendCapabilities caps;
    caps.precisions = lowbit_precisions();
    caps.layers.assign(std::begin(kAllOpKinds), std::end(kAllOpKinds));
    caps.max_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return caps;
  }

  std::unique_ptr<CompiledModel> compile(const Graph& graph, const Precision& precision,
                                         const CompileOptions& options) const override {
    if (is_float(precision.weights) || is_float(precision.activations)) {
      throw UnsupportedError(fmt::format(
          "backend lowbit runs integer precisions only (WxAy, x, y in 1, 2, 4; W4A8, W2A8, W1A8; "
          "INT8), not {}",
          precision.name()));
    }
    check_supported(*this, graph, precision, options);
    return std::make_unique<LowbitModel>(lower(graph, precision), options);
  }
};

}  // namespace

std::unique_ptr<Backend> make_lowbit_backend() {
  return std::make_unique<LowbitBackend>();
}

}  // namespace qtb
