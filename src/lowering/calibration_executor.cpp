#include "lowering/calibration_executor.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <variant>

#include "core/error.hpp"
#include "graph/float_node_math.hpp"

namespace qtb {
namespace {

using Tensor = std::vector<float>;

// Four floats in one SSE register (GCC/Clang vector extension; baseline x86-64, so the compiler
// has no fused multiply-add to contract `acc += a * b` into, and ISO mode forbids it anyway).
using f4 = float __attribute__((vector_size(16)));

f4 load(const float* p) {
  f4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void store(float* p, f4 v) {
  std::memcpy(p, &v, sizeof v);
}

// C[r][0 .. 4V) = sum over k = 0 .. K-1, in that order, of A[r][k] * B[k][0 .. 4V), starting
// from +0, for R rows: each element is FloatExecutor's sequential sum, 4V elements at a time.
template <int R, int V>
void tile(const float* a, std::size_t lda, const float* b, std::size_t ldb, float* c,
          std::size_t ldc, std::size_t depth) {
  f4 acc[R][V] = {};
  for (std::size_t k = 0; k < depth; ++k) {
    f4 bv[V];
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) bv[v] = load(b + k * ldb + 4 * v);
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) {
      const float x = a[static_cast<std::size_t>(r) * lda + k];
      const f4 av = {x, x, x, x};
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) acc[r][v] += av * bv[v];
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v < V; ++v) store(c + static_cast<std::size_t>(r) * ldc + 4 * v, acc[r][v]);
  }
}

template <int R>
void row_tiles(const float* a, std::size_t lda, const float* b, std::size_t ldb, float* c,
               std::size_t ldc, std::size_t depth, std::size_t columns) {
  std::size_t n = 0;
  for (; n + 12 <= columns; n += 12) tile<R, 3>(a, lda, b + n, ldb, c + n, ldc, depth);
  for (; n < columns; n += 4) tile<R, 1>(a, lda, b + n, ldb, c + n, ldc, depth);
}

// C (rows x ldc) = A (rows x depth, row stride lda) times B (depth x ldb); ldb and ldc are
// multiples of 4 and B's columns past the used ones are finite (they only fill C's padding).
void matmul(const float* a, std::size_t lda, const float* b, std::size_t ldb, float* c,
            std::size_t ldc, std::size_t rows, std::size_t depth) {
  constexpr std::size_t kColumnBlock = 96;  // B's columns per pass, reused by every row block
  for (std::size_t n0 = 0; n0 < ldb; n0 += kColumnBlock) {
    const std::size_t columns = std::min(kColumnBlock, ldb - n0);
    std::size_t m = 0;
    for (; m + 4 <= rows; m += 4) {
      row_tiles<4>(a + m * lda, lda, b + n0, ldb, c + m * ldc + n0, ldc, depth, columns);
    }
    for (; m < rows; ++m) {
      row_tiles<1>(a + m * lda, lda, b + n0, ldb, c + m * ldc + n0, ldc, depth, columns);
    }
  }
}

std::size_t round_up4(std::int64_t n) {
  return static_cast<std::size_t>((n + 3) / 4 * 4);
}

