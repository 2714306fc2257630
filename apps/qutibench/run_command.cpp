// `qutibench run`: one deployment point on this machine, timed with a minimal compute loop.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "engine/random_weights.hpp"
#include "engine/registry.hpp"
#include "measure/timed_loop.hpp"
#include "optimize/synaptic_pruning.hpp"
#include "report/output_format.hpp"
#include "zoo/zoo.hpp"

namespace qtb::app {

void register_run(CLI::App& app) {
  struct Options {
    std::string model;
    double prune = 1.0;
    std::string precision = "FP32";
    std::string backend = "reference";
    std::int64_t batch = 1;
    int threads = 1;
    int streams = 1;
    double seconds = 1.0;
    double sparsity = 0.0;
    std::uint64_t seed = 1;
    std::string format = "table";
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("run", "measure one deployment point on this machine");
  command->add_option("--model", o->model, "topology")->required();
  command->add_option("--prune", o->prune, "pruning scale in (0, 1]")->capture_default_str();
  command->add_option("--precision", o->precision, "FP32, FP16, BF16, INT8, WxAy")
      ->capture_default_str();
  command->add_option("--backend", o->backend, "reference, onednn, gemmlowp, sparse")
      ->capture_default_str();
  command->add_option("--batch", o->batch, "inputs per run")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->add_option("--threads", o->threads, "threads of the backend")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--streams", o->streams, "concurrent streams (only 1 until the harness lands)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1));
  command->add_option("--seconds", o->seconds, "minimum timed duration")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  command->add_option("--sparsity", o->sparsity, "synaptic pruning: fraction of weights zeroed")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.999));
  command->add_option("--seed", o->seed, "seed of the random weights and inputs")
      ->capture_default_str();
  command->add_option("--format", o->format, "table or json")->capture_default_str();
  command->callback([o] {
    const OutputFormat format = parse_output_format(o->format);
    const Precision precision = parse_precision(o->precision);
    const auto backend = make_backend(o->backend);
    Graph graph = build_topology(o->model, o->prune);
    fill_random_weights(graph, o->seed);
    if (o->sparsity > 0) prune_synapses(graph, o->sparsity);
    fmt::print(stderr, "compiling {} s={} {} on {} ({} threads, batch {}) ...\n", o->model,
               o->prune, precision.name(), o->backend, o->threads, o->batch);
    CompileOptions options;
    options.threads = o->threads;
    options.max_batch = o->batch;
    auto model = backend->compile(graph, precision, options);
    std::vector<float> input(static_cast<std::size_t>(o->batch * model->info().input.elements()));
    std::uint64_t state = o->seed;
    for (auto& v : input) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      v = static_cast<float>(state >> 40) / static_cast<float>(1 << 24);
    }
    model->set_input(input, o->batch);
    fmt::print(stderr, "measuring for at least {} s ...\n", o->seconds);
    TimedLoopOptions loop;
    loop.batch = o->batch;
    loop.min_seconds = o->seconds;
    const TimedLoopResult r = time_compute(*model, loop);
    const ModelInfo& info = model->info();
    const std::string notes = fmt::format("seeded random weights (seed {}){}{}", o->seed,
                                          info.notes.empty() ? "" : "; ", info.notes);
    nlohmann::json row = {{"topology", o->model},
                          {"prune", o->prune},
                          {"precision", precision.name()},
                          {"platform", "host"},
                          {"backend", o->backend},
                          {"op_mode", "default"},
                          {"batch", o->batch},
                          {"threads", o->threads},
                          {"streams", o->streams},
                          {"level", "L3"},
                          {"fps_compute", r.fps_compute},
                          {"latency_compute_ms",
                           {{"mean", r.batch_latency_ms_mean}, {"min", r.batch_latency_ms_min}}},
                          {"samples", r.batches},
                          {"method", info.method},
                          {"weight_bytes", info.weight_bytes},
                          {"notes", notes},
                          {"top1", nullptr},
                          {"accuracy_source", nullptr}};
    if (format == OutputFormat::Json) {
      fmt::print("{}\n", nlohmann::json{{"rows", {row}}}.dump(1));
      return;
    }
    fmt::print("{} s={} {} on {} ({}), batch {}, {} thread(s)\n", o->model, o->prune,
               precision.name(), o->backend, info.method, o->batch, o->threads);
    fmt::print("  fps_compute          {:.1f} inputs/s\n", r.fps_compute);
    fmt::print(
        "  latency_compute_ms   mean {:.4f}  min {:.4f} per batch ({} batches in {:.2f} s)\n",
        r.batch_latency_ms_mean, r.batch_latency_ms_min, r.batches, r.seconds);
    fmt::print("  weights              {:.3f} MB packed\n",
               static_cast<double>(info.weight_bytes) / 1e6);
    fmt::print("  notes                {}\n", notes);
  });
}

}  // namespace qtb::app
