#include "engine/backend.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <stdexcept>

namespace qtb {

// ---- CompiledModel: the checks of every call, once ----------------------------------------------

std::size_t CompiledModel::checked_batch(std::int64_t batch) const {
  if (batch < 1 || batch > info_.max_batch) {
    throw std::invalid_argument(
        fmt::format("backend {}: batch {} outside 1..{} (the compiled max_batch)", info_.backend,
                    batch, info_.max_batch));
  }
  return static_cast<std::size_t>(batch);
}

std::size_t CompiledModel::checked_values(std::size_t available, std::int64_t batch,
                                          const Shape& per_input, std::string_view what) const {
  const std::size_t needed = checked_batch(batch) * static_cast<std::size_t>(per_input.elements());
  if (available < needed) {
    throw std::invalid_argument(
        fmt::format("backend {}: {} got a span of {} values, batch {} needs {}", info_.backend,
                    what, available, batch, needed));
  }
  return needed;
}

void CompiledModel::set_input(std::span<const float> input, std::int64_t batch) {
  do_set_input(input.first(checked_values(input.size(), batch, info_.input, "set_input")), batch);
}

void CompiledModel::run(std::int64_t batch) {
  checked_batch(batch);
  if (profiler_ == nullptr) {
    do_run(batch);
    return;
  }
  const auto start = StepProfiler::Clock::now();
  {
    const StepTimer whole(profiler_->whole_run() ? profiler_ : nullptr, 0);
    do_run(batch);
  }
  profiler_->record_run(StepProfiler::Clock::now() - start);
}

std::vector<ModelStep> CompiledModel::steps(std::int64_t batch) const {
  checked_batch(batch);
  std::vector<ModelStep> steps = do_steps(batch);
  if (steps.empty()) {
    steps.push_back(
        {"", fmt::format("whole network (backend {} does not split its run)", info_.backend)});
  }
  return steps;
}

void CompiledModel::run_step(std::size_t index, std::int64_t batch) {
  checked_batch(batch);
  do_run_step(index, batch);
}

void CompiledModel::do_run_step(std::size_t index, std::int64_t batch) {
  if (index != 0) {
    throw std::out_of_range(
        fmt::format("backend {}: step {} of a run that is one step", info_.backend, index));
  }
  do_run(batch);
}

void CompiledModel::get_output(std::span<float> output, std::int64_t batch) const {
  do_get_output(output.first(checked_values(output.size(), batch, info_.output, "get_output")),
                batch);
}

void CompiledModel::get_output_accumulators(std::span<std::int32_t> output,
                                            std::int64_t batch) const {
  if (is_float(info_.precision.weights)) {
    throw UnsupportedError(
        fmt::format("backend {}: {} has no integer accumulators (a float precision)", info_.backend,
                    info_.precision.name()));
  }
  do_get_output_accumulators(
      output.first(checked_values(output.size(), batch, info_.output, "get_output_accumulators")),
      batch);
}

void CompiledModel::do_get_output_accumulators(std::span<std::int32_t>, std::int64_t) const {
  throw std::logic_error("backend " + info_.backend + ": a float model was asked for accumulators");
}

// ---- StepProfiler -------------------------------------------------------------------------------

StepProfiler::StepProfiler(std::vector<ModelStep> steps)
    : steps_(std::move(steps)),
      whole_run_(steps_.size() == 1 && steps_.front().node.empty()),
      calls_(steps_.size(), 0),
      seconds_(steps_.size(), 0.0) {}

void StepProfiler::record_step(std::size_t step, Clock::duration time) {
  if (step >= steps_.size()) return;
  ++calls_[step];
  seconds_[step] += std::chrono::duration<double>(time).count();
}

void StepProfiler::record_run(Clock::duration time) {
  ++runs_;
  run_seconds_ += std::chrono::duration<double>(time).count();
}

void StepProfiler::reset() {
  std::fill(calls_.begin(), calls_.end(), 0);
  std::fill(seconds_.begin(), seconds_.end(), 0.0);
  runs_ = 0;
  run_seconds_ = 0;
}

// ---- Backend: support as data, then compile
// ------------------------------------------------------

namespace {

// What capabilities() says about the request, the part every backend shares.
std::optional<std::string> capability_refusal(const Backend& backend, const Graph& graph,
                                              const Precision& precision,
                                              const CompileOptions& options) {
  const BackendCapabilities caps = backend.capabilities();
  if (std::find(caps.precisions.begin(), caps.precisions.end(), precision) ==
      caps.precisions.end()) {
    return fmt::format("backend {} does not support precision {}", backend.name(),
                       precision.name());
  }
  for (const auto& node : graph.nodes()) {
    if (std::find(caps.layers.begin(), caps.layers.end(), node.kind) == caps.layers.end()) {
      return fmt::format("backend {} does not support {} layers (node '{}')", backend.name(),
                         to_string(node.kind), node.name);
    }
  }
  if (is_float(precision.weights) && !caps.float_quantizers) {
    for (const auto& node : graph.nodes()) {
      if (node.kind == OpKind::Quantizer) {
        return fmt::format(
            "backend {} runs quantizer nodes only at integer precisions (node '{}'); run the "
            "variant at its own precision, or on the reference backend",
            backend.name(), node.name);
      }
    }
  }
  if (options.threads < 1 || options.threads > caps.max_threads) {
    return fmt::format("backend {} supports 1 to {} threads, asked for {}", backend.name(),
                       caps.max_threads, options.threads);
  }
  if (options.max_batch < 1) return std::string("max_batch must be at least 1");
  if (!graph.has_all_weights()) {
    return fmt::format(
        "graph '{}' lacks weights (fill_random_weights or load a trained model first)",
        graph.name());
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> Backend::support(const Graph& graph, const Precision& precision,
                                            const CompileOptions& options) const {
  if (auto reason = capability_refusal(*this, graph, precision, options)) return reason;
  return do_support(graph, precision, options);
}

std::unique_ptr<CompiledModel> Backend::compile(const Graph& graph, const Precision& precision,
                                                const CompileOptions& options) const {
  check_supported(*this, graph, precision, options);
  return do_compile(graph, precision, options);
}

void check_supported(const Backend& backend, const Graph& graph, const Precision& precision,
                     const CompileOptions& options) {
  if (auto reason = backend.support(graph, precision, options)) throw UnsupportedError(*reason);
}

}  // namespace qtb
