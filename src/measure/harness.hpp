#pragma once
// The measuring instrument: warm-up, then queries until both a minimum duration and a
// minimum count are reached, capped by a maximum; compute and system latency of every query;
// throughput; the energy over the timed phase; validity. Learned from MLPerf LoadGen (scenarios,
// minimum duration and query count, nearest-rank percentiles) and trtexec (compute vs end-to-end
// latency, warm-up by time).
//
// A query is `batch` inputs. Its system path, timed as system latency, is: the raw 8-bit pixels
// converted to the float [0, 1] the models take, set_input (the copy, and quantisation for integer
// precisions, into the backend's memory), run, get_output (the logits out of the backend) and the
// decoding of each input's class (argmax). Its compute latency is run() alone (DESIGN.md: compute
// vs system, the paper's Fig. 4).
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "engine/backend.hpp"
#include "measure/power_meter.hpp"
#include "measure/result_row.hpp"
#include "measure/scenario.hpp"

namespace qtb {

struct HarnessOptions {
  Scenario scenario = Scenario::SingleStream;
  std::int64_t batch = 1;
  // Warm-up, untimed, until both are reached: caches, page faults, lazy initialisation of the
  // libraries (oneDNN's JIT, OpenMP's thread team) and CPU clocks settle.
  double warmup_seconds = 0.2;
  std::int64_t warmup_queries = 5;
  // Timed phase: until both minimums, or either maximum. One second and 100 queries give a p99
  // that is an observed sample (100 queries) and keep a 4 x 4 x ... sweep to minutes; LoadGen's
  // 60 s / 1024 queries are for submissions and can be asked for with the options.
  double min_seconds = 1.0;
  std::int64_t min_queries = 100;
  double max_seconds = 60.0;
  std::int64_t max_queries = 100'000'000;
  // A point is too noisy, and marked invalid, when the 95 % confidence interval of its median
  // compute latency is wider than +-max_median_ci of the median.
  double max_median_ci = 0.05;
  std::uint64_t seed = 1;  // of the synthetic input pixels
};

// The values HarnessOptions may take: `run`'s options and a sweep file's [harness] share them.
// Queries stop at a billion: every timed query keeps two latencies (16 GB at that count).
inline constexpr NumberRange kWarmupSecondsRange{0, 3600, "seconds"};
inline constexpr CountRange kWarmupQueriesRange{0, 1'000'000'000, "queries"};
inline constexpr NumberRange kMinSecondsRange{0, 86400, "seconds"};
inline constexpr CountRange kMinQueriesRange{1, 1'000'000'000, "queries"};
inline constexpr NumberRange kMaxSecondsRange{0.001, 86400, "seconds"};
inline constexpr CountRange kMaxQueriesRange{1, 1'000'000'000, "queries"};
inline constexpr NumberRange kMaxMedianCiRange{1e-6, 10, "(a fraction of the median)"};

// Throws InputError naming the first option outside its range above, NaN included (a cap below
// a minimum is allowed: the point is then measured and marked invalid); `prefix` goes before the
// field names in messages ("harness.").
void check_harness_options(const HarnessOptions& options, std::string_view prefix = "");

struct Measurement {
  std::int64_t queries = 0;
  std::int64_t inputs = 0;
  double seconds = 0;                         // wall time of the timed phase, all streams together
  std::vector<double> compute_ms, system_ms;  // per query, in completion order per stream
  LatencyStats compute, system;
  std::optional<double> median_ci;  // relative half-width for the compute latency
  // fps_system: inputs / wall time (what a user of the whole system gets). fps_compute: the same
  // rate if only the compute path ran: streams x batch / mean compute latency.
  double fps_compute = 0;
  double fps_system = 0;
  std::optional<PowerReading> power;  // over the timed phase
  std::string power_missing;          // why power is empty
  bool valid = true;
  std::string invalid_reason;
  std::vector<int> last_predictions;  // decoded classes of the last query (stream 0)
};

// Progress callback: fraction of the timed phase's minimums reached, in [0, 1].
using HarnessProgress = std::function<void(double)>;

// `instances` holds one compiled model per stream, all of the same variant and each compiled for
// at least `options.batch` inputs.
Measurement run_harness(std::span<CompiledModel* const> instances, const HarnessOptions& options,
                        PowerMeter& meter, const HarnessProgress& progress = {});

// Bytes one stream's buffers take (run_harness): its pool of raw 8-bit inputs, the float inputs
// of one query and the float outputs of one query; saturates instead of overflowing.
std::uint64_t harness_stream_bytes(std::int64_t input_elements, std::int64_t output_elements,
                                   std::int64_t batch);

// The harness's own cost per query (clock reads, bookkeeping, stop checks), in nanoseconds:
// measured by running the same loop over a model that does nothing, for `queries` queries.
double harness_overhead_ns_per_query(std::int64_t queries = 200'000);

}  // namespace qtb
