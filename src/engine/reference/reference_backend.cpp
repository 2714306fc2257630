#include "engine/reference/reference_backend.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/lowering/lower.hpp"
#include "engine/reference/float_executor.hpp"
#include "engine/reference/integer_executor.hpp"

namespace qtb {
namespace {

std::size_t checked_batch(std::int64_t batch, std::int64_t max_batch) {
  if (batch < 1 || batch > max_batch) {
    throw std::invalid_argument(
        fmt::format("reference backend: batch {} outside 1..{}", batch, max_batch));
  }
  return static_cast<std::size_t>(batch);
}

// batch x per_input values, checked against the batch limit and the span's size.
std::size_t checked_values(std::size_t available, std::int64_t batch, std::int64_t max_batch,
                           std::size_t per_input, const char* what) {
  const std::size_t needed = checked_batch(batch, max_batch) * per_input;
  if (available < needed) {
    throw std::invalid_argument(
        fmt::format("reference backend: {} holds {} values, {} inputs need {}", what, available,
                    batch, needed));
  }
  return needed;
}

std::int64_t conv_dense_weights(const Graph& graph) {
  std::int64_t count = 0;
  for (int id = 0; id < graph.size(); ++id) {
    const OpKind kind = graph.node(id).kind;
    if (kind == OpKind::Conv2d || kind == OpKind::Dense) count += graph.weight_count(id);
  }
  return count;
}

ModelInfo base_info(const Precision& precision, const CompileOptions& options) {
  ModelInfo info;
  info.backend = "reference";
  info.precision = precision;
  info.threads = options.threads;
  info.max_batch = options.max_batch;
  return info;
}

// FP32, FP16, BF16: the Graph run by FloatExecutor, one input after the other.
class FloatModel : public CompiledModel {
 public:
  FloatModel(const Graph& graph, const Precision& precision, const CompileOptions& options)
      : executor_(graph, float_format_of(precision.weights)), info_(base_info(precision, options)) {
    info_.method = fmt::format("reference loops ({} storage, float32 arithmetic)",
                               to_string(executor_.storage()));
    if (executor_.storage() == FloatFormat::FP32) info_.method = "reference loops (float32)";
    info_.weight_bytes = conv_dense_weights(graph) * (bit_width(precision.weights) / 8);
    info_.input = executor_.input_shape();
    info_.output = executor_.output_shape();
    input_.resize(static_cast<std::size_t>(info_.input.elements() * options.max_batch));
    output_.resize(static_cast<std::size_t>(info_.output.elements() * options.max_batch));
  }

  void set_input(std::span<const float> input, std::int64_t batch) override {
    const std::size_t n = checked_values(input.size(), batch, info_.max_batch, in_size(), "input");
    std::copy_n(input.begin(), n, input_.begin());
  }

  void run(std::int64_t batch) override {
    const std::size_t n = checked_batch(batch, info_.max_batch);
    for (std::size_t b = 0; b < n; ++b) {
      executor_.run(std::span(input_).subspan(b * in_size(), in_size()),
                    std::span(output_).subspan(b * out_size(), out_size()));
    }
  }

  void get_output(std::span<float> output, std::int64_t batch) const override {
    const std::size_t n =
        checked_values(output.size(), batch, info_.max_batch, out_size(), "output");
    std::copy_n(output_.begin(), n, output.begin());
  }

  void get_output_accumulators(std::span<std::int32_t>, std::int64_t) const override {
    throw UnsupportedError("reference backend: " + info_.precision.name() +
                           " has no integer accumulators");
  }

  const ModelInfo& info() const override { return info_; }

 private:
  std::size_t in_size() const { return static_cast<std::size_t>(info_.input.elements()); }
  std::size_t out_size() const { return static_cast<std::size_t>(info_.output.elements()); }

  FloatExecutor executor_;
  ModelInfo info_;
  std::vector<float> input_;   // batch x input, as set (run() rounds it to the storage format)
  std::vector<float> output_;  // batch x logits
};

// INT8 and WxAy: lower()'s LoweredModel run by IntegerExecutor.
class IntegerModel : public CompiledModel {
 public:
  IntegerModel(const Graph& graph, const Precision& precision, const CompileOptions& options)
      : executor_(lower(graph, precision)), info_(base_info(precision, options)) {
    info_.method = "reference loops (int32)";
    std::int64_t weights = 0;
    for (const QOp& op : executor_.model().ops) {
      weights += static_cast<std::int64_t>(op.weights.size());
    }
    info_.weight_bytes = (weights * bit_width(precision.weights) + 7) / 8;
    info_.input = executor_.input_shape();
    info_.output = executor_.output_shape();
    input_.resize(static_cast<std::size_t>(info_.input.elements() * options.max_batch));
    output_.resize(static_cast<std::size_t>(info_.output.elements() * options.max_batch));
  }

  void set_input(std::span<const float> input, std::int64_t batch) override {
    const std::size_t n = checked_values(input.size(), batch, info_.max_batch, in_size(), "input");
    executor_.quantize_input(input.first(n), std::span(input_).first(n));
  }

  void run(std::int64_t batch) override {
    const std::size_t n = checked_batch(batch, info_.max_batch);
    for (std::size_t b = 0; b < n; ++b) {
      executor_.run(std::span(input_).subspan(b * in_size(), in_size()),
                    std::span(output_).subspan(b * out_size(), out_size()));
    }
  }

  void get_output(std::span<float> output, std::int64_t batch) const override {
    const std::size_t n =
        checked_values(output.size(), batch, info_.max_batch, out_size(), "output");
    executor_.decode(std::span(output_).first(n), output.first(n));
  }

  void get_output_accumulators(std::span<std::int32_t> output, std::int64_t batch) const override {
    const std::size_t n =
        checked_values(output.size(), batch, info_.max_batch, out_size(), "output");
    std::copy_n(output_.begin(), n, output.begin());
  }

  const ModelInfo& info() const override { return info_; }

 private:
  std::size_t in_size() const { return static_cast<std::size_t>(info_.input.elements()); }
  std::size_t out_size() const { return static_cast<std::size_t>(info_.output.elements()); }

  IntegerExecutor executor_;
  ModelInfo info_;
  std::vector<std::int32_t> input_;   // batch x input levels
  std::vector<std::int32_t> output_;  // batch x int32 accumulators
};

}  // namespace

BackendCapabilities ReferenceBackend::capabilities() const {
  BackendCapabilities caps;
  caps.precisions = {Precision::uniform(DataType::FP32), Precision::uniform(DataType::FP16),
                     Precision::uniform(DataType::BF16)};
  const DataType integers[] = {DataType::INT8, DataType::INT4, DataType::INT2, DataType::INT1};
  for (DataType w : integers) {
    for (DataType a : integers) caps.precisions.push_back(Precision{w, a});
  }
  caps.layers.assign(std::begin(kAllOpKinds), std::end(kAllOpKinds));
  caps.max_threads = 1;          // the truth: plain single-threaded loops
  caps.float_quantizers = true;  // FloatExecutor fake-quantizes
  return caps;
}

std::unique_ptr<CompiledModel> ReferenceBackend::compile(const Graph& graph,
                                                         const Precision& precision,
                                                         const CompileOptions& options) const {
  check_supported(*this, graph, precision, options);
  if (is_float(precision.weights)) return std::make_unique<FloatModel>(graph, precision, options);
  return std::make_unique<IntegerModel>(graph, precision, options);
}

std::unique_ptr<Backend> make_reference_backend() {
  return std::make_unique<ReferenceBackend>();
}

}  // namespace qtb