Tensor conv2d(const Node& node, const Shape& in_shape, const Tensor& in) {
  const auto& a = std::get<Conv2dAttrs>(node.attrs);
  const Shape& out_shape = node.output;
  const std::int64_t in_per_group = in_shape.channels / a.groups;
  const std::int64_t out_per_group = out_shape.channels / a.groups;
  const auto depth = static_cast<std::size_t>(in_per_group * a.kernel_h * a.kernel_w);
  const std::int64_t pixels = out_shape.height * out_shape.width;
  const std::size_t ld = round_up4(pixels);
  // im2col of one group: row (i, ky, kx) holds the tap's input at every output pixel (0 where the
  // tap falls into the padding), so the row order is FloatExecutor's summation order.
  std::vector<float> col(depth * ld, 0.0f);
  std::vector<float> acc(static_cast<std::size_t>(out_per_group) * ld);
  Tensor out(static_cast<std::size_t>(out_shape.elements()));
  for (std::int64_t g = 0; g < a.groups; ++g) {
    std::size_t row = 0;
    for (std::int64_t i = 0; i < in_per_group; ++i) {
      const float* plane = in.data() + (g * in_per_group + i) * in_shape.height * in_shape.width;
      for (int ky = 0; ky < a.kernel_h; ++ky) {
        for (int kx = 0; kx < a.kernel_w; ++kx, ++row) {
          float* dst = col.data() + row * ld;
          for (std::int64_t oy = 0; oy < out_shape.height; ++oy) {
            const std::int64_t iy = oy * a.stride_h - a.pad_h + ky;
            const bool row_inside = iy >= 0 && iy < in_shape.height;
            for (std::int64_t ox = 0; ox < out_shape.width; ++ox) {
              const std::int64_t ix = ox * a.stride_w - a.pad_w + kx;
              *dst++ = row_inside && ix >= 0 && ix < in_shape.width
                           ? plane[iy * in_shape.width + ix]
                           : 0.0f;
            }
          }
        }
      }
    }
    const float* weights =
        node.weights.data() + static_cast<std::size_t>(g * out_per_group) * depth;
    matmul(weights, depth, col.data(), ld, acc.data(), ld, static_cast<std::size_t>(out_per_group),
           depth);
    for (std::int64_t o = 0; o < out_per_group; ++o) {
      const std::int64_t oc = g * out_per_group + o;
      const float bias = node.bias.empty() ? 0.0f : node.bias[static_cast<std::size_t>(oc)];
      const float* src = acc.data() + static_cast<std::size_t>(o) * ld;
      float* dst = out.data() + oc * pixels;
      for (std::int64_t p = 0; p < pixels; ++p) dst[p] = src[p] + bias;
    }
  }
  return out;
}

// weights_io: the dense weights transposed to inputs x round_up4(outputs), zero padded.
Tensor dense(const Node& node, const std::vector<float>& weights_io, const Tensor& in) {
  const auto outputs = static_cast<std::size_t>(node.output.channels);
  const std::size_t ld = round_up4(node.output.channels);
  // One input at a time over every output: the weights stream once, row by row, and each
  // output's sum still runs over the inputs in order.
  std::vector<float> acc(ld, 0.0f);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const f4 x = {in[i], in[i], in[i], in[i]};
    const float* w = weights_io.data() + i * ld;
    for (std::size_t o = 0; o < ld; o += 4)
      store(acc.data() + o, load(acc.data() + o) + x * load(w + o));
  }
  Tensor out(outputs);
  for (std::size_t o = 0; o < outputs; ++o)
    out[o] = acc[o] + (node.bias.empty() ? 0.0f : node.bias[o]);
  return out;
}

// Max or average over each window, elements inside the input only, the window read row by row;
// the average divides by the full kernel area.
Tensor pool(const Node& node, const Shape& in_shape, const Tensor& in, bool average) {
  const auto& a = std::get<PoolAttrs>(node.attrs);
  const Shape& out_shape = node.output;
  const auto area = static_cast<float>(a.kernel * a.kernel);
  Tensor out(static_cast<std::size_t>(out_shape.elements()));
  float* dst = out.data();
  for (std::int64_t c = 0; c < out_shape.channels; ++c) {
    const float* plane = in.data() + c * in_shape.height * in_shape.width;
    for (std::int64_t oy = 0; oy < out_shape.height; ++oy) {
      const std::int64_t y0 = std::max<std::int64_t>(oy * a.stride - a.pad, 0);
      const std::int64_t y1 =
          std::min<std::int64_t>(oy * a.stride - a.pad + a.kernel, in_shape.height);
      for (std::int64_t ox = 0; ox < out_shape.width; ++ox) {
        const std::int64_t x0 = std::max<std::int64_t>(ox * a.stride - a.pad, 0);
        const std::int64_t x1 =
            std::min<std::int64_t>(ox * a.stride - a.pad + a.kernel, in_shape.width);
        float sum = 0.0f;
        float max = -INFINITY;
        for (std::int64_t y = y0; y < y1; ++y) {
          for (std::int64_t x = x0; x < x1; ++x) {
            const float v = plane[y * in_shape.width + x];
            sum += v;
            max = std::max(max, v);
          }
        }
        *dst++ = average ? sum / area : max;
      }
    }
  }
  return out;
}

}  // namespace

