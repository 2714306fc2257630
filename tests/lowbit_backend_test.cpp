// The lowbit backend against the reference backend: the last layer's int32 accumulators bit for
// bit (and the decoded logits), for mlp and cnv (prune 0.125 and 0.25), a depthwise-separable
// block and a residual block with odd channel counts, at W1A1, W2A2, W4A4, W4A8 and INT8, batches
// 1, 3 and 17 on one model compiled for max_batch 17, 1 and 2 threads, and the portable kernels.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <map>

#include "engine/lowbit/lowbit_backend.hpp"
#include "engine/random_weights.hpp"
#include "engine/reference/reference_backend.hpp"
#include "test_networks.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

using testing::Network;
using testing::random_pixels;

const std::vector<Network>& networks() {
  static const std::vector<Network> all = testing::backend_test_networks(21);
  return all;
}

constexpr std::int64_t kMaxBatch = 17;
constexpr std::int64_t kBatches[] = {1, 3, 17};

struct Outputs {
  std::vector<std::int32_t> accumulators;
  std::vector<float> logits;
};

// Compiles once for max_batch 17 and runs batches 1, 3, 17 (the same pixels as a prefix).
std::map<std::int64_t, Outputs> run(const Backend& backend, const Graph& graph,
                                    const Precision& precision, const CompileOptions& options,
                                    std::string* method = nullptr) {
  auto model = backend.compile(graph, precision, options);
  if (method != nullptr) *method = model->info().method;
  const std::int64_t in = model->info().input.elements();
  const std::int64_t out = model->info().output.elements();
  const std::vector<float> pixels = random_pixels(kMaxBatch * in, 5);
  std::map<std::int64_t, Outputs> by_batch;
  for (std::int64_t batch : kBatches) {
    model->set_input(std::span(pixels).first(static_cast<std::size_t>(batch * in)), batch);
    model->run(batch);
    Outputs& o = by_batch[batch];
    o.accumulators.resize(static_cast<std::size_t>(batch * out));
    o.logits.resize(o.accumulators.size());
    model->get_output_accumulators(o.accumulators, batch);
    model->get_output(o.logits, batch);
  }
  return by_batch;
}

const std::map<std::int64_t, Outputs>& reference(const Network& net, const Precision& precision) {
  static std::map<std::string, std::map<std::int64_t, Outputs>> cache;
  const std::string key = net.name + "/" + precision.name();
  auto it = cache.find(key);
  if (it == cache.end()) {
    CompileOptions options;
    options.max_batch = kMaxBatch;
    it = cache.emplace(key, run(*make_reference_backend(), net.graph, precision, options)).first;
  }
  return it->second;
}

void expect_equal(const std::map<std::int64_t, Outputs>& got,
                  const std::map<std::int64_t, Outputs>& want, const std::string& what) {
  for (std::int64_t batch : kBatches) {
    const Outputs& g = got.at(batch);
    const Outputs& w = want.at(batch);
    ASSERT_EQ(g.accumulators.size(), w.accumulators.size()) << what;
    std::size_t mismatches = 0, first = 0;
    for (std::size_t i = 0; i < g.accumulators.size(); ++i) {
      if (g.accumulators[i] != w.accumulators[i] && mismatches++ == 0) first = i;
    }
    EXPECT_EQ(mismatches, 0u) << what << " batch " << batch << ": first at " << first << " got "
                              << g.accumulators[first] << " want " << w.accumulators[first];
    EXPECT_EQ(g.logits, w.logits) << what << " batch " << batch;
  }
}

const std::vector<Precision>& precisions() {
  static const std::vector<Precision> all = {
      Precision::uniform(DataType::INT1), Precision::uniform(DataType::INT2),
      Precision::uniform(DataType::INT4), Precision{DataType::INT4, DataType::INT8},
      Precision::uniform(DataType::INT8)};
  return all;
}

TEST(LowbitBackend, MatchesReferenceBitExactly) {
  const auto backend = make_lowbit_backend();
  for (const Network& net : networks()) {
    for (const Precision& precision : precisions()) {
      const auto& want = reference(net, precision);
      for (int threads : {1, 2}) {
        CompileOptions options;
        options.threads = threads;
        options.max_batch = kMaxBatch;
        std::string method;
        const auto got = run(*backend, net.graph, precision, options, &method);
        EXPECT_FALSE(method.empty());
        expect_equal(got, want,
                     fmt::format("{} {} threads {}", net.name, precision.name(), threads));
      }
    }
  }
}

TEST(LowbitBackend, PortableKernelsMatchReference) {
  const auto backend = make_lowbit_backend();
  for (const Network& net : networks()) {
    for (const Precision& precision : precisions()) {
      CompileOptions options;
      options.threads = 2;
      options.max_batch = kMaxBatch;
      options.portable = true;
      std::string method;
      const auto got = run(*backend, net.graph, precision, options, &method);
      EXPECT_NE(method.find("portable"), std::string::npos) << method;
      expect_equal(got, reference(net, precision),
                   fmt::format("{} {} portable", net.name, precision.name()));
    }
  }
}

TEST(LowbitBackend, MixedPrecisionsMatchReference) {
  const auto backend = make_lowbit_backend();
  const Precision mixed[] = {{DataType::INT1, DataType::INT2},
                             {DataType::INT2, DataType::INT4},
                             {DataType::INT4, DataType::INT1},
                             {DataType::INT1, DataType::INT8},
                             {DataType::INT2, DataType::INT8}};
  for (const Network& net : networks()) {
    if (net.name != "cnv_0.125" && net.name != "bottleneck") continue;
    for (const Precision& precision : mixed) {
      CompileOptions options;
      options.threads = 2;
      options.max_batch = kMaxBatch;
      expect_equal(run(*backend, net.graph, precision, options), reference(net, precision),
                   fmt::format("{} {}", net.name, precision.name()));
    }
  }
}

TEST(LowbitBackend, ReportsMethodsAndPackedBytes) {
  const auto backend = make_lowbit_backend();
  CompileOptions options;
  const auto model =
      backend->compile(networks().front().graph, Precision::uniform(DataType::INT2), options);
  const ModelInfo& info = model->info();
  EXPECT_EQ(info.backend, "lowbit");
  EXPECT_NE(info.method.find("W2A2"), std::string::npos) << info.method;
  EXPECT_NE(info.method.find("first layer W2A8"), std::string::npos) << info.method;
  EXPECT_GT(info.weight_bytes, 0);
  const auto int8 =
      backend->compile(networks().front().graph, Precision::uniform(DataType::INT8), options);
  EXPECT_GT(int8->info().weight_bytes, 3 * info.weight_bytes);  // 8 bit-planes against 2
}

TEST(LowbitBackend, RefusesFloatAndUnlistedPrecisions) {
  const auto backend = make_lowbit_backend();
  const Graph& graph = networks().front().graph;
  CompileOptions options;
  EXPECT_THROW(backend->compile(graph, Precision::uniform(DataType::FP32), options),
               UnsupportedError);
  EXPECT_THROW(backend->compile(graph, Precision{DataType::INT8, DataType::INT4}, options),
               UnsupportedError);
  const auto precisions = backend->capabilities().precisions;
  EXPECT_EQ(precisions.size(), 13u);
}

}  // namespace
}  // namespace qtb
