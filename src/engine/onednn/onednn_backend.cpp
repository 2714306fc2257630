#include "engine/onednn/onednn_backend.hpp"

#include <algorithm>
#include <thread>

#include <omp.h>

#include "engine/onednn/dnnl_util.hpp"
#include "engine/onednn/float_model.hpp"
#include "engine/onednn/int8_model.hpp"
#include "lowering/lower.hpp"

namespace qtb {
namespace {

class OnednnBackend final : public Backend {
 public:
  std::string_view name() const override { return "onednn"; }

  BackendCapabilities capabilities() const override {
    BackendCapabilities caps;
    caps.precisions = {Precision::uniform(DataType::FP32), Precision::uniform(DataType::BF16),
                       Precision::uniform(DataType::INT8)};
    caps.layers = {OpKind::Input,    OpKind::Conv2d,        OpKind::Dense,     OpKind::MaxPool,
                   OpKind::AvgPool,  OpKind::GlobalAvgPool, OpKind::BatchNorm, OpKind::Activation,
                   OpKind::Add,      OpKind::Concat,        OpKind::Flatten,   OpKind::Softmax,
                   OpKind::Quantizer};
    caps.max_threads =
        std::max({1, static_cast<int>(std::thread::hardware_concurrency()), omp_get_num_procs()});
    return caps;
  }

 private:
  std::optional<std::string> do_support(const Graph& graph, const Precision& precision,
                                        const CompileOptions& options) const override {
    if (options.portable) {
      return "backend onednn has no portable kernels: oneDNN dispatches on the CPU's ISA";
    }
    if (precision != Precision::uniform(DataType::INT8)) return std::nullopt;
    if (auto reason = onednn::int8_isa_refusal()) return reason;
    return lowering_refusal(graph, precision);
  }

  std::unique_ptr<CompiledModel> do_compile(const Graph& graph, const Precision& precision,
                                            const CompileOptions& options) const override {
    if (precision == Precision::uniform(DataType::INT8)) {
      return onednn::compile_int8(graph, options);
    }
    return onednn::compile_float(graph, precision, options);
  }
};

}  // namespace

std::unique_ptr<Backend> make_onednn_backend() {
  return std::make_unique<OnednnBackend>();
}

}  // namespace qtb
