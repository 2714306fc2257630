#include "engine/onednn/exec_plan.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <new>
#include <stdexcept>

namespace qtb::onednn {
namespace {

constexpr std::size_t kAlign = 64;

std::string primitive_name(const dnnl::primitive& p) {
  using kind = dnnl::primitive::kind;
  switch (p.get_kind()) {
    case kind::convolution:
      return "convolution";
    case kind::inner_product:
      return "inner_product";
    case kind::pooling:
      return "pooling";
    case kind::reorder:
      return "reorder";
    case kind::binary:
      return "binary";
    case kind::eltwise:
      return "eltwise";
    case kind::sum:
      return "sum";
    case kind::concat:
      return "concat";
    case kind::softmax:
      return "softmax";
    default:
      return "primitive";
  }
}

std::size_t aligned(std::size_t bytes) {
  return (bytes + kAlign - 1) / kAlign * kAlign;
}

}  // namespace

int ExecPlan::buffer(const dnnl::memory::desc& desc, bool persistent) {
  Storage s;
  s.bytes = std::max<std::size_t>(desc.get_size(), 1);
  s.persistent = persistent;
  storages_.push_back(std::move(s));
  mems_.push_back({static_cast<int>(storages_.size()) - 1, desc, 0, {}});
  return static_cast<int>(mems_.size()) - 1;
}

int ExecPlan::view(int of, const dnnl::memory::desc& desc, std::size_t byte_offset) {
  const Mem& base = mems_.at(static_cast<std::size_t>(of));
  if (base.storage < 0) throw std::logic_error("onednn ExecPlan: a view of an external memory");
  Storage& s = storages_[static_cast<std::size_t>(base.storage)];
  const std::size_t offset = base.offset + byte_offset;
  if (offset + desc.get_size() > s.bytes) {
    throw std::logic_error("onednn ExecPlan: a view reaches past its buffer");
  }
  mems_.push_back({base.storage, desc, offset, {}});
  return static_cast<int>(mems_.size()) - 1;
}

int ExecPlan::external(const dnnl::memory& memory) {
  mems_.push_back({-1, memory.get_desc(), 0, memory});
  return static_cast<int>(mems_.size()) - 1;
}

bool ExecPlan::persistent(int id) const {
  const int storage = mems_.at(static_cast<std::size_t>(id)).storage;
  if (storage < 0) return true;
  return storages_[static_cast<std::size_t>(storage)].persistent;
}

bool ExecPlan::same_storage(int a, int b) const {
  const int sa = mems_.at(static_cast<std::size_t>(a)).storage;
  const int sb = mems_.at(static_cast<std::size_t>(b)).storage;
  return sa >= 0 ? sa == sb : a == b;
}

void ExecPlan::use(int id, int step) {
  const int storage = mems_.at(static_cast<std::size_t>(id)).storage;
  if (storage < 0) return;
  Storage& s = storages_[static_cast<std::size_t>(storage)];
  if (s.first < 0 || step < s.first) s.first = step;
  s.last = std::max(s.last, step);
}

void ExecPlan::touch(int id) {
  pending_.push_back(id);
}

void ExecPlan::primitive(dnnl::primitive p, const std::vector<std::pair<int, int>>& args) {
  const int step = static_cast<int>(steps_.size());
  for (int id : pending_) use(id, step);
  pending_.clear();
  for (const auto& [arg, id] : args) use(id, step);
  std::string what = primitive_name(p);
  steps_.push_back({std::move(p), args, {}, {}, label_, std::move(what)});
}

void ExecPlan::kernel(const std::vector<int>& ids, std::string what, Kernel fn) {
  const int step = static_cast<int>(steps_.size());
  for (int id : pending_) use(id, step);
  pending_.clear();
  for (int id : ids) use(id, step);
  steps_.push_back({{}, {}, ids, std::move(fn), label_, std::move(what)});
}

std::size_t ExecPlan::layout() {
  if (!pending_.empty()) {  // touched after the last step: alive to the end
    for (int id : pending_) use(id, static_cast<int>(steps_.size()));
    pending_.clear();
  }
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < storages_.size(); ++i) {
    if (!storages_[i].persistent && storages_[i].first >= 0) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return storages_[a].bytes > storages_[b].bytes;
  });
  std::vector<std::size_t> placed;
  std::size_t total = 0;
  for (std::size_t i : order) {
    Storage& s = storages_[i];
    // Intervals of placed storages alive at the same time, by offset; first fit between them.
    std::vector<std::pair<std::size_t, std::size_t>> busy;
    for (std::size_t j : placed) {
      const Storage& t = storages_[j];
      if (t.first <= s.last && s.first <= t.last)
        busy.emplace_back(t.offset, t.offset + aligned(t.bytes));
    }
    std::sort(busy.begin(), busy.end());
    std::size_t offset = 0;
    for (const auto& [begin, end] : busy) {
      if (offset + aligned(s.bytes) <= begin) break;
      offset = std::max(offset, end);
    }
    s.offset = offset;
    total = std::max(total, offset + aligned(s.bytes));
    placed.push_back(i);
  }
  return total;
}

