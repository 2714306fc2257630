// `qutibench analyze-results`: the paper's analyses (docs/analytics.md) over stored rows. Thin:
// selects rows, prints the document of serve/stored_analysis (the portal serves the same).
#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "platform/catalog.hpp"
#include "report/output_format.hpp"
#include "report/stored_analysis.hpp"
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

// Only the theory analysis reads the catalog, so the others do not depend on it.
std::vector<Platform> theory_catalog(const std::string& analysis) {
  return analysis == "theory" ? load_catalog(default_catalog_dir()) : std::vector<Platform>{};
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
    std::vector<ResultRow> rows = store.query(filter);
    const std::size_t count = rows.size();
    fmt::print("{}", render_stored_analysis(o->analysis, std::move(rows), format, o->frontier_only,
                                            theory_catalog(o->analysis)));
    fmt::print(stderr, "analyze-results: {} on {} rows from {}\n", o->analysis, count, o->db);
  });
}

}  // namespace qtb::app
