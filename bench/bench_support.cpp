#include "bench_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string_view>
#include <thread>
#include <vector>

#include "platform/probe_system.hpp"

namespace qtb::bench {

std::string case_name(const std::string& shape, const std::string& implementation) {
  return shape + " | " + implementation;
}

void set_gops(benchmark::State& state, double ops_per_iteration) {
  state.counters["GOPs"] =
      benchmark::Counter(ops_per_iteration * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

std::size_t last_level_cache_bytes() {
  const std::size_t bytes =
      probe_detail::last_level_cache_bytes(static_cast<int>(std::thread::hardware_concurrency()));
  return bytes > 0 ? bytes : std::size_t{32} << 20;
}

std::size_t copies_for_dram(std::size_t bytes) {
  return std::max<std::size_t>(
      2, (4 * last_level_cache_bytes()) / std::max<std::size_t>(bytes, 1) + 1);
}

const char* to_string(WeightSource source) {
  return source == WeightSource::Warm ? "warm" : "dram";
}

std::string dense_shape(std::int64_t batch, int threads, WeightSource source) {
  return fmt::format("dense {}x{} N={:<3} t={} {}", kDenseRows, kDenseDepth, batch, threads,
                     to_string(source));
}

namespace {

constexpr std::string_view kWrapperPrefix = "qtb_";

// Prints Google Benchmark's usual table, then every case's GOP/s as a ratio to the baseline
// implementation on the same shape, so the comparison comes from one run on one machine.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      const std::string name = run.benchmark_name();
      const auto split = name.find(" | ");
      const auto gops = run.counters.find("GOPs");
      if (split == std::string::npos || gops == run.counters.end()) continue;
      std::string implementation = name.substr(split + 3);
      if (const auto slash = implementation.find('/'); slash != std::string::npos) {
        implementation.resize(slash);  // drop Google Benchmark's suffixes (/real_time, ...)
      }
      results_[name.substr(0, split)][implementation] = gops->second.value;
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    auto& out = GetOutputStream();
    out << fmt::format("\nGOP/s and ratio to {} on the same shape and threads:\n", kBaseline);
    for (const auto& [shape, by_implementation] : results_) {
      const auto baseline = by_implementation.find(kBaseline);
      for (const auto& [implementation, gops] : by_implementation) {
        const std::string ratio = baseline == by_implementation.end()
                                      ? "-"
                                      : fmt::format("{:.2f}x", gops / baseline->second);
        out << fmt::format("  {:<52} {:<28} {:>9.1f}  {:>7}\n", shape, implementation, gops, ratio);
      }
    }
    // A case "qtb_X" is X run through a qutibench backend; X is the bare library call.
    bool header = false;
    for (const auto& [shape, by_implementation] : results_) {
      for (const auto& [implementation, gops] : by_implementation) {
        if (!implementation.starts_with(kWrapperPrefix)) continue;
        const auto bare = by_implementation.find(implementation.substr(kWrapperPrefix.size()));
        if (bare == by_implementation.end()) continue;
        if (!header) {
          out << "\nWrapper overhead: time through the backend / time of the bare call - 1:\n";
          header = true;
        }
        out << fmt::format("  {:<52} {:<28} {:>+7.1f} %\n", shape, implementation,
                           100.0 * (bare->second / gops - 1.0));
      }
    }
  }

 private:
  std::map<std::string, std::map<std::string, double>> results_;
};

}  // namespace

int run_benchmarks(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace qtb::bench
