#include "measure/layer_bench.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <optional>
#include <thread>

#include "core/error.hpp"
#include "core/random.hpp"
#include "core/text.hpp"
#include "cost/cost.hpp"
#include "engine/registry.hpp"
#include "graph/layer_nodes.hpp"
#include "platform/probe_system.hpp"
#include "roofline/roofline.hpp"

namespace qtb {
namespace {

// Reads a buffer larger than the last-level cache, evicting what a layer left there.
class CacheEvictor {
 public:
  CacheEvictor() {
    const auto cpus = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::size_t llc = probe_detail::last_level_cache_bytes(cpus);
    llc_from_sysfs_ = llc > 0;
    if (llc == 0) llc = std::size_t{64} << 20;  // sysfs silent: more than one CPU die holds
    lines_.assign(2 * llc / sizeof(std::uint64_t), 1);
  }
  // For the rows' notes: how much is read and where its size came from.
  std::string description() const {
    return fmt::format("{:.0f} MB read through before each call (twice the last-level cache{})",
                       static_cast<double>(bytes()) / 1e6,
                       llc_from_sysfs_ ? " in sysfs" : "; sysfs gives none, 64 MB assumed");
  }
  void evict() {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < lines_.size(); i += 8) sum += lines_[i];  // one read per line
    sink_ = sink_ + sum;
  }
  std::size_t bytes() const { return lines_.size() * sizeof(std::uint64_t); }

 private:
  std::vector<std::uint64_t> lines_;
  bool llc_from_sysfs_ = false;
  volatile std::uint64_t sink_ = 0;
};

// One layer of a compiled model seen as a model of its own, so the harness times it: run() is
// the layer's steps alone; set_input (outside the compute time) evicts the cache at L2 and does
// nothing at L1, so the next run finds its buffers warm.
class LayerModel final : public CompiledModel {
 public:
  LayerModel(CompiledModel& model, std::size_t first, std::size_t count, CacheEvictor* evictor)
      : model_(model), first_(first), count_(count), evictor_(evictor) {
    info_ = model.info();
  }

 private:
  void do_set_input(std::span<const float>, std::int64_t) override {
    if (evictor_ != nullptr) evictor_->evict();
  }
  void do_run(std::int64_t batch) override {
    for (std::size_t i = first_; i < first_ + count_; ++i) model_.run_step(i, batch);
  }
  void do_get_output(std::span<float> output, std::int64_t) const override {
    std::fill(output.begin(), output.end(), 0.0f);
  }

  CompiledModel& model_;
  std::size_t first_, count_;
  CacheEvictor* evictor_;
};

struct LayerSteps {
  std::string head;
  std::size_t first = 0, count = 0;
  std::vector<std::string> kinds;
};

// Consecutive steps of one head node form one layer.
std::vector<LayerSteps> group_steps(const std::vector<ModelStep>& steps) {
  std::vector<LayerSteps> layers;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (layers.empty() || layers.back().head != steps[i].node)
      layers.push_back({steps[i].node, i, 0, {}});
    ++layers.back().count;
    layers.back().kinds.push_back(steps[i].kind);
  }
  return layers;
}

// The layer's own theory: ops and bytes of one input at this batch, OI, roofline on the platform.
void fill_layer_theory(ResultRow& row, const Graph& graph, std::span<const int> nodes,
                       const DeploymentRequest& point, const MeasureContext& context) {
  auto sums = [&](const NetworkCost& cost) {
    double ops = 0, bytes = 0;
    for (int id : nodes) {
      const LayerCost& layer = cost.layers.at(static_cast<std::size_t>(id));
      ops += static_cast<double>(layer.ops);
      bytes += layer.weight_bytes / static_cast<double>(point.batch) + layer.activation_bytes;
    }
    return std::pair{ops, bytes};
  };
  const NetworkCost cost = compute_cost(graph, point.precision);
  const auto [ops, bytes] = sums(cost);
  row.layer_ops = ops;
  row.gops_per_input = ops * 1e-9;
  row.layer_bytes = bytes;
  if (ops <= 0 || bytes <= 0) return;  // no MACs: no OI, no roofline
  row.layer_oi = ops / bytes;
  if (!context.platform) return;
  const OpMode* mode = context.platform->find_op_mode(point.op_mode);
  if (!mode) return;
  const Prediction network = predict(graph, cost, *context.platform, *mode, point.backend);
  if (!network.supported) return;
  // The operands as the platform stores them (a carrier type may widen them).
  const double stored_bytes =
      network.stored == point.precision ? bytes : sums(compute_cost(graph, network.stored)).second;
  const double oi = ops / stored_bytes;
  const double memory_roof = network.bandwidth * oi;
  const double attainable = std::min(network.peak_ops, memory_roof);
  row.roofline_bound = memory_roof < network.peak_ops ? "memory" : "compute";
  row.predicted_fps = attainable / ops;
}

