#include "engine/sparse/sparse_backend.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <thread>
#include <variant>

#include "engine/integer_model.hpp"
#include "engine/sparse/csr_matrix.hpp"
#include "graph/batch_norm.hpp"
#include "lowering/lower.hpp"

namespace qtb {
namespace {

// Activations are feature-major (features x batch) between layers, so spmm's batch loop is
// contiguous; set_input and get_output transpose (system path).
void to_feature_major(std::span<const float> in, std::span<float> out, std::int64_t features,
                      std::int64_t batch) {
  for (std::int64_t n = 0; n < batch; ++n) {
    for (std::int64_t f = 0; f < features; ++f)
      out[static_cast<std::size_t>(f * batch + n)] = in[static_cast<std::size_t>(n * features + f)];
  }
}

template <typename T>
void to_batch_major(std::span<const T> in, std::span<T> out, std::int64_t features,
                    std::int64_t batch) {
  for (std::int64_t n = 0; n < batch; ++n) {
    for (std::int64_t f = 0; f < features; ++f)
      out[static_cast<std::size_t>(n * features + f)] = in[static_cast<std::size_t>(f * batch + n)];
  }
}

struct FloatLayer {
  CsrMatrix<float> weights;  // batchnorm scale folded in
  std::vector<float> bias;   // conv bias and batchnorm shift folded in
  float lo = -INFINITY;      // activation clamp
  float hi = INFINITY;
};

// Dense layers with their following batchnorm/activation folded in.
std::vector<FloatLayer> fold_float_layers(const Graph& graph) {
  std::vector<FloatLayer> layers;
  for (int id = 0; id < graph.size(); ++id) {
    const Node& node = graph.node(id);
    switch (node.kind) {
      case OpKind::Dense: {
        const std::int64_t rows = node.output.channels;
        const std::int64_t cols = graph.shape(node.inputs[0]).channels;
        FloatLayer layer;
        layer.weights = to_csr(node.weights, rows, cols);
        layer.bias = node.bias.empty() ? std::vector<float>(static_cast<std::size_t>(rows), 0.0f)
                                       : node.bias;
        layers.push_back(std::move(layer));
        break;
      }
      case OpKind::BatchNorm: {
        FloatLayer& layer = layers.back();
        const ChannelAffine bn = batch_norm_affine(graph, id);
        for (std::int64_t r = 0; r < layer.weights.rows; ++r) {
          const auto rr = static_cast<std::size_t>(r);
          for (std::int32_t j = layer.weights.row_start[rr]; j < layer.weights.row_start[rr + 1];
               ++j) {
            layer.weights.values[static_cast<std::size_t>(j)] *= bn.scale[rr];
          }
          layer.bias[rr] = layer.bias[rr] * bn.scale[rr] + bn.shift[rr];
        }
        break;
      }
      case OpKind::Activation: {
        const auto kind = std::get<ActivationAttrs>(node.attrs).kind;
        layers.back().lo = activation_bounds(kind).low;
        layers.back().hi = activation_bounds(kind).high;
        break;
      }
      default:
        break;  // input, flatten, softmax (logits are returned)
    }
  }
  return layers;
}

ModelInfo sparse_info(const Graph& graph, const Precision& precision,
                      const CompileOptions& options) {
  ModelInfo info;
  info.backend = "sparse";
  info.precision = precision;
  info.input = graph.shape(0);
  info.output = graph.shape(graph.size() - 1);
  info.threads = options.threads;
  info.max_batch = options.max_batch;
  return info;
}

std::string zero_note(std::int64_t nonzeros, std::int64_t weights) {
  return fmt::format("{:.1f}% of weights are zero",
                     100.0 * (1.0 - static_cast<double>(nonzeros) / static_cast<double>(weights)));
}

class SparseFloatModel final : public CompiledModel {
 public:
  SparseFloatModel(const Graph& graph, const Precision& precision, const CompileOptions& options)
      : pool_(options.threads), layers_(fold_float_layers(graph)) {
    info_ = sparse_info(graph, precision, options);
    std::int64_t nonzeros = 0, weights = 0;
    std::int64_t widest = info_.input.elements();
    for (const auto& l : layers_) {
      info_.weight_bytes += l.weights.bytes();
      nonzeros += l.weights.nonzeros();
      weights += l.weights.rows * l.weights.cols;
      widest = std::max(widest, l.weights.rows);
    }
    info_.method = "CSR sparse x dense (float32)";
    info_.notes = zero_note(nonzeros, weights);
    a_.resize(static_cast<std::size_t>(widest * options.max_batch));
    b_.resize(a_.size());
  }

 private:
  void do_set_input(std::span<const float> input, std::int64_t batch) override {
    to_feature_major(input, a_, info_.input.elements(), batch);
  }

  void do_run(std::int64_t batch) override {
    std::vector<float>* in = &a_;
    std::vector<float>* out = &b_;
    for (const FloatLayer& layer : layers_) {
      spmm(layer.weights, *in, *out, batch, pool_);
      for (std::int64_t r = 0; r < layer.weights.rows; ++r) {
        for (std::int64_t n = 0; n < batch; ++n) {
          float& v = (*out)[static_cast<std::size_t>(r * batch + n)];
          v = std::clamp(v + layer.bias[static_cast<std::size_t>(r)], layer.lo, layer.hi);
        }
      }
      std::swap(in, out);
    }
    result_ = in;
  }

  void do_get_output(std::span<float> output, std::int64_t batch) const override {
    to_batch_major<float>(*result_, output, info_.output.elements(), batch);
  }

