#include "measure/harness.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstring>
#include <limits>
#include <numeric>
#include <thread>

#include "core/error.hpp"
#include "core/random.hpp"
#include "measure/statistics.hpp"

namespace qtb {
namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Distinct inputs each stream cycles through, so consecutive queries do not see identical data
// (which a cache or a branch predictor could exploit) while memory stays bounded.
constexpr std::int64_t kInputPool = 16;

// One requester: its model, its inputs, its buffers and its samples.
struct Stream {
  CompiledModel* model = nullptr;
  std::int64_t batch = 1;
  std::int64_t input_elements = 0;
  std::int64_t output_elements = 0;
  std::int64_t pool_inputs = 0;
  std::vector<std::uint8_t> pixels;  // pool_inputs raw 8-bit inputs
  std::vector<float> staging;        // batch float inputs
  std::vector<float> logits;         // batch outputs
  std::vector<int> predictions;      // batch decoded classes
  std::vector<double> compute_ms, system_ms;
  std::int64_t next_input = 0;

  Stream(CompiledModel* m, std::int64_t batch_size, std::uint64_t seed)
      : model(m), batch(batch_size) {
    const ModelInfo& info = model->info();
    input_elements = info.input.elements();
    output_elements = info.output.elements();
    pool_inputs = std::max(batch, kInputPool);
    pixels.resize(static_cast<std::size_t>(pool_inputs * input_elements));
    SplitMix64 random(seed);
    for (auto& p : pixels) p = static_cast<std::uint8_t>(random.next() >> 56);
    staging.resize(static_cast<std::size_t>(batch * input_elements));
    logits.resize(static_cast<std::size_t>(batch * output_elements));
    predictions.resize(static_cast<std::size_t>(batch));
  }

  // One query through the system path; records its latencies when `record`.
  void query(bool record) {
    const auto t0 = Clock::now();
    for (std::int64_t i = 0; i < batch; ++i) {
      const std::uint8_t* src = pixels.data() + next_input * input_elements;
      float* dst = staging.data() + i * input_elements;
      for (std::int64_t e = 0; e < input_elements; ++e)
        dst[e] = static_cast<float>(src[e]) * (1.0f / 255.0f);
      next_input = next_input + 1 == pool_inputs ? 0 : next_input + 1;
    }
    model->set_input(staging, batch);
    const auto t1 = Clock::now();
    model->run(batch);
    const auto t2 = Clock::now();
    model->get_output(logits, batch);
    for (std::int64_t i = 0; i < batch; ++i) {
      const float* row = logits.data() + i * output_elements;
      predictions[static_cast<std::size_t>(i)] =
          static_cast<int>(std::max_element(row, row + output_elements) - row);
    }
    const auto t3 = Clock::now();
    if (record) {
      compute_ms.push_back(ms_between(t1, t2));
      system_ms.push_back(ms_between(t0, t3));
    }
  }
};

void check_options(std::span<CompiledModel* const> instances, const HarnessOptions& o) {
  if (instances.empty()) throw InputError("the harness needs at least one model instance");
  check_scenario(o.scenario, o.batch, static_cast<std::int64_t>(instances.size()));
  for (CompiledModel* m : instances)
    if (m->info().max_batch < o.batch)
      throw InputError(fmt::format("the model was compiled for batch {}, asked to run {}",
                                   m->info().max_batch, o.batch));
  check_harness_options(o);
}

std::string validity_problem(const Measurement& m, const HarnessOptions& o) {
  if (m.queries < o.min_queries)
    return fmt::format("only {} of the minimum {} queries within the {} s cap", m.queries,
                       o.min_queries, o.max_seconds);
  if (m.seconds < o.min_seconds)
    return fmt::format("only {:.3f} of the minimum {} s within the {} query cap", m.seconds,
                       o.min_seconds, o.max_queries);
  if (!m.median_ci) return "too few queries for a confidence interval of the median";
  if (*m.median_ci > o.max_median_ci)
    return fmt::format(
        "too noisy: the 95 % confidence interval of the median compute latency is +-{:.1f} %, "
        "above the +-{:.1f} % bound",
        *m.median_ci * 100, o.max_median_ci * 100);
  return {};
}

}  // namespace

std::uint64_t harness_stream_bytes(std::int64_t input_elements, std::int64_t output_elements,
                                   std::int64_t batch) {
  // In double, so absurd sizes saturate instead of wrapping; exact for any size that fits memory.
  const double in = static_cast<double>(input_elements);
  const double pool = static_cast<double>(std::max(batch, kInputPool)) * in;  // 1 byte each
  const double buffers =
      static_cast<double>(batch) * (in + static_cast<double>(output_elements)) * sizeof(float);
  const double bytes = pool + buffers + static_cast<double>(batch) * sizeof(int);  // predictions
  return bytes >= 1.8e19 ? std::numeric_limits<std::uint64_t>::max()
                         : static_cast<std::uint64_t>(bytes);
}

