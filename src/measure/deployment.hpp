#pragma once
// One deployment point measured end to end: build the variant, compile it once per stream (outside
// any timing), run the harness, and fill a result row with the figures, the theory beside them
// (ops per input, the roofline prediction when the platform is in the catalog) and provenance.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "core/limits.hpp"
#include "core/precision.hpp"
#include "graph/graph.hpp"
#include "measure/harness.hpp"
#include "measure/provenance.hpp"
#include "measure/result_row.hpp"
#include "platform/platform.hpp"

namespace qtb {

// The values a deployment point's settings may take, shared by `run`'s options and sweep files.
// Threads are checked against this machine (check_threads of core/limits.hpp).
inline constexpr CountRange kBatchRange{1, kMaxBatch, "inputs"};
inline constexpr CountRange kStreamsRange{1, kMaxStreams, "streams"};
inline constexpr NumberRange kPruneRange{1e-6, 1, "(the fraction of channels kept)"};
inline constexpr NumberRange kSparsityRange{0, 0.999, "(the fraction of weights zeroed)"};
inline constexpr CountRange kAccuracyLimitRange{0, 1'000'000'000, "test images (0: all)"};
inline constexpr NumberRange kIdleSecondsRange{0, 600, "seconds"};

struct DeploymentRequest {
  std::string topology;
  double prune = 1.0;
  Precision precision;
  std::string backend;
  std::string op_mode = "default";
  std::int64_t batch = 1;
  int threads = 1;
  int streams = 1;
  std::optional<Scenario> scenario;  // default_scenario(batch, streams) when empty
  double sparsity = 0;               // synaptic pruning: fraction of weights zeroed
  std::uint64_t seed = 1;            // of the random weights and the inputs
  // A trained variant (qutibench optimize): its graph and weights replace the zoo topology's
  // seeded random ones; topology and prune must match its metadata.
  std::string model_file;
  // After timing, top-1/top-5 on this data set's test split (empty: no accuracy); needs
  // model_file. accuracy_limit: the first N test images (0: all).
  std::string accuracy_dataset;
  std::int64_t accuracy_limit = 0;

  Scenario resolved_scenario() const;
  // "mlp s=0.5 INT8 onednn b16 t2 x1 offline", for messages and progress.
  std::string label() const;
};

struct MeasureContext {
  HarnessOptions harness;                  // limits; batch and scenario come from the point
  PowerMeter* meter = nullptr;             // required
  std::optional<PowerReading> idle_power;  // measured before, with the same meter
  std::string platform_name = "host";
  const Platform* platform = nullptr;  // for predicted_fps; none leaves it empty
  Provenance provenance;
  HarnessProgress progress;
  // Called with the first instance once it is compiled, before any timing (run --profile sets a
  // StepProfiler on it here; the caller keeps it alive until measure_point returns).
  std::function<void(CompiledModel& model, const Graph& graph)> on_compiled;
};

// Memory a point needs while it is measured, in bytes, from the graph's tensor sizes. Each of the
// `streams` model instances holds its own copy of the weights (4 bytes each: the float copy every
// backend keeps or starts from) and, for `batch` inputs, every node's output (4 bytes per value:
// an upper bound, a backend may reuse buffers); each stream's harness holds its raw 8-bit input
// pool (at least 16 inputs), a float staging batch and a float output batch. The graph itself
// (its weights once more) comes on top. Saturates instead of overflowing.
std::uint64_t deployment_memory_bytes(const Graph& graph, std::int64_t batch, std::int64_t streams);

// Throws InputError "batch 65536 x 4 streams of mlp s=1 FP32 needs 22.2 GB of memory, more than
// the 21.0 GB available" when the point (with its accuracy instance, if any) needs more memory
// than this machine has left. Cheap: builds the graph without weights (or reads the model file).
void check_point_memory(const DeploymentRequest& point);
// The same for every point of a sweep, before the first is measured; each variant's graph is
// built once.
void check_points_memory(std::span<const DeploymentRequest> points);

// Throws InputError for a malformed point (unknown model, scenario contradiction) and
// UnsupportedError when the backend refuses it; cheap: nothing is compiled.
void check_point(const DeploymentRequest& point);

// A point for a model file: topology, prune and precision from its metadata, accuracy on its
// data set. Throws InputError for a missing or corrupt file.
DeploymentRequest point_for_model_file(const std::string& model_file);

// The point's graph with its seeded or trained weights, after check_point's checks, and the
// compile options of its instances (the layer benchmarks compile it the same way).
Graph prepared_graph(const DeploymentRequest& point);
CompileOptions point_compile_options(const DeploymentRequest& point);

// Checks the point first (check_point), then measures it.
ResultRow measure_point(const DeploymentRequest& point, const MeasureContext& context);

}  // namespace qtb
