#include "engine/reference/reference_backend.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engine/integer_model.hpp"
#include "engine/reference/float_executor.hpp"
#include "engine/reference/integer_executor.hpp"
#include "lowering/lower.hpp"

namespace qtb {
namespace {

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

// The executor's shapes, and buffers for options.max_batch inputs and outputs.
template <class Executor, class In, class Out>
void size_io(const Executor& executor, const CompileOptions& options, ModelInfo& info,
             std::vector<In>& inputs, std::vector<Out>& outputs) {
  info.input = executor.input_shape();
  info.output = executor.output_shape();
  inputs.resize(static_cast<std::size_t>(info.input.elements() * options.max_batch));
  outputs.resize(static_cast<std::size_t>(info.output.elements() * options.max_batch));
}

// One input after the other: the executors run one input.
template <class Executor, class In, class Out>
void run_each(const Executor& executor, const std::vector<In>& inputs, std::vector<Out>& outputs,
              const ModelInfo& info, std::int64_t batch) {
  const auto in_size = static_cast<std::size_t>(info.input.elements());
  const auto out_size = static_cast<std::size_t>(info.output.elements());
  for (std::size_t b = 0; b < static_cast<std::size_t>(batch); ++b) {
    executor.run(std::span(inputs).subspan(b * in_size, in_size),
                 std::span(outputs).subspan(b * out_size, out_size));
  }
}

// FP32, FP16, BF16: the Graph run by FloatExecutor, one input after the other.
class ReferenceFloatModel final : public CompiledModel {
 public:
  ReferenceFloatModel(const Graph& graph, const Precision& precision, const CompileOptions& options)
      : executor_(graph, float_format_of(precision.weights)) {
    info_ = base_info(precision, options);
    info_.method = fmt::format("reference loops ({} storage, float32 arithmetic)",
                               to_string(executor_.storage()));
    if (executor_.storage() == FloatFormat::FP32) info_.method = "reference loops (float32)";
    info_.weight_bytes = conv_dense_weights(graph) * (bit_width(precision.weights) / 8);
    size_io(executor_, options, info_, input_, output_);
  }

 private:
  void do_set_input(std::span<const float> input, std::int64_t) override {
    std::copy(input.begin(), input.end(), input_.begin());
  }

  void do_run(std::int64_t batch) override { run_each(executor_, input_, output_, info_, batch); }

  void do_get_output(std::span<float> output, std::int64_t) const override {
    std::copy_n(output_.begin(), output.size(), output.begin());
  }

  FloatExecutor executor_;
  std::vector<float> input_;   // batch x input, as set (run() rounds it to the storage format)
  std::vector<float> output_;  // batch x logits
};

// INT8 and WxAy: lower()'s LoweredModel run by IntegerExecutor.
class ReferenceIntegerModel final : public IntegerModel {
 public:
  ReferenceIntegerModel(LoweredModel model, const CompileOptions& options)
      : IntegerModel(model), executor_(std::move(model)) {
    info_ = base_info(executor_.model().precision, options);
    info_.method = "reference loops (int32)";
    std::int64_t weights = 0;
    for (const QOp& op : executor_.model().ops) {
      weights += static_cast<std::int64_t>(op.weights.size());
    }
    info_.weight_bytes = (weights * bit_width(info_.precision.weights) + 7) / 8;
    size_io(executor_, options, info_, input_, output_);
  }

 private:
  void do_set_input(std::span<const float> input, std::int64_t) override {
    executor_.quantize_input(input, std::span(input_).first(input.size()));
  }

  void do_run(std::int64_t batch) override { run_each(executor_, input_, output_, info_, batch); }

  void do_get_output_accumulators(std::span<std::int32_t> output, std::int64_t) const override {
    std::copy_n(output_.begin(), output.size(), output.begin());
  }

  IntegerExecutor executor_;
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

std::optional<std::string> ReferenceBackend::do_support(const Graph& graph,
                                                        const Precision& precision,
                                                        const CompileOptions&) const {
  if (is_float(precision.weights)) return std::nullopt;
  return lowering_refusal(graph, precision);
}

std::unique_ptr<CompiledModel> ReferenceBackend::do_compile(const Graph& graph,
                                                            const Precision& precision,
                                                            const CompileOptions& options) const {
  if (is_float(precision.weights)) {
    return std::make_unique<ReferenceFloatModel>(graph, precision, options);
  }
  return std::make_unique<ReferenceIntegerModel>(lower(graph, precision), options);
}

std::unique_ptr<Backend> make_reference_backend() {
  return std::make_unique<ReferenceBackend>();
}

}  // namespace qtb
