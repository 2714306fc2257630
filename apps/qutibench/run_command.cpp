// `qutibench run`: one deployment point on this machine, measured by the harness and stored.
#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "core/text.hpp"
#include "measure/harness.hpp"
#include "measure/layer_profile.hpp"
#include "measure/progress.hpp"
#include "measure/result_row_json.hpp"
#include "measure_options.hpp"
#include "number_options.hpp"
#include "report/measurement_output.hpp"
#include "report/output_format.hpp"
#include "store/result_store.hpp"

namespace qtb::app {

void register_run(CLI::App& app) {
  struct Options {
    DeploymentRequest point;
    std::string precision;
    std::string model_file;
    std::string dataset;
    std::int64_t accuracy_limit = 0;
    std::string scenario = "auto";
    MeasureOptions measure;
    bool profile = false;
  };
  auto o = std::make_shared<Options>();
  o->point.backend = "reference";
  DeploymentRequest& p = o->point;
  auto* command = app.add_subcommand("run", "measure one deployment point on this machine");
  command->add_option("--model", p.topology, "topology (from the model file when one is given)");
  command->add_option("--model-file", o->model_file,
                      "a trained variant (qutibench optimize): its weights, and top-1 on its "
                      "data set's test split after timing");
  command->add_option("--dataset", o->dataset,
                      "data set for the accuracy run (default: the model file's; none: skip it)");
  add_count_option(command, "--accuracy-limit", o->accuracy_limit, kAccuracyLimitRange,
                   "test images of the accuracy run (0: all; needs --model-file)");
  add_number_option(command, "--prune", p.prune, kPruneRange,
                    "pruning scale in (0, 1] (from the model file when one is given)");
  command->add_option("--precision", o->precision,
                      "FP32, FP16, BF16, INT8, WxAy (default: the model file's, else FP32)");
  command->add_option("--backend", p.backend, "reference, onednn, gemmlowp, lowbit, sparse")
      ->capture_default_str();
  command->add_option("--op-mode", p.op_mode, "operating mode of the platform")
      ->capture_default_str();
  add_count_option(command, "--batch", p.batch, kBatchRange, "inputs per query");
  add_threads_option(command, "--threads", p.threads, false, "threads of each model instance");
  add_count_option(command, "--streams", p.streams, kStreamsRange,
                   "concurrent requesters, one model instance each");
  command
      ->add_option("--scenario", o->scenario,
                   "single-stream, offline, multi-stream, or auto (from batch and streams)")
      ->capture_default_str();
  add_number_option(command, "--sparsity", p.sparsity, kSparsityRange,
                    "synaptic pruning: fraction of weights zeroed (not with --model-file)");
  add_seed_option(command, "--seed", p.seed, "seed of the random weights and inputs");
  add_measure_options(command, o->measure, true);
  command->add_flag("--profile", o->profile,
                    "time each step of the compiled model inside the run, printed after it "
                    "(csv: the profile alone)");
  command->callback([o, command] {
    const OutputFormat format = parse_output_format(o->measure.format);
    if (format == OutputFormat::Csv && !o->profile)
      throw InputError("run prints table or json (csv only with --profile)");
    DeploymentRequest point = o->point;
    if (!o->model_file.empty()) {
      const DeploymentRequest from_file = point_with_model_file(point, o->model_file);
      // A model file fixes its variant: an option that would change it is a contradiction, not
      // something to ignore.
      if (command->count("--prune") && point.prune != from_file.prune) {
        throw InputError(fmt::format("--prune {} contradicts {}, which holds {} at scale {}",
                                     point.prune, quote_value(o->model_file, 80),
                                     from_file.topology, from_file.prune));
      }
      if (point.sparsity > 0) {
        throw InputError(fmt::format(
            "--sparsity {} contradicts --model-file: its trained weights are measured as saved "
            "(qutibench optimize prune --method synaptic makes a sparse model file)",
            point.sparsity));
      }
      point = from_file;
    } else if (point.topology.empty()) {
      throw InputError("run needs --model or --model-file");
    } else if (command->count("--accuracy-limit")) {
      throw InputError(
          "--accuracy-limit needs --model-file: only a trained model has an accuracy run");
    }
    if (!o->precision.empty()) point.precision = parse_precision(o->precision);
    if (!o->dataset.empty()) point.accuracy_dataset = o->dataset == "none" ? "" : o->dataset;
    point.accuracy_limit = o->accuracy_limit;
    if (o->scenario != "auto") point.scenario = parse_scenario(o->scenario);
    check_point(point);
    // Open the store first: a bad --db fails before minutes of measuring.
    std::unique_ptr<ResultStore> store;
    if (!o->measure.no_store) store = std::make_unique<ResultStore>(o->measure.db);
    auto session = open_measure_session(o->measure, o->measure.power, o->measure.idle_seconds);
    Progress progress(1, stderr_is_terminal());
    session->context.progress = [&](double f) { progress.update(f); };
    fmt::print(stderr, "measuring {} ...\n", point.label());
    progress.begin_point(point.label());
    // --profile: every run of the first instance, warm-up included, timed step by step.
    std::unique_ptr<StepProfiler> profiler;
    std::optional<Graph> profiled_graph;
    if (o->profile) {
      session->context.on_compiled = [&](CompiledModel& model, const Graph& graph) {
        profiler = std::make_unique<StepProfiler>(model.steps(point.batch));
        profiled_graph = graph;
        model.set_profiler(profiler.get());
      };
    }
    const ResultRow row = measure_point(point, session->context);
    std::optional<StepProfile> profile;
    if (profiler) profile = summarize_profile(*profiler, *profiled_graph);
    progress.end_point(fmt::format("{:.1f} fps", row.fps_system.value_or(0)));
    const double overhead_ns = harness_overhead_ns_per_query();
    if (store) store->append(std::span(&row, 1));
    if (format == OutputFormat::Json) {
      nlohmann::json document = rows_document({row});
      if (profile) document["profile"] = profile_json(*profile);
      fmt::print("{}\n", document.dump(1));
    } else if (format == OutputFormat::Csv) {
      fmt::print("{}", profile_csv(*profile));
    } else {
      fmt::print("{}", format_measurement(row));
      fmt::print("  {:<20} {:.0f} ns per query (timers and bookkeeping, measured)\n",
                 "harness overhead", overhead_ns);
      if (profile)
        fmt::print("profile (every run, warm-up included):\n{}", profile_table(*profile));
    }
    if (store) fmt::print(stderr, "stored in {}\n", store->file().string());
  });
}

}  // namespace qtb::app
