// `qutibench analyze-results`: the paper's analyses (docs/analytics.md) over stored rows. Thin:
// selects rows, calls src/analytics, prints one document.
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "analytics/analytics_json.hpp"
#include "analytics/analytics_tables.hpp"
#include "commands.hpp"
#include "platform/catalog.hpp"
#include "report/output_format.hpp"
#include "store/filter_names.hpp"
#include "store/result_store.hpp"

namespace qtb::app {
namespace {

struct Options {
  std::string analysis;
  std::string task;
  std::string source = "all";
  std::string db = "results.db";
  std::string format = "table";
  bool frontier_only = false;
};

std::string render(const nlohmann::json& json, const Table& table, OutputFormat format) {
  switch (format) {
    case OutputFormat::Json:
      return json.dump(1) + "\n";
    case OutputFormat::Csv:
      return table.to_csv();
    case OutputFormat::Table:
      return table.to_text();
  }
  return "";
}

std::string run_analysis(const Options& o, const std::vector<ResultRow>& rows,
                         OutputFormat format) {
  using namespace analytics;
  const NumberStyle style = format == OutputFormat::Table ? NumberStyle::Short : NumberStyle::Exact;
  if (o.analysis == "pareto") {
    const auto frontiers = all_frontiers();
    std::vector<ParetoPoint> points = pareto_frontiers(rows, frontiers);
    if (o.frontier_only)
      std::erase_if(points,
                    [](const ParetoPoint& p) { return p.status != ParetoStatus::Frontier; });
    return render(to_json(points), pareto_table(points, style), format);
  }
  if (o.analysis == "box") {
    const std::vector<BoxMetric> metrics{BoxMetric::Fps, BoxMetric::LatencyMs};
    const auto boxes = box_statistics(rows, metrics);
    return render(to_json(boxes), box_table(boxes, style), format);
  }
  if (o.analysis == "orthogonality") {
    const auto result = orthogonality(rows);
    return render(to_json(result), orthogonality_table(result, style), format);
  }
  if (o.analysis == "speedup") {
    const auto points = pruning_speedup(rows);
    return render(to_json(points), speedup_table(points, style), format);
  }
  // "theory", checked by the option's validator; rows without a stored prediction (the paper's)
  // get one from the catalog, labelled as such.
  const auto error = prediction_error(rows, load_catalog(default_catalog_dir()));
  return render(to_json(error), prediction_table(error, style), format);
}

}  // namespace

void register_analyze_results(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "analyze-results",
      "the paper's analyses over stored rows: Pareto frontiers, box statistics, orthogonality of "
      "pruning and quantization, pruning speedup vs compute reduction, theory vs measurement");
  command->add_option("--analysis", o->analysis, "pareto, box, orthogonality, speedup or theory")
      ->required()
      ->check(CLI::IsMember({"pareto", "box", "orthogonality", "speedup", "theory"}));
  command->add_option("--task", o->task,
                      "only this task (mnist, fashion-mnist, cifar10, imagenet)");
  command->add_option("--source", o->source, "paper, ours or all")->capture_default_str();
  command->add_option("--db", o->db, "result database (SQLite)")->capture_default_str();
  command->add_option("--format", o->format, "table, csv or json")->capture_default_str();
  command->add_flag("--frontier-only", o->frontier_only,
                    "pareto: print only the points on a frontier (dominated and missing left out)");
  command->callback([o] {
    const OutputFormat format = parse_output_format(o->format);
    // A reading command never creates or writes a store: a mistyped --db is an error, not no rows;
    // so is a mistyped name.
    const ResultStore store(o->db, StoreAccess::Read);
    check_filter_option(store, "--task", "dataset", o->task);
    check_filter_option(store, "--source", "source", o->source, {"all"});
    RowFilter filter;
    if (!o->task.empty()) filter.dataset = o->task;
    if (o->source != "all") filter.source = o->source;
    filter.valid_only = true;
    const std::vector<ResultRow> rows = store.query(filter);
    fmt::print("{}", run_analysis(*o, rows, format));
    fmt::print(stderr, "analyze-results: {} on {} rows from {}\n", o->analysis, rows.size(), o->db);
  });
}

}  // namespace qtb::app
