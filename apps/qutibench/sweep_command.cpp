// `qutibench sweep`: the cartesian product of a config file's lists, each point measured and
// stored as soon as it is done (a crash keeps every completed point), unsupported combinations
// skipped with the reason.
#include <fmt/format.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "engine/backend.hpp"
#include "measure/progress.hpp"
#include "measure/result_row_json.hpp"
#include "measure/sweep_config.hpp"
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
    // Every point's memory before the first is measured: a point that cannot fit fails the
    // sweep now, not after hours of others.
    check_points_memory(config.points);
    std::unique_ptr<ResultStore> store;
    if (!o->measure.no_store) store = std::make_unique<ResultStore>(o->measure.db);
    // The file's power settings unless the command line names them.
    MeasureOptions measure = o->measure;
    measure.harness = config.harness;
    auto session = open_measure_session(
        measure, command->count("--power") ? measure.power : config.power,
        command->count("--idle-seconds") ? measure.idle_seconds : config.idle_seconds);

    const int total = static_cast<int>(config.points.size());
    fmt::print(stderr, "sweep {}: {} points{}\n", o->config, total,
               store ? ", stored in " + store->file().string() : std::string());
    Progress progress(total, stderr_is_terminal());
    session->context.progress = [&](double f) { progress.update(f); };
    std::vector<ResultRow> rows;
    nlohmann::json skipped = nlohmann::json::array();
    std::map<std::string, int> skip_reasons;  // for the summary: one line per distinct reason
    for (const DeploymentRequest& point : config.points) {
      progress.begin_point(point.label());
      try {
        ResultRow row = measure_point(point, session->context);
        if (store) store->append(std::span(&row, 1));
        progress.end_point(fmt::format("{:.1f} fps{}", row.fps_system.value_or(0),
                                       row.valid ? "" : " (invalid: " + row.invalid_reason + ")"));
        rows.push_back(std::move(row));
      } catch (const UnsupportedError& e) {
        progress.end_point(std::string("skipped: ") + e.what());
        ++skip_reasons[e.what()];
        skipped.push_back({{"point", point.label()}, {"reason", e.what()}});
      }
    }
    fmt::print(stderr, "sweep done: {} measured ({} invalid), {} skipped\n", rows.size(),
               std::count_if(rows.begin(), rows.end(), [](const ResultRow& r) { return !r.valid; }),
               skipped.size());
    for (const auto& [reason, count] : skip_reasons)
      fmt::print(stderr, "  skipped {} point(s): {}\n", count, reason);
    if (format == OutputFormat::Json) {
      nlohmann::json document = rows_document(rows);
      document["skipped"] = skipped;
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
