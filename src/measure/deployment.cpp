#include "measure/deployment.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>
#include <vector>

#include "cost/cost.hpp"
#include "data/locate.hpp"
#include "engine/random_weights.hpp"
#include "engine/registry.hpp"
#include "graph/model_file.hpp"
#include "measure/accuracy.hpp"
#include "measure/peak_memory.hpp"
#include "optimize/synaptic_pruning.hpp"
#include "roofline/roofline.hpp"
#include "zoo/zoo.hpp"

namespace qtb {

Scenario DeploymentPoint::resolved_scenario() const {
  return scenario.value_or(default_scenario(batch, streams));
}

std::string DeploymentPoint::label() const {
  return fmt::format("{} s={} {}{} {} b{} t{} x{} {}", topology, prune, precision.name(),
                     sparsity > 0 ? fmt::format(" sparsity {}", sparsity) : "", backend, batch,
                     threads, streams, to_string(resolved_scenario()));
}

namespace {

// Test images per accuracy query: the accuracy run is not timed, so it batches for speed.
constexpr std::int64_t kAccuracyBatch = 100;

// The task a topology is measured on here; the synthetic inputs stand in for its data set.
std::string dataset_of(const std::string& topology) {
  for (const TopologyInfo& t : topologies())
    if (t.name == topology) return t.task;
  return {};
}

void fill_theory(ResultRow& row, const Graph& graph, const DeploymentPoint& point,
                 const MeasureContext& context) {
  const NetworkCost cost = compute_cost(graph, point.precision);
  row.gops_per_input = static_cast<double>(cost.ops) * 1e-9;
  if (!context.platform) return;
  const OpMode* mode = context.platform->find_op_mode(point.op_mode);
  if (!mode) return;
  const Prediction prediction = predict(graph, cost, *context.platform, *mode, point.backend);
  if (prediction.supported) row.predicted_fps = prediction.fps;
}

void fill_power(ResultRow& row, const Measurement& m, const MeasureContext& context,
                std::vector<std::string>& notes) {
  row.power_source = context.meter->source();
  if (!m.power) {
    if (row.power_source != "none") notes.push_back("no power figures: " + m.power_missing);
    row.power_source = "none";
    return;
  }
  row.power_full_w = m.power->watts();
  if (m.inputs > 0) row.energy_per_input_j = m.power->joules / static_cast<double>(m.inputs);
  if (context.idle_power) row.power_idle_w = context.idle_power->watts();
  notes.push_back(context.meter->description());
}

CompileOptions compile_options(const DeploymentPoint& point) {
  CompileOptions options;
  options.threads = point.threads;
  options.max_batch = point.batch;
  return options;
}

Graph random_graph(const DeploymentPoint& point) {
  Graph graph = build_topology(point.topology, point.prune);
  fill_random_weights(graph, point.seed);
  return graph;
}

Graph trained_graph(const DeploymentPoint& point) {
  ModelFile file = load_model(point.model_file);
  if (file.metadata.topology != point.topology || file.metadata.prune != point.prune) {
    throw InputError(fmt::format("{} holds {} at scale {}, not {} at scale {}", point.model_file,
                                 file.metadata.topology, file.metadata.prune, point.topology,
                                 point.prune));
  }
  return std::move(file.graph);
}

// The point's graph with its seeded or trained weights, after checking the point; throws before
// anything is compiled or timed.
Graph prepare_graph(const DeploymentPoint& point) {
  if (point.op_mode != "default")
    throw UnsupportedError(
        fmt::format("op mode '{}': the CPU backends run this machine in its one mode, 'default'",
                    point.op_mode));
  check_scenario(point.resolved_scenario(), point.batch, point.streams);
  const auto backend = make_backend(point.backend);
  if (!point.accuracy_dataset.empty() && point.model_file.empty()) {
    throw InputError(
        "an accuracy run needs trained weights: give a model file (qutibench "
        "optimize makes them)");
  }
  Graph graph = point.model_file.empty() ? random_graph(point) : trained_graph(point);
  if (point.sparsity > 0) prune_synapses(graph, point.sparsity);
  check_supported(*backend, graph, point.precision, compile_options(point));
  return graph;
}

// Top-1/top-5 of a fresh instance (same backend, precision, threads and weights) over the test
// split, batched: the timed instances keep their own batch size.
void fill_accuracy(ResultRow& row, const Graph& graph, const DeploymentPoint& point) {
  const DataSet test = load_data_set(locate_data_set(point.accuracy_dataset), Split::test);
  CompileOptions options = compile_options(point);
  options.max_batch = std::max(point.batch, kAccuracyBatch);
  const auto model = make_backend(point.backend)->compile(graph, point.precision, options);
  const AccuracyResult result =
      measure_accuracy(*model, test, options.max_batch, point.accuracy_limit);
  row.dataset = result.dataset;
  row.top1 = 100.0 * result.top1();
  if (test.classes >= 5) row.top5 = 100.0 * result.top5();
  row.accuracy_source = "measured";
  row.accuracy_samples = result.samples;
}

}  // namespace

DeploymentPoint point_for_model_file(const std::string& model_file) {
  const ModelFile file = load_model(model_file);
  DeploymentPoint point;
  point.topology = file.metadata.topology;
  point.prune = file.metadata.prune;
  point.precision = parse_precision(file.metadata.precision);
  point.model_file = model_file;
  point.accuracy_dataset = file.metadata.dataset;
  return point;
}

void check_point(const DeploymentPoint& point) {
  (void)prepare_graph(point);
}

ResultRow measure_point(const DeploymentPoint& point, const MeasureContext& context) {
  const Graph graph = prepare_graph(point);
  const Scenario scenario = point.resolved_scenario();
  const auto backend = make_backend(point.backend);
  const CompileOptions options = compile_options(point);
  const bool peak_is_per_point = reset_peak_memory();
  std::vector<std::unique_ptr<CompiledModel>> models;
  std::vector<CompiledModel*> instances;
  for (int s = 0; s < point.streams; ++s) {
    models.push_back(backend->compile(graph, point.precision, options));
    instances.push_back(models.back().get());
  }

  HarnessOptions harness = context.harness;
  harness.batch = point.batch;
  harness.scenario = scenario;
  harness.seed = point.seed;
  const Measurement m = run_harness(instances, harness, *context.meter, context.progress);
  const ModelInfo& info = models.front()->info();

  ResultRow row;
  row.topology = point.topology;
  row.prune = point.prune;
  row.precision = point.precision.name();
  row.dataset = dataset_of(point.topology);
  row.platform = context.platform_name;
  row.backend = point.backend;
  row.op_mode = point.op_mode;
  row.batch = point.batch;
  row.threads = point.threads;
  row.streams = point.streams;
  row.scenario = std::string(to_string(scenario));
  row.level = "L3";
  row.fps_compute = m.fps_compute;
  row.fps_system = m.fps_system;
  row.latency_compute_ms = m.compute;
  row.latency_system_ms = m.system;
  row.samples = m.queries;
  row.duration_s = m.seconds;
  row.valid = m.valid;
  row.invalid_reason = m.invalid_reason;
  row.method = info.method;
  row.weight_bytes = info.weight_bytes;
  row.peak_memory_bytes = peak_memory_bytes();

  std::vector<std::string> notes;
  if (point.model_file.empty()) {
    notes.push_back(
        fmt::format("seeded random weights (seed {}); synthetic inputs, no accuracy", point.seed));
  } else {
    notes.push_back(
        fmt::format("trained weights from {}; timed on synthetic inputs", point.model_file));
  }
  if (point.sparsity > 0) notes.push_back(fmt::format("synaptic sparsity {}", point.sparsity));
  if (!info.notes.empty()) notes.push_back(info.notes);
  if (!peak_is_per_point) notes.push_back("peak memory is the process's lifetime peak");
  fill_power(row, m, context, notes);
  fill_theory(row, graph, point, context);
  if (!point.accuracy_dataset.empty()) {
    fill_accuracy(row, graph, point);
    notes.push_back(
        fmt::format("accuracy on the {} test images of {}", *row.accuracy_samples, row.dataset));
  }
  row.notes = fmt::format("{}", fmt::join(notes, "; "));
  stamp(row, context.provenance);
  return row;
}

}  // namespace qtb
