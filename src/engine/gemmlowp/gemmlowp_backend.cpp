#include "engine/gemmlowp/gemmlowp_backend.hpp"

#include <algorithm>
#include <thread>

#include "engine/gemmlowp/compiled_model.hpp"
#include "engine/gemmlowp/gemm.hpp"
#include "lowering/lower.hpp"

namespace qtb {
namespace {

// Every WxAy with x, y in {1, 2, 4, 8}: levels of at most 8 bits (binary -1/+1 included) are
// exact bytes of the INT8 carrier, so each runs as an INT8 GEMM.
std::vector<Precision> carried_precisions() {
  const DataType types[] = {DataType::INT8, DataType::INT4, DataType::INT2, DataType::INT1};
  std::vector<Precision> out;
  for (DataType t : types) out.push_back(Precision::uniform(t));
  for (DataType w : types) {
    for (DataType a : types) {
      if (w != a) out.push_back({w, a});
    }
  }
  return out;
}

class GemmlowpBackend final : public Backend {
 public:
  std::string_view name() const override { return "gemmlowp"; }

  BackendCapabilities capabilities() const override {
    BackendCapabilities caps;
    caps.precisions = carried_precisions();
    caps.layers.assign(std::begin(kAllOpKinds), std::end(kAllOpKinds));
    caps.max_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return caps;
  }

 private:
  std::optional<std::string> do_support(const Graph& graph, const Precision& precision,
                                        const CompileOptions& options) const override {
    if (!gemmlowp_backend::cpu_supports_gemm_kernels()) {
      return "backend gemmlowp needs a CPU with AVX2 (its gemmlowp kernels are built for AVX2)";
    }
    if (options.portable) {
      return "backend gemmlowp has no portable kernels (gemmlowp fixes its SIMD path at build "
             "time)";
    }
    return lowering_refusal(graph, precision);
  }

  std::unique_ptr<CompiledModel> do_compile(const Graph& graph, const Precision& precision,
                                            const CompileOptions& options) const override {
    return gemmlowp_backend::compile_lowered(lower(graph, precision), options);
  }
};

}  // namespace

std::unique_ptr<Backend> make_gemmlowp_backend() {
  return std::make_unique<GemmlowpBackend>();
}

}  // namespace qtb
