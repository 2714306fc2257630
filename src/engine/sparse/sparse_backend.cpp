#include "engine/sparse/sparse_backend.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <thread>
#include <variant>

#include "engine/lowering/lower.hpp"
#include "engine/sparse/csr_matrix.hpp"
#include "graph/batch_norm.hpp"

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
        layers.back().lo = kind == ActivationKind::ReLU ? 0.0f : -1.0f;
        layers.back().hi = kind == ActivationKind::ReLU ? INFINITY : 1.0f;
        break;
      }
      default:
        break;  // input, flatten, softmax (logits are returned)
    }
  }
  return layers;
}

class SparseModel : public CompiledModel {
 public:
  SparseModel(const Graph& graph, const Precision& precision, const CompileOptions& options)
      : pool_(options.threads), max_batch_(options.max_batch) {
    info_.backend = "sparse";
    info_.precision = precision;
    info_.input = graph.shape(0);
    info_.output = graph.shape(graph.size() - 1);
    info_.threads = options.threads;
    info_.max_batch = options.max_batch;
    std::int64_t nonzeros = 0;
    std::int64_t weights = 0;
    if (is_float(precision.weights)) {
      float_layers_ = fold_float_layers(graph);
      for (const auto& l : float_layers_) {
        info_.weight_bytes += l.weights.bytes();
        nonzeros += l.weights.nonzeros();
        weights += l.weights.rows * l.weights.cols;
      }
      info_.method = "CSR sparse x dense (float32)";
    } else {
      model_ = lower(graph, precision);
      for (const QOp& op : model_.ops) {
        if (op.kind != QOpKind::Dense) continue;
        const std::int64_t rows = op.conv.out_channels;
        const std::int64_t cols = static_cast<std::int64_t>(op.weights.size()) / rows;
        int_layers_.push_back({to_csr(op.weights, rows, cols), &op});
        info_.weight_bytes += int_layers_.back().weights.bytes();
        nonzeros += int_layers_.back().weights.nonzeros();
        weights += rows * cols;
      }
      info_.method = "CSR sparse x dense (int8 x int32)";
    }
    info_.notes =
        fmt::format("{:.1f}% of weights are zero",
                    100.0 * (1.0 - static_cast<double>(nonzeros) / static_cast<double>(weights)));
    std::int64_t widest = info_.input.elements();
    for (const auto& l : float_layers_) widest = std::max(widest, l.weights.rows);
    for (const auto& l : int_layers_) widest = std::max(widest, l.weights.rows);
    const auto size = static_cast<std::size_t>(widest * max_batch_);
    float_a_.resize(size);
    float_b_.resize(size);
    int_a_.resize(size);
    int_b_.resize(size);
  }

  void set_input(std::span<const float> input, std::int64_t batch) override {
    check_batch(batch);
    const std::int64_t features = info_.input.elements();
    to_feature_major(input, float_a_, features, batch);
    if (!int_layers_.empty()) {
      const UniformQuantizer& q = model_.tensors[0].quant;
      for (std::int64_t i = 0; i < features * batch; ++i) {
        int_a_[static_cast<std::size_t>(i)] = q.quantize(float_a_[static_cast<std::size_t>(i)]);
      }
    }
  }

  void run(std::int64_t batch) override {
    check_batch(batch);
    if (int_layers_.empty()) {
      run_float(batch);
    } else {
      run_integer(batch);
    }
  }

  void get_output(std::span<float> output, std::int64_t batch) const override {
    const std::int64_t classes = info_.output.elements();
    if (int_layers_.empty()) {
      to_batch_major<float>(float_result(), output, classes, batch);
      return;
    }
    std::vector<std::int32_t> acc(static_cast<std::size_t>(classes * batch));
    get_output_accumulators(acc, batch);
    for (std::int64_t n = 0; n < batch; ++n) {
      for (std::int64_t c = 0; c < classes; ++c) {
        const auto i = static_cast<std::size_t>(n * classes + c);
        const auto cc = static_cast<std::size_t>(c);
        output[i] = (static_cast<float>(acc[i]) + model_.output_bias[cc]) * model_.output_scale[cc];
      }
    }
  }

  void get_output_accumulators(std::span<std::int32_t> output, std::int64_t batch) const override {
    if (int_layers_.empty())
      throw UnsupportedError("float precisions have no integer accumulators");
    to_batch_major<std::int32_t>(int_result(), output, info_.output.elements(), batch);
  }

  const ModelInfo& info() const override { return info_; }

 private:
  struct IntLayer {
    CsrMatrix<std::int8_t> weights;
    const QOp* op;  // requantizers (empty for the last layer)
  };

  void check_batch(std::int64_t batch) const {
    if (batch < 1 || batch > max_batch_) {
      throw UnsupportedError(
          fmt::format("batch {} is outside 1..{} (the compiled max_batch)", batch, max_batch_));
    }
  }

  void run_float(std::int64_t batch) {
    std::vector<float>* in = &float_a_;
    std::vector<float>* out = &float_b_;
    for (const FloatLayer& layer : float_layers_) {
      spmm(layer.weights, *in, *out, batch, pool_);
      for (std::int64_t r = 0; r < layer.weights.rows; ++r) {
        for (std::int64_t n = 0; n < batch; ++n) {
          float& v = (*out)[static_cast<std::size_t>(r * batch + n)];
          v = std::clamp(v + layer.bias[static_cast<std::size_t>(r)], layer.lo, layer.hi);
        }
      }
      std::swap(in, out);
    }
    float_result_ = in;
  }

  void run_integer(std::int64_t batch) {
    std::vector<std::int32_t>* in = &int_a_;
    std::vector<std::int32_t>* out = &int_b_;
    for (const IntLayer& layer : int_layers_) {
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
    int_result_ = in;
  }

  std::span<const float> float_result() const { return *float_result_; }
  std::span<const std::int32_t> int_result() const { return *int_result_; }

  ModelInfo info_;
  ThreadPool pool_;
  std::int64_t max_batch_;
  std::vector<FloatLayer> float_layers_;
  LoweredModel model_;
  std::vector<IntLayer> int_layers_;
  std::vector<float> float_a_, float_b_;
  std::vector<std::int32_t> int_a_, int_b_;
  const std::vector<float>* float_result_ = &float_a_;
  const std::vector<std::int32_t>* int_result_ = &int_a_;
};

class SparseBackend : public Backend {
 public:
  std::string_view name() const override { return "sparse"; }
  BackendCapabilities capabilities() const override {
    return {{Precision::uniform(DataType::FP32), Precision::uniform(DataType::INT8)},
            {OpKind::Input, OpKind::Flatten, OpKind::Dense, OpKind::BatchNorm, OpKind::Activation,
             OpKind::Softmax, OpKind::Quantizer},
            static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))};
  }
  std::unique_ptr<CompiledModel> compile(const Graph& graph, const Precision& precision,
                                         const CompileOptions& options) const override {
    check_supported(*this, graph, precision, options);
    return std::make_unique<SparseModel>(graph, precision, options);
  }
};

}  // namespace

std::unique_ptr<Backend> make_sparse_backend() {
  return std::make_unique<SparseBackend>();
}

}  // namespace qtb
