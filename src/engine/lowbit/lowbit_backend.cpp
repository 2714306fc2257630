#include "engine/lowbit/lowbit_backend.hpp"

#include <algorithm>
#include <thread>

#include "engine/lowbit/compiled_model.hpp"
#include "lowering/lower.hpp"

namespace qtb {
namespace {

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

 private:
  std::optional<std::string> do_support(const Graph& graph, const Precision& precision,
                                        const CompileOptions&) const override {
    return lowering_refusal(graph, precision);
  }

  std::unique_ptr<CompiledModel> do_compile(const Graph& graph, const Precision& precision,
                                            const CompileOptions& options) const override {
    return lowbit::compile_lowered(lower(graph, precision), options);
  }
};

}  // namespace

std::unique_ptr<Backend> make_lowbit_backend() {
  return std::make_unique<LowbitBackend>();
}

}  // namespace qtb
