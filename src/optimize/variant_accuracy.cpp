#include "optimize/variant_accuracy.hpp"

#include <fmt/format.h>
#include <algorithm>

#include "core/error.hpp"
#include "cost/cost.hpp"
#include "engine/registry.hpp"

namespace qtb {
namespace {

// `threads`, or fewer where the backend has fewer (the reference runs one).
CompileOptions accuracy_options(const Backend& backend, int threads) {
  CompileOptions options;
  options.threads = std::min(threads, backend.capabilities().max_threads);
  options.max_batch = kAccuracyBatch;
  return options;
}

AccuracyResult accuracy_on(const std::string& backend, const Graph& graph,
                           const Precision& precision, const DataSet& test, int threads,
                           std::int64_t limit) {
  const auto engine = make_backend(backend);
  const auto model = engine->compile(graph, precision, accuracy_options(*engine, threads));
  return measure_accuracy(*model, test, kAccuracyBatch, limit);
}

}  // namespace

std::vector<std::string> backends_for(const Graph& graph, const Precision& precision, int threads) {
  std::vector<std::string> names;
  for (const std::string& name : backend_names()) {  // in the registry's preference order
    const auto backend = make_backend(name);
    if (!backend->support(graph, precision, accuracy_options(*backend, threads))) {
      names.push_back(name);
    }
  }
  return names;
}

VariantAccuracy measure_variant_accuracy(const Graph& graph, const Precision& precision,
                                         const DataSet& test, int threads, std::int64_t limit,
                                         bool compare_backends) {
  const std::vector<std::string> backends = backends_for(graph, precision, threads);
  if (backends.empty()) {
    throw InputError(fmt::format("no backend runs {} of '{}'", precision.name(), graph.name()));
  }
  VariantAccuracy out;
  out.backend = backends.front();
  out.result = accuracy_on(out.backend, graph, precision, test, threads, limit);
  if (!compare_backends || is_float(precision.weights)) return out;
  for (std::size_t b = 1; b < backends.size(); ++b) {
    std::int64_t images = out.result.samples;
    if (backends[b] == "reference") {
      const double macs = static_cast<double>(compute_cost(graph, precision).macs);
      const auto affordable = static_cast<std::int64_t>(kReferenceAgreementMacs / macs);
      images = std::min(images, std::max(kReferenceMinImages, affordable));
    }
    const AccuracyResult other = accuracy_on(backends[b], graph, precision, test, threads, images);
    BackendAgreement agreement{backends[b], other.samples, 0};
    for (std::size_t i = 0; i < other.predictions.size(); ++i) {
      agreement.different += other.predictions[i] != out.result.predictions[i];
    }
    out.agreement.push_back(agreement);
  }
  return out;
}

void record_accuracy(ModelMetadata& metadata, const VariantAccuracy& accuracy) {
  metadata.top1 = accuracy.result.top1();
  metadata.top1_samples = accuracy.result.samples;
  metadata.top1_backend = accuracy.backend;
}

}  // namespace qtb
