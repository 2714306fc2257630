#pragma once
// The Backend interface (DESIGN.md): compile once (weights packed outside any timing), then run
// batches. run() is the compute path (input already in the backend's memory, output left there);
// set_input/get_output are the system path around it (pre-processing, copies in and out,
// decoding).
//
// The public calls are non-virtual: the base checks every request once, with one message each,
// and only then calls the backend's private do_* functions, which may rely on the checks. Errors
// follow one rule:
//  - a request the backend cannot do (precision, layer kind, thread count, max_batch, a graph
//    without weights, this CPU, accumulators of a float model) is an UnsupportedError, an
//    InputError (exit 2 in the app): never a fallback;
//  - a call that breaks the contract of a compiled model (a batch outside 1..max_batch, a span
//    with fewer than batch x per-input values) is the caller's bug: std::invalid_argument.
// support() answers the first kind as data before any expensive work; compile() asks it first.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/precision.hpp"
#include "graph/graph.hpp"

namespace qtb {

struct CompileOptions {
  int threads = 1;             // explicit: never taken from the environment
  std::int64_t max_batch = 1;  // run() accepts 1..max_batch inputs
  bool portable = false;       // force the portable kernels (no ISA extensions), for tests
};

// What was compiled and how it runs, for results and messages.
struct ModelInfo {
  std::string backend;
  Precision precision;
  std::string method;  // the kernels that run, e.g. "bit-plane AND+popcount (avx512 vpopcntdq)"
  std::string notes;   // e.g. "W4A4 runs in the INT8 carrier"; "seeded random weights"
  std::int64_t weight_bytes = 0;  // packed weight footprint
  Shape input;                    // per input (CHW)
  Shape output;                   // per input: the logits (a trailing softmax is not applied)
  int threads = 1;
  std::int64_t max_batch = 1;
};

// One step of a compiled model's run, as the backend executes it (a oneDNN primitive, a kernel of
// ours, a fused conv + batchnorm + ReLU + requantize). A profile and a layer benchmark name it.
struct ModelStep {
  std::string node;  // the graph node it belongs to (the head of a fused chain); "": whole network
  std::string kind;  // what runs: "convolution", "reorder", "conv", "max_pool", ...
};

// Wall time per step of every run() while it is set on a model (CompiledModel::set_profiler),
// summed, and the runs' own wall time, so the parts and the whole can be compared.
class StepProfiler {
 public:
  using Clock = std::chrono::steady_clock;
  // `steps`: the model's steps(batch) for the batch that will run.
  explicit StepProfiler(std::vector<ModelStep> steps);

  const std::vector<ModelStep>& steps() const { return steps_; }
  // True when the backend does not split its run: one step, the whole network.
  bool whole_run() const { return whole_run_; }
  const std::vector<std::int64_t>& calls() const { return calls_; }
  const std::vector<double>& seconds() const { return seconds_; }
  std::int64_t runs() const { return runs_; }
  double run_seconds() const { return run_seconds_; }

  // A step index past the steps is ignored (a batch that runs as several plans).
  void record_step(std::size_t step, Clock::duration time);
  void record_run(Clock::duration time);
  void reset();

 private:
  std::vector<ModelStep> steps_;
  bool whole_run_ = false;
  std::vector<std::int64_t> calls_;
  std::vector<double> seconds_;
  std::int64_t runs_ = 0;
  double run_seconds_ = 0;
};

// Times one step of a step loop into `profiler`; with no profiler it costs a branch at each end.
class StepTimer {
 public:
  StepTimer(StepProfiler* profiler, std::size_t step) : profiler_(profiler), step_(step) {
    if (profiler_ != nullptr) start_ = StepProfiler::Clock::now();
  }
  ~StepTimer() {
    if (profiler_ != nullptr) profiler_->record_step(step_, StepProfiler::Clock::now() - start_);
  }
  StepTimer(const StepTimer&) = delete;
  StepTimer& operator=(const StepTimer&) = delete;

 private:
  StepProfiler* profiler_;
  std::size_t step_;
  StepProfiler::Clock::time_point start_{};
};

class CompiledModel {
 public:
  virtual ~CompiledModel() = default;

