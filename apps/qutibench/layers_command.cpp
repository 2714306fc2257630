// `qutibench layers`: each layer of one deployment point timed alone (L1 warm, L2 cold), stored.
#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "measure/layer_bench.hpp"
#include "measure/layer_table.hpp"
#include "measure/progress.hpp"
#include "measure/result_row_json.hpp"
#include "measure_options.hpp"
#include "number_options.hpp"
#include "report/output_format.hpp"
#include "store/result_store.hpp"
#include "store/row_csv.hpp"

namespace qtb::app {

void register_layers(CLI::App& app) {
  struct Options {
    DeploymentRequest point;
    std::string precision;
    std::string model_file;
    std::string level = "L1";
    MeasureOptions measure;
  };
  auto o = std::make_shared<Options>();
  o->point.backend = "reference";
  o->measure.harness.min_seconds = 0.2;  // per layer: a network has up to ~100
  DeploymentRequest& p = o->point;
  auto* command =
      app.add_subcommand("layers", "time each layer of one deployment point alone (L1, L2)");
  command->add_option("--model", p.topology, "topology (from the model file when one is given)");
  command->add_option("--model-file", o->model_file, "a trained variant (qutibench optimize)");
  add_number_option(command, "--prune", p.prune, kPruneRange, "pruning scale in (0, 1]");
  command->add_option("--precision", o->precision,
                      "FP32, FP16, BF16, INT8, WxAy (default: the model file's, else FP32)");
  command->add_option("--backend", p.backend, "reference, onednn, gemmlowp, lowbit, sparse")
      ->capture_default_str();
  add_count_option(command, "--batch", p.batch, kBatchRange, "inputs per query");
  add_threads_option(command, "--threads", p.threads, false, "threads of the model");
  command->add_option("--level", o->level, "L1 (warm caches) or L2 (cold: DRAM)")
      ->capture_default_str();
  add_seed_option(command, "--seed", p.seed, "seed of the random weights and inputs");
  add_measure_options(command, o->measure, true);
  command->callback([o, command] {
    const OutputFormat format = parse_output_format(o->measure.format);
    const LayerLevel level = parse_layer_level(o->level);
    DeploymentRequest point = o->point;
    if (!o->model_file.empty()) {
      point = point_with_model_file(point, o->model_file);
    } else if (point.topology.empty()) {
      throw InputError("layers needs --model or --model-file");
    }
    if (command->count("--prune") && !o->model_file.empty())
      throw InputError("--prune contradicts --model-file: the file fixes its variant");
    if (!o->precision.empty()) point.precision = parse_precision(o->precision);
    check_point(point);
    std::unique_ptr<ResultStore> store;
    if (!o->measure.no_store) store = std::make_unique<ResultStore>(o->measure.db);
    auto session = open_measure_session(o->measure, "none", 0);
    fmt::print(stderr, "timing each layer of {} at {} ...\n", point.label(), to_string(level));
    const std::vector<ResultRow> rows =
        measure_layers(point, session->context, level, [](const ResultRow& row) {
          fmt::print(stderr, "  {} {:.4f} ms\n", row.layer,
                     row.latency_compute_ms.mean.value_or(0));
        });
    if (store) store->append(rows);
    if (format == OutputFormat::Json) {
      fmt::print("{}\n", rows_document(rows).dump(1));
    } else if (format == OutputFormat::Csv) {
      fmt::print("{}", rows_to_csv(rows));
    } else {
      fmt::print("{}", layer_rows_table(rows));
    }
    if (store) fmt::print(stderr, "stored {} rows in {}\n", rows.size(), store->file().string());
  });
}

}  // namespace qtb::app
