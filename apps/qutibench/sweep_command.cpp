// `qutibench sweep`: the cartesian product of a config file's lists, run by measure's SweepRunner
// into the result store (each point stored as soon as it is done), then the summary printed.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "measure/progress.hpp"
#include "measure/result_row_json.hpp"
#include "measure/sweep_config.hpp"
#include "measure/sweep_runner.hpp"
#include "measure_options.hpp"
#include "report/output_format.hpp"
#include "report/results_output.hpp"
#include "store/result_store.hpp"

namespace qtb::app {

void register_sweep(CLI::App& app) {
  struct Options {
    std::string config;
    MeasureOptions measure;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("sweep", "measure every deployment point of a config file");
  command->add_option("--config", o->config, "sweep file (TOML), see docs/cli.md")->required();
  add_measure_options(command, o->measure, false);
  command->callback([o, command] {
    const OutputFormat format = parse_output_format(o->measure.format);
    if (format == OutputFormat::Csv) throw InputError("sweep prints table or json");
    const SweepConfig config = load_sweep_config(o->config);
    const SweepRunner runner(config);  // every point's memory, before the store is opened
    std::unique_ptr<ResultStore> store;
    if (!o->measure.no_store) store = std::make_unique<ResultStore>(o->measure.db);
    // The file's power settings unless the command line names them.
    auto session = open_measure_session(
        o->measure, command->count("--power") ? o->measure.power : config.power,
        command->count("--idle-seconds") ? o->measure.idle_seconds : config.idle_seconds);

    fmt::print(stderr, "sweep {}: {} points{}\n", o->config, runner.point_count(),
               store ? ", stored in " + store->file().string() : std::string());
    Progress progress(runner.point_count(), stderr_is_terminal());
    ResultSink sink;
    if (store) sink = [&store](const ResultRow& row) { store->append(std::span(&row, 1)); };
    const SweepSummary summary = runner.run(session->context, sink, progress);
    const std::vector<ResultRow>& rows = summary.rows;
    fmt::print(stderr, "sweep done: {} measured ({} invalid), {} skipped\n", rows.size(),
               summary.invalid_count(), summary.skipped.size());
    for (const auto& [reason, count] : summary.skip_reason_counts())
      fmt::print(stderr, "  skipped {} point(s): {}\n", count, reason);
    if (format == OutputFormat::Json) {
      nlohmann::json document = rows_document(rows);
      nlohmann::json skipped = nlohmann::json::array();
      for (const SkippedPoint& point : summary.skipped)
        skipped.push_back({{"point", point.point}, {"reason", point.reason}});
      document["skipped"] = std::move(skipped);
      fmt::print("{}\n", document.dump(1));
      return;
    }
    fmt::print("{}", render_results(rows, OutputFormat::Table));
    for (const ResultRow& r : rows)
      if (!r.valid)
        fmt::print("invalid: {} s={} {} {} b{} t{} x{}: {}\n", r.topology, r.prune, r.precision,
                   r.backend, r.batch, r.threads, r.streams, r.invalid_reason);
  });
}

}  // namespace qtb::app
