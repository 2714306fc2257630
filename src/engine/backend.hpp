#pragma once
// The Backend interface (DESIGN.md): compile once (weights packed outside any timing), then run
// batches. run() is the compute path (input already in the backend's memory, output left there);
// set_input/get_output are the system path around it (pre-processing, copies in and out,
// decoding). A backend states what it supports and refuses the rest with an UnsupportedError.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/precision.hpp"
#include "graph/graph.hpp"

namespace qtb {

// Asking a backend for something it does not support: a clear message, exit 2, never a fallback.
class UnsupportedError : public InputError {
 public:
  using InputError::InputError;
};

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

  // System path in: `input` holds batch x input elements, NCHW float, pixel values in [0, 1].
  // Integer precisions quantize it to the network's unsigned 8-bit input here.
  virtual void set_input(std::span<const float> input, std::int64_t batch) = 0;
  // Compute path: from the input in backend memory to the output in backend memory.
  virtual void run(std::int64_t batch) = 0;
  // System path out: batch x output elements of float logits.
  virtual void get_output(std::span<float> output, std::int64_t batch) const = 0;
  // Integer precisions: the last layer's int32 accumulators (batch x output elements), which
  // every exact backend must reproduce bit for bit. Throws for float precisions.
  virtual void get_output_accumulators(std::span<std::int32_t> output,
                                       std::int64_t batch) const = 0;

  virtual const ModelInfo& info() const = 0;
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
  // Packs the graph's weights (the graph must have them all) for `precision`. Throws
  // UnsupportedError naming what is unsupported (precision, layer kind, thread count).
  virtual std::unique_ptr<CompiledModel> compile(const Graph& graph, const Precision& precision,
                                                 const CompileOptions& options) const = 0;
};

// Checks a request against capabilities(); throws UnsupportedError with the reason.
void check_supported(const Backend& backend, const Graph& graph, const Precision& precision,
                     const CompileOptions& options);

}  // namespace qtb
