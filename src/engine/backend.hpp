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

 protected:
  ModelInfo info_;  // filled by the backend's constructor; the checks read it

 private:
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
