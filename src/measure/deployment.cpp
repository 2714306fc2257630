#include "measure/deployment.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>
#include <vector>

#include "cost/cost.hpp"
#include "engine/random_weights.hpp"
#include "engine/registry.hpp"
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
  const Prediction prediction = predict(graph, cost, *context.platform, *mode);
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

// The point's graph with its seeded weights, after checking the point; throws before anything
// is compiled or timed.
Graph prepare_graph(const DeploymentPoint& point) {
  if (point.op_mode != "default")
    throw UnsupportedError(
        fmt::format("op mode '{}': the CPU backends run this machine in its one mode, 'default'",
                    point.op_mode));
  check_scenario(point.resolved_scenario(), point.batch, point.streams);
  const auto backend = make_backend(point.backend);
  Graph graph = build_topology(point.topology, point.prune);
  fill_random_weights(graph, point.seed);
  if (point.sparsity > 0) prune_synapses(graph, point.sparsity);
  check_supported(*backend, graph, point.precision, compile_options(point));
  return graph;
}

}  // namespace

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

  std::vector<std::string> notes{
      fmt::format("seeded random weights (seed {}); synthetic inputs, "
                  "no accuracy",
                  point.seed)};
  if (point.sparsity > 0) notes.push_back(fmt::format("synaptic sparsity {}", point.sparsity));
  if (!info.notes.empty()) notes.push_back(info.notes);
  if (!peak_is_per_point) notes.push_back("peak memory is the process's lifetime peak");
  fill_power(row, m, context, notes);
  fill_theory(row, graph, point, context);
  row.notes = fmt::format("{}", fmt::join(notes, "; "));
  stamp(row, context.provenance);
  return row;
}

}  // namespace qtb
