#pragma once
// One batch size's executable form: a list of steps (oneDNN primitives and our own kernels) over
// buffers. Buffers live either in an arena shared by all plans of a model (only one plan runs at a
// time; offsets come from the steps that touch each buffer, so dead tensors are reused) or in
// persistent storage of their own (the network input and output, which outlive run()).
//
// Building: create buffers and views, add steps in execution order, then layout() and bind().
//
// Profiling (opt-in, never on the path run() takes): profile() executes the same steps one at a
// time with a clock read between them, so benchmarks can say where a network's time goes.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "engine/backend.hpp"

namespace qtb::onednn {

// One step's time from ExecPlan::profile().
struct StepTime {
  std::string op;              // the model op (layer) the step belongs to
  std::string what;            // "convolution", "reorder", "requantize", "requantize+add", ...
  double in_sequence_s = 0.0;  // median over the profiled runs, executed in network order
  double repeated_s = 0.0;     // fastest of back-to-back repeats of this step alone (warm caches)
};

// What profile() reads: the wall clock, or the calling thread's CPU time, which on a shared
// machine leaves out the time other processes hold the CPU (exact for one thread: oneDNN and our
// kernels then run on the calling thread).
enum class ProfileClock { Wall, ThreadCpu };

// Seconds on `clock` since an arbitrary origin.
double clock_seconds(ProfileClock clock);

class ExecPlan {
 public:
  using Kernel = std::function<void(std::span<void* const> data)>;

  explicit ExecPlan(dnnl::engine engine) : engine_(std::move(engine)) {}

  // A new buffer of desc.get_size() bytes; returns its id.
  int buffer(const dnnl::memory::desc& desc, bool persistent = false);
  // Another descriptor over the storage of `of` (a reshape, or an in-place output), starting
  // `byte_offset` bytes into it.
  int view(int of, const dnnl::memory::desc& desc, std::size_t byte_offset = 0);
  // A memory owned elsewhere (packed weights, biases): never in the arena.
  int external(const dnnl::memory& memory);
  const dnnl::memory::desc& desc(int id) const {
    return mems_.at(static_cast<std::size_t>(id)).desc;
  }
  bool persistent(int id) const;
  bool same_storage(int a, int b) const;

  // The model op the steps added next belong to (for profile()).
  void label(std::string op) { label_ = std::move(op); }

  // Steps, in execution order. `args` maps oneDNN argument kinds to buffer ids.
  void primitive(dnnl::primitive p, const std::vector<std::pair<int, int>>& args);
  // A kernel of ours; it receives the data pointers of `ids`, in that order. `what` names it for
  // profile().
  void kernel(const std::vector<int>& ids, std::string what, Kernel fn);
  // Marks `id` as used by the step added next (keeps a buffer alive until then).
  void touch(int id);

  // Assigns arena offsets; returns the arena bytes this plan needs.
  std::size_t layout();
  // Creates the memory objects over `arena` (at least layout() bytes, 64-byte aligned) and the
  // persistent buffers.
  void bind(std::byte* arena);

  // With a profiler, each step is timed into it (waiting for the stream after each primitive).
  void execute(dnnl::stream& stream, StepProfiler* profiler = nullptr) const;
  // The steps in order: the op each belongs to and what it runs.
  std::vector<ModelStep> steps() const;
  // Step `index` alone (std::out_of_range past the steps), waiting for its end.
  void execute_step(dnnl::stream& stream, std::size_t index) const;
  // Per step: its median time over `runs` executions of the whole plan in order, and its fastest
  // of `repeats` back-to-back executions on their own. Steps that accumulate in place (a sum
  // post-op) leave garbage values behind the repeats; the next execute() recomputes everything
  // from the input, which no step writes.
  std::vector<StepTime> profile(dnnl::stream& stream, int runs, int repeats,
                                ProfileClock clock = ProfileClock::Wall) const;
  void* data(int id) const;
  const dnnl::memory& memory(int id) const { return bound_.at(static_cast<std::size_t>(id)); }

 private:
  struct Storage {
    std::size_t bytes = 0;
    bool persistent = false;
    int first = -1, last = -1;  // step range touching it
    std::size_t offset = 0;
    std::shared_ptr<std::byte> owned;
  };
  struct Mem {
    int storage = -1;  // -1: external
    dnnl::memory::desc desc;
    std::size_t offset = 0;
    dnnl::memory external;
  };
  struct Step {
    dnnl::primitive prim;  // empty for a kernel
    std::vector<std::pair<int, int>> args;
    std::vector<int> ids;
    Kernel fn;
    std::string op, what;
  };

  void use(int id, int step);

  dnnl::engine engine_;
  std::vector<Storage> storages_;
  std::vector<Mem> mems_;
  std::vector<Step> steps_;
  std::vector<int> pending_;  // touched for the next step
  std::string label_;
  std::vector<dnnl::memory> bound_;
  std::vector<std::unordered_map<int, dnnl::memory>> step_args_;
  std::vector<std::vector<void*>> step_data_;
};

}  // namespace qtb::onednn
