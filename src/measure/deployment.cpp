#include "measure/deployment.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <limits>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "core/limits.hpp"
#include "core/text.hpp"
#include "cost/cost.hpp"
#include "data/locate.hpp"
#include "engine/random_weights.hpp"
#include "engine/registry.hpp"
#include "graph/model_file.hpp"
#include "graph/synaptic_pruning.hpp"
#include "measure/accuracy.hpp"
#include "measure/peak_memory.hpp"
#include "onnx/onnx_import.hpp"
#include "roofline/roofline.hpp"
#include "zoo/zoo.hpp"

namespace qtb {

Scenario DeploymentRequest::resolved_scenario() const {
  return scenario.value_or(default_scenario(batch, streams));
}

std::string DeploymentRequest::label() const {
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

void fill_theory(ResultRow& row, const Graph& graph, const DeploymentRequest& point,
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

CompileOptions compile_options(const DeploymentRequest& point) {
  CompileOptions options;
  options.threads = point.threads;
  options.max_batch = point.batch;
  return options;
}

std::string shape_text(std::int64_t channels, std::int64_t height, std::int64_t width) {
  return fmt::format("{}x{}x{}", channels, height, width);
}

// The accuracy run's data set must be the one the model file was trained on: its name when the
// metadata names one, and always the input shape (a model that takes other images cannot run).
void check_accuracy_data_set(const ModelFile& file, const DeploymentRequest& point) {
  const std::string& wanted = point.accuracy_dataset;
  if (!file.metadata.dataset.empty() && file.metadata.dataset != wanted) {
    throw InputError(fmt::format("data set {} does not match model file {}, trained on {}",
                                 quote_value(wanted), quote_value(point.model_file, 80),
                                 quote_value(file.metadata.dataset)));
  }
  const DataSetSource source = locate_data_set(wanted);
  const Shape& input = file.graph.shape(0);
  if (source.channels != input.channels || source.height != input.height ||
      source.width != input.width) {
    throw InputError(fmt::format(
        "data set {} has {} images, model file {} takes {} inputs", quote_value(wanted),
        shape_text(source.channels, source.height, source.width), quote_value(point.model_file, 80),
        shape_text(input.channels, input.height, input.width)));
  }
}

// An ONNX model names its topology itself (its graph name) and is never pruned here.
Graph imported_graph(const DeploymentRequest& point) {
  ImportedModel model = import_onnx_model(point.model_file);
  if (model.graph.name() != point.topology || point.prune != 1.0) {
    throw InputError(fmt::format("{} holds {} at scale 1, not {} at scale {}",
                                 quote_value(point.model_file, 80), model.graph.name(),
                                 point.topology, point.prune));
  }
  if (!point.accuracy_dataset.empty()) {
    throw InputError(
        fmt::format("an accuracy run needs a qutibench model file; {} is an ONNX "
                    "model without a data set (--dataset none)",
                    quote_value(point.model_file, 80)));
  }
  return std::move(model.graph);
}

Graph trained_graph(const DeploymentRequest& point) {
  if (is_onnx_path(point.model_file)) return imported_graph(point);
  ModelFile file = load_model(point.model_file, build_topology);
  if (file.metadata.topology != point.topology || file.metadata.prune != point.prune) {
    throw InputError(fmt::format("{} holds {} at scale {}, not {} at scale {}", point.model_file,
                                 file.metadata.topology, file.metadata.prune, point.topology,
                                 point.prune));
  }
  if (!point.accuracy_dataset.empty()) check_accuracy_data_set(file, point);
  return std::move(file.graph);
}

// The point's graph: the zoo topology without weights yet, or the model file's trained one.
Graph structure_of(const DeploymentRequest& point) {
  return point.model_file.empty() ? build_topology(point.topology, point.prune)
                                  : trained_graph(point);
}

// The settings every point needs in range, before any backend is asked about them: thousands of
// threads hang OpenMP, a huge batch or stream count overflows or exhausts memory.
void check_deployment_ranges(const DeploymentRequest& point) {
  check_threads("threads", point.threads);
  check_range("batch", point.batch, kBatchRange.min, kBatchRange.max, kBatchRange.unit);
  check_range("streams", point.streams, kStreamsRange.min, kStreamsRange.max, kStreamsRange.unit);
  check_number("sparsity", point.sparsity, kSparsityRange.min, kSparsityRange.max,
               kSparsityRange.unit);
  check_range("accuracy limit", point.accuracy_limit, kAccuracyLimitRange.min,
              kAccuracyLimitRange.max, kAccuracyLimitRange.unit);
}

void check_memory_of(const DeploymentRequest& point, const Graph& graph) {
  std::uint64_t bytes = deployment_memory_bytes(graph, point.batch, point.streams);
  // The accuracy run compiles one more instance, batched, while the timed ones still exist.
  if (!point.accuracy_dataset.empty())
    bytes += deployment_memory_bytes(graph, std::max(point.batch, kAccuracyBatch), 1);
  check_memory(fmt::format("batch {} x {} stream{} of {} s={} {}", point.batch, point.streams,
                           point.streams == 1 ? "" : "s", point.topology, point.prune,
                           point.precision.name()),
               bytes);
}

// The point's graph with its seeded or trained weights, after checking the point; throws before
// anything is compiled or timed.
Graph prepare_graph(const DeploymentRequest& point) {
  check_deployment_ranges(point);
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
  Graph graph = structure_of(point);
  check_memory_of(point, graph);  // before the weights and any instance are allocated
  if (point.model_file.empty()) fill_random_weights(graph, point.seed);
  if (point.sparsity > 0) prune_synapses(graph, point.sparsity);
  check_supported(*backend, graph, point.precision, compile_options(point));
  return graph;
}

// Top-1/top-5 of a fresh instance (same backend, precision, threads and weights) over the test
// split, batched: the timed instances keep their own batch size.
void fill_accuracy(ResultRow& row, const Graph& graph, const DeploymentRequest& point) {
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

DeploymentRequest point_for_model_file(const std::string& model_file) {
  if (is_onnx_path(model_file)) {
    DeploymentRequest point;
    point.topology = import_onnx_model(model_file).graph.name();
    point.precision = parse_precision("FP32");
    point.model_file = model_file;
    return point;
  }
  const ModelFile file = load_model(model_file, build_topology);
  DeploymentRequest point;
  point.topology = file.metadata.topology;
  point.prune = file.metadata.prune;
  point.precision = parse_precision(file.metadata.precision);
  point.model_file = model_file;
  point.accuracy_dataset = file.metadata.dataset;
  return point;
}

std::uint64_t deployment_memory_bytes(const Graph& graph, std::int64_t batch,
                                      std::int64_t streams) {
  double weights = 0;      // values per instance
  double activations = 0;  // values per input, every node's output
  for (int id = 0; id < graph.size(); ++id) {
    weights += static_cast<double>(graph.weight_count(id) + graph.bias_count(id));
    activations += static_cast<double>(graph.shape(id).elements());
  }
  const std::int64_t input_elements = graph.size() > 0 ? graph.shape(0).elements() : 0;
  const std::int64_t output_elements =
      graph.size() > 0 ? graph.shape(graph.size() - 1).elements() : 0;
  const double instance = (weights + activations * static_cast<double>(batch)) * sizeof(float);
  const double stream =
      instance + static_cast<double>(harness_stream_bytes(input_elements, output_elements, batch));
  const double bytes = stream * static_cast<double>(streams);
  return bytes >= 1.8e19 ? std::numeric_limits<std::uint64_t>::max()
                         : static_cast<std::uint64_t>(bytes);
}

void check_point_memory(const DeploymentRequest& point) {
  check_deployment_ranges(point);
  check_memory_of(point, structure_of(point));
}

void check_points_memory(std::span<const DeploymentRequest> points) {
  std::map<std::tuple<std::string, double, std::string>, Graph> graphs;
  for (const DeploymentRequest& point : points) {
    check_deployment_ranges(point);
    const auto key = std::make_tuple(point.topology, point.prune, point.model_file);
    auto it = graphs.find(key);
    if (it == graphs.end()) it = graphs.emplace(key, structure_of(point)).first;
    check_memory_of(point, it->second);
  }
}

Graph prepared_graph(const DeploymentRequest& point) {
  return prepare_graph(point);
}

CompileOptions point_compile_options(const DeploymentRequest& point) {
  return compile_options(point);
}

void check_point(const DeploymentRequest& point) {
  (void)prepare_graph(point);
}

ResultRow measure_point(const DeploymentRequest& point, const MeasureContext& context) {
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
  if (context.on_compiled) context.on_compiled(*models.front(), graph);

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
  } else if (is_onnx_path(point.model_file)) {
    notes.push_back(fmt::format("weights from ONNX model {} (sha256 {}); timed on synthetic inputs",
                                point.model_file, file_sha256(point.model_file)));
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