  // System path in: `input` holds at least batch x input elements, NCHW float, pixel values in
  // [0, 1] (the first batch x input elements are read). Integer precisions quantize it to the
  // network's unsigned 8-bit input here.
  void set_input(std::span<const float> input, std::int64_t batch);
  // Compute path: from the input in backend memory to the output in backend memory.
  void run(std::int64_t batch);
  // System path out: batch x output elements of float logits (into the first of `output`).
  void get_output(std::span<float> output, std::int64_t batch) const;
  // Integer precisions: the last layer's int32 accumulators (batch x output elements), which
  // every exact backend must reproduce bit for bit. UnsupportedError for float precisions.
  void get_output_accumulators(std::span<std::int32_t> output, std::int64_t batch) const;

  const ModelInfo& info() const { return info_; }

  // The steps run(batch) executes, in order; one step with an empty node when the backend does
  // not split its run. Not for a timed path (it builds strings).
  std::vector<ModelStep> steps(std::int64_t batch) const;
  // Every run() records into `profiler` until it is set back to null (the default: the timed
  // path then pays a branch per step). The caller keeps it alive meanwhile.
  void set_profiler(StepProfiler* profiler) { profiler_ = profiler; }
  // Runs step `index` of steps(batch) alone, on the buffers the last run(batch) left (run once
  // first): the layer benchmarks time it. An index past the steps is std::out_of_range.
  void run_step(std::size_t index, std::int64_t batch);

 protected:
  StepProfiler* profiler() const { return profiler_; }

  ModelInfo info_;  // filled by the backend's constructor; the checks read it

 private:
  // A backend that splits its run lists its steps (for this batch) and runs one alone; the
  // defaults are one step, the whole network.
  virtual std::vector<ModelStep> do_steps(std::int64_t /*batch*/) const { return {}; }
  virtual void do_run_step(std::size_t index, std::int64_t batch);

  // Called after the checks: 1 <= batch <= max_batch, and the spans hold exactly batch x per-input
  // values.
  virtual void do_set_input(std::span<const float> input, std::int64_t batch) = 0;
  virtual void do_run(std::int64_t batch) = 0;
  virtual void do_get_output(std::span<float> output, std::int64_t batch) const = 0;
  // Integer precisions only: the base refuses float ones before calling it, so a float model
  // leaves it as it is (std::logic_error), and IntegerModel makes it pure.
  virtual void do_get_output_accumulators(std::span<std::int32_t> output, std::int64_t batch) const;

  std::size_t checked_batch(std::int64_t batch) const;
  std::size_t checked_values(std::size_t available, std::int64_t batch, const Shape& per_input,
                             std::string_view what) const;

  StepProfiler* profiler_ = nullptr;
};

struct BackendCapabilities {
  std::vector<Precision> precisions;  // those it runs (natively or in a carrier it names)
  std::vector<OpKind> layers;         // node kinds it executes
  int max_threads = 1;
  // Quantizer nodes fold into the integer network at integer precisions (lower()); at float
  // precisions they must be executed as fake quantization, which only some backends do.
  bool float_quantizers = false;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  virtual BackendCapabilities capabilities() const = 0;

  // Why this backend cannot compile `graph` at `precision` with `options`, or nothing when it can
  // as far as the graph alone tells: capabilities() first, then what the backend adds (its CPU
  // features, its kernels, the structure lower() accepts). Cheap: no calibration, no packing, so a
  // caller can ask before any expensive work.
  std::optional<std::string> support(const Graph& graph, const Precision& precision,
                                     const CompileOptions& options) const;
  // Packs the graph's weights for `precision`. Throws UnsupportedError with support()'s reason, or
  // with what only compiling finds out (e.g. a layer the library has no implementation for).
  std::unique_ptr<CompiledModel> compile(const Graph& graph, const Precision& precision,
                                         const CompileOptions& options) const;

 private:
  // The backend's reasons beyond capabilities(); called once those pass.
  virtual std::optional<std::string> do_support(const Graph&, const Precision&,
                                                const CompileOptions&) const {
    return std::nullopt;
  }
  // Called once support() found no reason.
  virtual std::unique_ptr<CompiledModel> do_compile(const Graph& graph, const Precision& precision,
                                                    const CompileOptions& options) const = 0;
};

// Throws UnsupportedError with backend.support()'s reason, if any.
void check_supported(const Backend& backend, const Graph& graph, const Precision& precision,
                     const CompileOptions& options);

}  // namespace qtb