void ExecPlan::bind(std::byte* arena) {
  for (Storage& s : storages_) {
    if (!s.persistent) continue;
    void* p = std::aligned_alloc(kAlign, aligned(s.bytes));
    if (p == nullptr) throw std::bad_alloc();
    s.owned =
        std::shared_ptr<std::byte>(static_cast<std::byte*>(p), [](std::byte* q) { std::free(q); });
  }
  bound_.clear();
  for (const Mem& m : mems_) {
    if (m.storage < 0) {
      bound_.push_back(m.external);
      continue;
    }
    const Storage& s = storages_[static_cast<std::size_t>(m.storage)];
    std::byte* base = s.persistent ? s.owned.get() : arena + s.offset;
    bound_.emplace_back(m.desc, engine_, static_cast<void*>(base + m.offset));
  }
  step_args_.clear();
  step_data_.clear();
  for (const Step& step : steps_) {
    std::unordered_map<int, dnnl::memory> args;
    for (const auto& [arg, id] : step.args) args.emplace(arg, bound_[static_cast<std::size_t>(id)]);
    step_args_.push_back(std::move(args));
    std::vector<void*> data;
    for (int id : step.ids) data.push_back(this->data(id));
    step_data_.push_back(std::move(data));
  }
}

void ExecPlan::execute(dnnl::stream& stream, StepProfiler* profiler) const {
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    const StepTimer timer(profiler, i);
    const Step& step = steps_[i];
    if (step.fn) {
      step.fn(step_data_[i]);
    } else {
      step.prim.execute(stream, step_args_[i]);
      if (profiler != nullptr) stream.wait();  // the step's end, inside its own time
    }
  }
  stream.wait();
}

std::vector<ModelStep> ExecPlan::steps() const {
  std::vector<ModelStep> out;
  for (const Step& step : steps_) out.push_back({step.op, step.what});
  return out;
}

void ExecPlan::execute_step(dnnl::stream& stream, std::size_t index) const {
  const Step& step = steps_.at(index);
  if (step.fn) {
    step.fn(step_data_[index]);
  } else {
    step.prim.execute(stream, step_args_[index]);
    stream.wait();
  }
}

double clock_seconds(ProfileClock clock) {
  if (clock == ProfileClock::Wall) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::vector<StepTime> ExecPlan::profile(dnnl::stream& stream, int runs, int repeats,
                                        ProfileClock clock) const {
  auto run_step = [&](std::size_t i) {
    const Step& step = steps_[i];
    if (step.fn) {
      step.fn(step_data_[i]);
    } else {
      step.prim.execute(stream, step_args_[i]);
      stream.wait();  // a CPU stream runs in order; waiting makes the step's end visible here
    }
  };
  std::vector<StepTime> times(steps_.size());
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    times[i].op = steps_[i].op;
    times[i].what = steps_[i].what;
  }
  // Per step, the median over the runs: on a shared machine a run now and then loses the CPU,
  // which a mean would spread over every step.
  std::vector<std::vector<double>> samples(steps_.size());
  for (int r = 0; r < runs; ++r) {
    double before = clock_seconds(clock);
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      run_step(i);
      const double after = clock_seconds(clock);
      samples[i].push_back(after - before);
      before = after;
    }
  }
  for (std::size_t i = 0; i < steps_.size() && runs > 0; ++i) {
    std::vector<double>& v = samples[i];
    std::nth_element(v.begin(), v.begin() + runs / 2, v.end());
    times[i].in_sequence_s = v[static_cast<std::size_t>(runs / 2)];
  }
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    double best = 0.0;
    for (int r = 0; r <= repeats; ++r) {  // the first repetition only warms the caches
      const double start = clock_seconds(clock);
      run_step(i);
      const double s = clock_seconds(clock) - start;
      if (r == 1 || (r > 1 && s < best)) best = s;
    }
    times[i].repeated_s = best;
  }
  return times;
}

void* ExecPlan::data(int id) const {
  return bound_.at(static_cast<std::size_t>(id)).get_data_handle();
}

}  // namespace qtb::onednn