CalibrationExecutor::CalibrationExecutor(const Graph& graph)
    : graph_(graph),
      batch_norms_(static_cast<std::size_t>(graph.size())),
      dense_weights_(static_cast<std::size_t>(graph.size())) {
  if (graph.size() == 0) throw UnsupportedError("graph '" + graph.name() + "' is empty");
  if (!graph.has_all_weights()) {
    throw UnsupportedError("graph '" + graph.name() + "' lacks weights");
  }
  for (int id = 0; id < graph.size(); ++id) {
    const Node& node = graph.node(id);
    if (node.kind == OpKind::Input) {
      if (input_node_ >= 0) {
        throw UnsupportedError("graph '" + graph.name() + "' has more than one input");
      }
      input_node_ = id;
    } else if (node.kind == OpKind::BatchNorm) {
      batch_norms_[static_cast<std::size_t>(id)] = batch_norm_affine(graph, id);
    } else if (node.kind == OpKind::Dense) {
      const auto outputs = static_cast<std::size_t>(node.output.channels);
      const std::size_t inputs = node.weights.size() / std::max<std::size_t>(outputs, 1);
      const std::size_t ld = round_up4(node.output.channels);
      std::vector<float>& io = dense_weights_[static_cast<std::size_t>(id)];
      io.assign(inputs * ld, 0.0f);
      for (std::size_t o = 0; o < outputs; ++o) {
        for (std::size_t i = 0; i < inputs; ++i) io[i * ld + o] = node.weights[o * inputs + i];
      }
    }
  }
  if (input_node_ < 0) throw UnsupportedError("graph '" + graph.name() + "' has no input");
  output_node_ = graph.size() - 1;
  if (graph.node(output_node_).kind == OpKind::Softmax) {
    output_node_ = graph.node(output_node_).inputs.front();
  }
  last_use_.assign(static_cast<std::size_t>(graph.size()), -1);
  for (int id = 0; id < graph.size(); ++id) {
    for (int from : graph.node(id).inputs) last_use_[static_cast<std::size_t>(from)] = id;
  }
}

std::vector<float> CalibrationExecutor::compute(
    int id, const std::vector<std::vector<float>>& values) const {
  const Node& node = graph_.node(id);
  auto input = [&](std::size_t i) -> const Tensor& {
    return values[static_cast<std::size_t>(node.inputs.at(i))];
  };
  auto input_shape = [&](std::size_t i) -> const Shape& { return graph_.shape(node.inputs.at(i)); };
  switch (node.kind) {
    case OpKind::Input:
      throw std::logic_error("CalibrationExecutor: the input node is not computed");
    case OpKind::Conv2d:
      return conv2d(node, input_shape(0), input(0));
    case OpKind::Dense:
      return dense(node, dense_weights_[static_cast<std::size_t>(id)], input(0));
    case OpKind::MaxPool:
      return pool(node, input_shape(0), input(0), false);
    case OpKind::AvgPool:
      return pool(node, input_shape(0), input(0), true);
    default:
      break;
  }
  std::vector<const Tensor*> inputs;
  for (const int in : node.inputs) inputs.push_back(&values[static_cast<std::size_t>(in)]);
  if (auto out = elementwise_node_output(node, inputs, input_shape(0),
                                         batch_norms_[static_cast<std::size_t>(id)])) {
    return std::move(*out);
  }
  throw std::logic_error("CalibrationExecutor: unknown node kind");
}

void CalibrationExecutor::run(std::span<const float> input, const Observer& observer) const {
  const auto in_size = static_cast<std::size_t>(input_shape().elements());
  if (input.size() != in_size) {
    throw std::invalid_argument("CalibrationExecutor::run: wrong input size");
  }
  std::vector<Tensor> values(static_cast<std::size_t>(graph_.size()));
  for (int id = 0; id <= output_node_; ++id) {
    Tensor value = id == input_node_ ? Tensor(input.begin(), input.end()) : compute(id, values);
    if (observer) observer(id, value);
    values[static_cast<std::size_t>(id)] = std::move(value);
    for (int from : graph_.node(id).inputs) {
      if (last_use_[static_cast<std::size_t>(from)] == id) {
        Tensor().swap(values[static_cast<std::size_t>(from)]);
      }
    }
  }
}

}  // namespace qtb
