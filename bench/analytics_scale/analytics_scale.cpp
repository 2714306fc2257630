// Every analysis and the report on many synthetic result rows: seconds and peak memory of each
// step (docs/performance.md, "Analyses and report at scale").
//
//   build/bench/qutibench_analytics_scale [--rows 1000000] [--seed 1] [--only STEP]
//
// The rows spread over the zoo's five topologies (with their tasks), the catalog's platforms and
// their op modes plus a probed-style host, seven precisions, the paper's four pruning scales and
// batch 1..1024, threads 1..4; both sources; a few predicted (L0) and invalid rows; figures with
// noise around a plausible trend (fps falls with ops per input, grows with batch), about one row
// in ten without top-1 and three in ten without power, half of ours with a stored prediction.
// Deterministic for a seed (one std::mt19937_64, raw draws only).
//
// Peak memory is VmHWM above the resident size at the step's start (reset_peak_memory, after
// malloc_trim so freed memory of the previous step is returned first): what the step itself adds
// to the rows it reads, including its result.
#include <fmt/format.h>
#include <malloc.h>

#include <array>
#include <chrono>
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "analytics/box_stats.hpp"
#include "analytics/orthogonality.hpp"
#include "analytics/pareto.hpp"
#include "analytics/prediction_error.hpp"
#include "analytics/pruning_speedup.hpp"
#include "bench_options.hpp"
#include "core/data_dir.hpp"
#include "measure/peak_memory.hpp"
#include "number_options.hpp"
#include "platform/catalog.hpp"
#include "platform/probe.hpp"
#include "report/box_report_charts.hpp"
#include "report/pareto_charts.hpp"
#include "report/report.hpp"
#include "report/report_html.hpp"
#include "report/roofline_report_charts.hpp"
#include "report/theory_report_charts.hpp"

namespace qtb::bench {
namespace {

struct Topology {
  const char* name;
  const char* task;
  double gops;  // ops per input at prune 1, in units of 1e9
  double top1;  // at FP32, prune 1
};
constexpr std::array<Topology, 5> kTopologies{{{"mlp", "mnist", 0.02, 98.9},
                                               {"cnv", "cifar10", 0.47, 84.2},
                                               {"resnet50", "imagenet", 7.7, 75.3},
                                               {"googlenet", "imagenet", 3.2, 68.9},
                                               {"mobilenet_v1", "imagenet", 1.1, 70.6}}};

struct PrecisionSpec {
  const char* name;
  double speed;     // throughput factor against FP32
  double accuracy;  // top-1 points lost against FP32
};
constexpr std::array<PrecisionSpec, 7> kPrecisions{{{"FP32", 1, 0},
                                                    {"FP16", 1.8, 0.05},
                                                    {"INT8", 3.5, 0.4},
                                                    {"W4A4", 6, 1.5},
                                                    {"W2A2", 10, 3.5},
                                                    {"W1A8", 8, 2.5},
                                                    {"W1A1", 16, 8}}};

constexpr std::array<double, 4> kPrunes{1.0, 0.5, 0.25, 0.125};

struct Deployment {
  std::string platform, op_mode, backend;
  double speed;  // throughput factor of the platform and mode
};

std::vector<Deployment> deployments(const std::vector<Platform>& catalog) {
  std::vector<Deployment> out;
  for (const Platform& p : catalog) {
    const std::string backend = p.name == "host" ? "lowbit" : std::string(to_string(p.kind));
    double speed = 0;
    for (const OpMode& mode : p.op_modes)
      for (const auto& [type, ops] : mode.peak_ops) speed = std::max(speed, ops / 1e12);
    for (const OpMode& mode : p.op_modes) out.push_back({p.name, mode.name, backend, speed});
  }
  return out;
}

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : engine_(seed) {}
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(engine_() % n); }
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Multiplicative noise, roughly log-normal with the given spread (sum of three uniforms).
  double noise(double spread) {
    const double centred = uniform() + uniform() + uniform() - 1.5;
    return std::exp(spread * centred);
  }

 private:
  std::mt19937_64 engine_;
};