  ThreadPool pool_;
  std::vector<FloatLayer> layers_;
  std::vector<float> a_, b_;
  const std::vector<float>* result_ = &a_;
};

class SparseIntegerModel final : public IntegerModel {
 public:
  SparseIntegerModel(LoweredModel model, const Graph& graph, const CompileOptions& options)
      : IntegerModel(model), pool_(options.threads), model_(std::move(model)) {
    info_ = sparse_info(graph, model_.precision, options);
    std::int64_t nonzeros = 0, weights = 0;
    std::int64_t widest = info_.input.elements();
    for (const QOp& op : model_.ops) {
      if (op.kind != QOpKind::Dense) continue;
      const std::int64_t rows = op.conv.out_channels;
      const std::int64_t cols = static_cast<std::int64_t>(op.weights.size()) / rows;
      layers_.push_back({to_csr(op.weights, rows, cols), &op});
      info_.weight_bytes += layers_.back().weights.bytes();
      nonzeros += layers_.back().weights.nonzeros();
      weights += rows * cols;
      widest = std::max(widest, rows);
    }
    info_.method = "CSR sparse x dense (int8 x int32)";
    info_.notes = zero_note(nonzeros, weights);
    pixels_.resize(static_cast<std::size_t>(info_.input.elements() * options.max_batch));
    a_.resize(static_cast<std::size_t>(widest * options.max_batch));
    b_.resize(a_.size());
  }

 private:
  struct Layer {
    CsrMatrix<std::int8_t> weights;
    const QOp* op;  // requantizers (empty for the last layer)
  };

  void do_set_input(std::span<const float> input, std::int64_t batch) override {
    to_feature_major(input, pixels_, info_.input.elements(), batch);
    const UniformQuantizer& q = model_.tensors[0].quant;
    for (std::size_t i = 0; i < input.size(); ++i) a_[i] = q.quantize(pixels_[i]);
  }

  void do_run(std::int64_t batch) override {
    std::vector<std::int32_t>* in = &a_;
    std::vector<std::int32_t>* out = &b_;
    for (const Layer& layer : layers_) {
      spmm(layer.weights, *in, *out, batch, pool_);
      if (!layer.op->requant.empty()) {
        for (std::int64_t r = 0; r < layer.weights.rows; ++r) {
          const Requantizer& rq = layer.op->requant[static_cast<std::size_t>(r)];
          for (std::int64_t n = 0; n < batch; ++n) {
            auto& v = (*out)[static_cast<std::size_t>(r * batch + n)];
            v = rq.apply(v);
          }
        }
      }
      std::swap(in, out);
    }
    result_ = in;
  }

  void do_get_output_accumulators(std::span<std::int32_t> output,
                                  std::int64_t batch) const override {
    to_batch_major<std::int32_t>(*result_, output, info_.output.elements(), batch);
  }

  ThreadPool pool_;
  LoweredModel model_;
  std::vector<Layer> layers_;
  std::vector<float> pixels_;  // feature-major, before quantization
  std::vector<std::int32_t> a_, b_;
  const std::vector<std::int32_t>* result_ = &a_;
};

// What fold_float_layers can fold: after each dense layer its batchnorms, then at most one
// activation; a softmax only at the end. Anything else would be folded wrongly.
std::optional<std::string> float_structure_refusal(const Graph& graph) {
  enum class After { Nothing, Dense, BatchNorm, Activation } after = After::Nothing;
  for (int id = 0; id < graph.size(); ++id) {
    const Node& node = graph.node(id);
    switch (node.kind) {
      case OpKind::Dense: {
        const std::int64_t inputs = graph.shape(node.inputs.front()).elements();
        if (inputs > 65536) {
          return fmt::format("sparse layers support at most 65536 inputs, got {}", inputs);
        }
        after = After::Dense;
        break;
      }
      case OpKind::BatchNorm:
        if (after != After::Dense && after != After::BatchNorm) {
          return fmt::format(
              "backend sparse folds a batchnorm into the dense layer before it (node '{}' "
              "follows no dense layer directly)",
              node.name);
        }
        after = After::BatchNorm;
        break;
      case OpKind::Activation:
        if (after != After::Dense && after != After::BatchNorm) {
          return fmt::format(
              "backend sparse folds one activation into the dense layer before it (node '{}' "
              "follows no dense layer or batchnorm)",
              node.name);
        }
        after = After::Activation;
        break;
      case OpKind::Softmax:
        if (id != graph.size() - 1) {
          return fmt::format("backend sparse runs softmax only as the last node (node '{}')",
                             node.name);
        }
        break;
      default:
        break;  // input, flatten: no arithmetic
    }
  }
  return std::nullopt;
}

class SparseBackend : public Backend {
 public:
  std::string_view name() const override { return "sparse"; }
  BackendCapabilities capabilities() const override {
    return {{Precision::uniform(DataType::FP32), Precision::uniform(DataType::INT8)},
            {OpKind::Input, OpKind::Flatten, OpKind::Dense, OpKind::BatchNorm, OpKind::Activation,
             OpKind::Softmax, OpKind::Quantizer},
            static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))};
  }

 private:
  std::optional<std::string> do_support(const Graph& graph, const Precision& precision,
                                        const CompileOptions&) const override {
    if (is_float(precision.weights)) return float_structure_refusal(graph);
    return lowering_refusal(graph, precision);
  }

  std::unique_ptr<CompiledModel> do_compile(const Graph& graph, const Precision& precision,
                                            const CompileOptions& options) const override {
    if (is_float(precision.weights)) {
      return std::make_unique<SparseFloatModel>(graph, precision, options);
    }
    return std::make_unique<SparseIntegerModel>(lower(graph, precision), graph, options);
  }
};

}  // namespace

std::unique_ptr<Backend> make_sparse_backend() {
  return std::make_unique<SparseBackend>();
}

}  // namespace qtb