void check_harness_options(const HarnessOptions& o, std::string_view prefix) {
  const auto name = [&](std::string_view field) { return fmt::format("{}{}", prefix, field); };
  check_number(name("warmup_seconds"), o.warmup_seconds, kWarmupSecondsRange.min,
               kWarmupSecondsRange.max, kWarmupSecondsRange.unit);
  check_range(name("warmup_queries"), o.warmup_queries, kWarmupQueriesRange.min,
              kWarmupQueriesRange.max, kWarmupQueriesRange.unit);
  check_number(name("min_seconds"), o.min_seconds, kMinSecondsRange.min, kMinSecondsRange.max,
               kMinSecondsRange.unit);
  check_range(name("min_queries"), o.min_queries, kMinQueriesRange.min, kMinQueriesRange.max,
              kMinQueriesRange.unit);
  check_number(name("max_seconds"), o.max_seconds, kMaxSecondsRange.min, kMaxSecondsRange.max,
               kMaxSecondsRange.unit);
  check_range(name("max_queries"), o.max_queries, kMaxQueriesRange.min, kMaxQueriesRange.max,
              kMaxQueriesRange.unit);
  check_number(name("max_median_ci"), o.max_median_ci, kMaxMedianCiRange.min, kMaxMedianCiRange.max,
               kMaxMedianCiRange.unit);
}

Measurement run_harness(std::span<CompiledModel* const> instances, const HarnessOptions& options,
                        PowerMeter& meter, const HarnessProgress& progress) {
  check_options(instances, options);
  std::vector<Stream> streams;
  streams.reserve(instances.size());
  for (std::size_t s = 0; s < instances.size(); ++s)
    streams.emplace_back(instances[s], options.batch, options.seed + s);

  std::atomic<std::int64_t> timed_queries{0};
  std::atomic<bool> stop{false};
  Clock::time_point start;
  // Every stream warms up, then the last to arrive starts the meter and the clock for all.
  std::barrier warmed_up(static_cast<std::ptrdiff_t>(streams.size()), [&]() noexcept {
    meter.begin();
    start = Clock::now();
  });

  auto stream_main = [&](Stream& stream, bool reports_progress) {
    const auto warmup_start = Clock::now();
    for (std::int64_t n = 0; n < options.warmup_queries ||
                             ms_between(warmup_start, Clock::now()) < options.warmup_seconds * 1e3;
         ++n)
      stream.query(false);
    warmed_up.arrive_and_wait();
    auto last_report = start;
    while (!stop.load(std::memory_order_relaxed)) {
      stream.query(true);
      const std::int64_t done = timed_queries.fetch_add(1, std::memory_order_relaxed) + 1;
      const auto now = Clock::now();
      const double elapsed = ms_between(start, now) * 1e-3;
      if ((elapsed >= options.min_seconds && done >= options.min_queries) ||
          elapsed >= options.max_seconds || done >= options.max_queries)
        stop.store(true, std::memory_order_relaxed);
      if (reports_progress && progress && ms_between(last_report, now) > 100) {
        last_report = now;
        progress(std::min({1.0, elapsed / std::max(options.min_seconds, 1e-9),
                           static_cast<double>(done) / static_cast<double>(options.min_queries)}));
      }
    }
  };

  {
    std::vector<std::jthread> threads;
    for (std::size_t s = 0; s < streams.size(); ++s)
      threads.emplace_back(stream_main, std::ref(streams[s]), s == 0);
  }
  const auto stop_time = Clock::now();

  Measurement m;
  m.seconds = ms_between(start, stop_time) * 1e-3;
  std::string why;
  m.power = meter.end(why);
  if (!m.power) m.power_missing = why;
  for (const Stream& s : streams) {
    m.compute_ms.insert(m.compute_ms.end(), s.compute_ms.begin(), s.compute_ms.end());
    m.system_ms.insert(m.system_ms.end(), s.system_ms.begin(), s.system_ms.end());
  }
  m.queries = static_cast<std::int64_t>(m.compute_ms.size());
  m.inputs = m.queries * options.batch;
  m.compute = summarize_latencies(m.compute_ms);
  m.system = summarize_latencies(m.system_ms);
  std::vector<double> sorted = m.compute_ms;
  std::sort(sorted.begin(), sorted.end());
  m.median_ci = median_ci_relative_half_width(sorted);
  if (m.compute.mean && *m.compute.mean > 0)
    m.fps_compute = static_cast<double>(streams.size() * options.batch) / (*m.compute.mean * 1e-3);
  if (m.seconds > 0) m.fps_system = static_cast<double>(m.inputs) / m.seconds;
  m.invalid_reason = validity_problem(m, options);
  m.valid = m.invalid_reason.empty();
  m.last_predictions = streams.front().predictions;
  return m;
}

namespace {

// A model that does nothing, for the harness's own overhead.
class NullModel final : public CompiledModel {
 public:
  NullModel() {
    info_.backend = "null";
    info_.input = Shape{1, 1, 1};
    info_.output = Shape{1, 1, 1};
  }

 private:
  void do_set_input(std::span<const float>, std::int64_t) override {}
  void do_run(std::int64_t) override {}
  void do_get_output(std::span<float> output, std::int64_t) const override {
    std::fill(output.begin(), output.end(), 0.0f);
  }
};

}  // namespace

double harness_overhead_ns_per_query(std::int64_t queries) {
  NullModel model;
  CompiledModel* instances[] = {&model};
  HarnessOptions options;
  options.warmup_queries = 1000;
  options.warmup_seconds = 0;
  options.min_seconds = 0;
  options.min_queries = queries;
  options.max_queries = queries;
  NoPowerMeter meter;
  const Measurement m = run_harness(instances, options, meter);
  return m.seconds * 1e9 / static_cast<double>(m.queries);
}

}  // namespace qtb