ResultRow layer_row(const DeploymentRequest& point, const MeasureContext& context,
                    const ModelInfo& info, LayerLevel level) {
  ResultRow row;
  row.topology = point.topology;
  row.prune = point.prune;
  row.precision = point.precision.name();
  row.platform = context.platform_name;
  row.backend = point.backend;
  row.op_mode = point.op_mode;
  row.batch = point.batch;
  row.threads = point.threads;
  row.streams = 1;
  row.scenario = std::string(to_string(point.resolved_scenario()));
  row.level = std::string(to_string(level));
  row.method = info.method;
  row.weight_bytes = info.weight_bytes;
  return row;
}

}  // namespace

LayerLevel parse_layer_level(std::string_view text) {
  if (text == "L1") return LayerLevel::L1;
  if (text == "L2") return LayerLevel::L2;
  throw InputError(
      fmt::format("level {} is not a layer level: L1 (warm) or L2 (cold)", quote_value(text)));
}

std::string_view to_string(LayerLevel level) {
  return level == LayerLevel::L1 ? "L1" : "L2";
}

std::vector<ResultRow> measure_layers(const DeploymentRequest& point, const MeasureContext& context,
                                      LayerLevel level,
                                      const std::function<void(const ResultRow&)>& per_layer) {
  if (point.streams != 1) throw InputError("layers times one stream: drop --streams");
  const Graph graph = prepared_graph(point);
  const auto model =
      make_backend(point.backend)->compile(graph, point.precision, point_compile_options(point));
  // One whole run first, so every buffer holds the activations of a real input.
  std::vector<float> input(static_cast<std::size_t>(point.batch * model->info().input.elements()));
  SplitMix64 random(point.seed);
  for (float& value : input) value = static_cast<float>(random.next() >> 40) / 16777216.0f;
  model->set_input(input, point.batch);
  model->run(point.batch);

  const std::vector<ModelStep> steps = model->steps(point.batch);
  const std::vector<LayerSteps> layers = group_steps(steps);
  std::vector<std::string> heads;
  for (const LayerSteps& layer : layers) heads.push_back(layer.head);
  const auto nodes = layer_nodes(graph, heads);
  const bool whole = steps.size() == 1 && steps.front().node.empty();

  std::optional<CacheEvictor> evictor;
  if (level == LayerLevel::L2) evictor.emplace();
  HarnessOptions harness = context.harness;
  harness.batch = point.batch;
  harness.scenario = point.resolved_scenario();
  harness.seed = point.seed;
  std::vector<ResultRow> rows;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    LayerModel layer(*model, layers[l].first, layers[l].count, evictor ? &*evictor : nullptr);
    CompiledModel* instances[] = {&layer};
    const Measurement m = run_harness(instances, harness, *context.meter);
    ResultRow row = layer_row(point, context, model->info(), level);
    row.layer = whole ? "(whole network)" : joined_node_names(graph, nodes[l]);
    if (row.layer.empty()) row.layer = layers[l].head;
    row.layer_type = whole ? "network" : joined_node_kinds(graph, nodes[l]);
    if (whole) {
      std::vector<int> all;
      for (int id = 0; id < graph.size(); ++id) all.push_back(id);
      fill_layer_theory(row, graph, all, point, context);
    } else {
      fill_layer_theory(row, graph, nodes[l], point, context);
    }
    row.fps_compute = m.fps_compute;
    row.latency_compute_ms = m.compute;
    row.samples = m.queries;
    row.duration_s = m.seconds;
    row.valid = m.valid;
    row.invalid_reason = m.invalid_reason;
    if (row.layer_ops && *row.layer_ops > 0)
      row.gops_measured = *row.layer_ops * m.fps_compute * 1e-9;
    row.notes = fmt::format("steps: {}; {}; system figures not measured for a layer",
                            fmt::join(layers[l].kinds, ", "),
                            level == LayerLevel::L1 ? "warm: repeated on the same buffers"
                                                    : "cold: " + evictor->description());
    stamp(row, context.provenance);
    if (per_layer) per_layer(row);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace qtb