std::vector<ResultRow> synthetic_rows(std::size_t count, std::uint64_t seed,
                                      const std::vector<Deployment>& where) {
  Generator g(seed);
  std::vector<ResultRow> rows(count);
  for (ResultRow& r : rows) {
    const Topology& t = kTopologies[g.below(kTopologies.size())];
    const PrecisionSpec& p = kPrecisions[g.below(kPrecisions.size())];
    const Deployment& d = where[g.below(where.size())];
    r.topology = t.name;
    r.dataset = t.task;
    r.precision = p.name;
    r.prune = kPrunes[g.below(kPrunes.size())];
    r.platform = d.platform;
    r.op_mode = d.op_mode;
    r.backend = d.backend;
    r.batch = std::int64_t{1} << g.below(11);
    r.threads = 1 + static_cast<std::int64_t>(g.below(4));
    r.source = g.below(2) == 0 ? "paper" : "ours";
    r.level = g.below(50) == 0 ? "L0" : "L3";
    r.valid = g.below(50) != 0;
    const double gops = t.gops * r.prune * r.prune;
    r.gops_per_input = gops;
    const double fps = 200.0 * d.speed * p.speed / gops *
                       std::pow(static_cast<double>(r.batch), 0.3) * g.noise(0.4);
    r.fps_compute = fps;
    r.latency_compute_ms.mean = 1000.0 * static_cast<double>(r.batch) / fps * g.noise(0.1);
    if (g.below(10) != 0)
      r.top1 = t.top1 - p.accuracy - 6.0 * (1.0 - r.prune) * (1.0 - r.prune) + g.uniform() - 0.5;
    if (g.below(10) >= 3) r.power_full_w = 2.0 + 18.0 * g.uniform();
    if (r.source == "ours" && g.below(2) == 0) r.predicted_fps = fps * (1.0 + 3.0 * g.uniform());
  }
  return rows;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Steps whose name contains this (all when empty; generation always runs).
std::string only;

// Runs `step`, printing its time and the peak memory it added.
void measure(const std::string& name, const std::function<std::string()>& step) {
  if (!only.empty() && name.find(only) == std::string::npos && !name.starts_with("generate"))
    return;
  malloc_trim(0);
  const bool reset = reset_peak_memory();
  const std::int64_t before = peak_memory_bytes().value_or(0);
  const auto start = std::chrono::steady_clock::now();
  const std::string result = step();
  const double seconds = seconds_since(start);
  const std::int64_t peak = peak_memory_bytes().value_or(0);
  fmt::print("{:<34} {:>8.3f} {:>10.1f}{}  {}\n", name, seconds,
             static_cast<double>(peak - before) / 1e6, reset ? "" : "?", result);
  std::fflush(stdout);
}

void run(std::int64_t count, std::uint64_t seed) {
  std::vector<Platform> catalog = load_catalog(data_dir() / "platforms");
  HostProbe probe;
  probe.cpu_model = "synthetic";
  probe.threads = 4;
  probe.fp32_fma_ops = 0.2e12;
  probe.int8_dot_ops = 0.9e12;
  probe.memory_read_bandwidth = 30e9;
  probe.memory_capacity = 16e9;
  catalog.push_back(host_platform(probe));

  fmt::print("{:<34} {:>8} {:>10}  {}\n", "step", "seconds", "peak_MB", "result");
  std::vector<ResultRow> rows;
  measure(fmt::format("generate {} rows (seed {})", count, seed), [&] {
    rows = synthetic_rows(static_cast<std::size_t>(count), seed, deployments(catalog));
    return fmt::format("{} rows, {} B per row", rows.size(), sizeof(ResultRow));
  });
  measure("pareto (4 frontiers)", [&] {
    const auto frontiers = analytics::all_frontiers();
    const auto points = analytics::pareto_frontiers(rows, frontiers);
    std::size_t front = 0;
    for (const auto& p : points) front += p.status == analytics::ParetoStatus::Frontier ? 1 : 0;
    return fmt::format("{} points, {} on a frontier", points.size(), front);
  });
  measure("box (fps, latency)", [&] {
    const std::vector<analytics::BoxMetric> metrics{analytics::BoxMetric::Fps,
                                                    analytics::BoxMetric::LatencyMs};
    return fmt::format("{} boxes", analytics::box_statistics(rows, metrics).size());
  });
  measure("orthogonality",
          [&] { return fmt::format("{} rows", analytics::orthogonality(rows).size()); });
  measure("speedup",
          [&] { return fmt::format("{} points", analytics::pruning_speedup(rows).size()); });
  measure("theory (stored + catalog)", [&] {
    const auto error = analytics::prediction_error(rows, catalog);
    return fmt::format("{} points, {} platforms", error.points.size(), error.platforms.size());
  });
  // The report's parts, each alone (build_report runs them all).
  const std::vector<std::string> platforms = {"P"};
  measure("  report part: accuracy Pareto",
          [&] { return fmt::format("{} charts", accuracy_pareto_charts(rows, platforms).size()); });
  measure("  report part: latency Pareto",
          [&] { return fmt::format("{} charts", latency_throughput_charts(rows).size()); });
  measure("  report part: rooflines",
          [&] { return fmt::format("{} charts", roofline_report_charts(rows, catalog).size()); });
  measure("  report part: boxes",
          [&] { return fmt::format("{} charts", box_report_charts(rows).size()); });
  measure("  report part: theory chart", [&] {
    const auto error = analytics::prediction_error(rows, catalog);
    return fmt::format("{} data", theory_report_chart(rows, error).spec["data"]["values"].size());
  });
  Report report;
  measure("report: build", [&] {
    report = build_report(rows, catalog, {"synthetic rows"});
    return fmt::format("{} charts", report.charts.size());
  });
  measure("report: render HTML", [&] {
    const std::string html = render_report_html(report, VegaScripts{}, "");
    return fmt::format("{:.1f} MB of HTML", static_cast<double>(html.size()) / 1e6);
  });
}

}  // namespace
}  // namespace qtb::bench

int main(int argc, char** argv) {
  CLI::App app{"every analysis and the report on synthetic result rows: seconds and peak memory",
               "qutibench_analytics_scale"};
  std::int64_t rows = 1'000'000;
  std::uint64_t seed = 1;
  qtb::app::add_count_option(&app, "--rows", rows, {1, 100'000'000, "rows"},
                             "synthetic rows to generate");
  qtb::app::add_seed_option(&app, "--seed", seed, "of the synthetic rows");
  app.add_option("--only", qtb::bench::only,
                 "run only the steps whose name contains this (generation always runs)");
  return qtb::bench::run_driver(app, argc, argv, [&] { qtb::bench::run(rows, seed); });
}
