// `qutibench report`: the analyses of stored rows as one self-contained HTML page (or one SVG per
// chart), docs/report.md. Thin: checks options, selects rows, calls src/report.
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/file.hpp"
#include "core/text.hpp"
#include "measure/provenance.hpp"
#include "platform/catalog.hpp"
#include "report/chart_fields.hpp"
#include "report/report.hpp"
#include "report/report_html.hpp"
#include "report/report_selection.hpp"
#include "report/report_svg.hpp"
#include "report/vega_scripts.hpp"
#include "store/filter_names.hpp"
#include "store/result_store.hpp"

namespace qtb::app {
namespace {

struct Options {
  std::string output;
  std::string db = "results.db";
  std::vector<std::string> tasks;
  std::vector<std::string> platforms;
  std::string source = "all";
  std::string format = "html";
  std::string catalog;
  std::string vega_dir;
};

std::string joined_or_all(const std::vector<std::string>& list) {
  return list.empty() ? "all" : fmt::format("{}", fmt::join(list, ","));
}

std::vector<std::string> provenance(const Options& o, const ReportSelection& selection,
                                    std::span<const ResultRow> rows) {
  std::map<std::string, std::size_t> per_source;
  for (const ResultRow& row : rows) ++per_source[row.source];
  std::string counts;
  for (const auto& [source, n] : per_source)
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", source, n);
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return {
      fmt::format("{} valid rows from {} ({}); selection: task {}, platform {}, source {}.",
                  rows.size(), o.db, counts.empty() ? "none" : counts,
                  joined_or_all(selection.tasks), joined_or_all(selection.platforms),
                  selection.source),
      fmt::format("Written {:%Y-%m-%d %H:%M:%S} UTC by qutibench {} ({}). Throughput and latency "
                  "are compute figures (docs/analytics.md); predicted values are labelled as such.",
                  now, QTB_VERSION, collect_provenance({}).git_commit)};
}

void run(const Options& o) {
  check_report_output(o.output, o.format);
  // A reading command never creates or writes a store: a mistyped --db is an error, not an empty
  // report. Names follow the rule of every filter option (store/filter_names.hpp).
  const ResultStore store(o.db, StoreAccess::Read);
  for (const std::string& list : o.tasks)
    for (const std::string& task : split_list(list))
      check_name_option("--task", task, report_task_order());
  check_name_option("--source", o.source, {"paper", "ours", "all"});
  const ReportSelection selection = parse_report_selection(o.tasks, o.platforms, o.source);
  const std::vector<Platform> catalog =
      load_catalog(o.catalog.empty() ? default_catalog_dir() : std::filesystem::path(o.catalog));
  const std::filesystem::path vega_dir =
      o.vega_dir.empty() ? default_vega_dir() : std::filesystem::path(o.vega_dir);
  const VegaScripts scripts = load_vega_scripts(vega_dir);  // fail before any work

  RowFilter filter;
  filter.valid_only = true;
  const std::vector<ResultRow> stored = store.query(filter);
  std::vector<std::string> known;
  for (const Platform& p : catalog) known.push_back(p.name);
  for (const ResultRow& row : stored)
    if (std::find(known.begin(), known.end(), row.platform) == known.end())
      known.push_back(row.platform);
  for (const std::string& platform : selection.platforms)
    check_name_option("--platform", platform, known);
  const std::vector<ResultRow> rows = select_report_rows(stored, selection, known);
  const Report report = build_report(rows, catalog, provenance(o, selection, rows));

  if (o.format == "svg") {
    const auto files = write_report_svgs(report, o.output, vega_dir);
    fmt::print(stderr, "report: {} SVG charts from {} rows\n", files.size(), rows.size());
    fmt::print("{}\n", o.output);
    return;
  }
  const std::filesystem::path parent = std::filesystem::path(o.output).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec)
    throw InputError(fmt::format("cannot create directory {}: {}", parent.string(), ec.message()));
  write_file_atomically(o.output,
                        render_report_html(report, scripts, read_report_asset("report-page.js")));
  fmt::print(stderr, "report: {} charts from {} rows\n", report.charts.size(), rows.size());
  fmt::print("{}\n", o.output);
}

}  // namespace

void register_report(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "report",
      "write the analyses of stored rows as one self-contained HTML page (Pareto frontiers, "
      "rooflines, box plots, orthogonality, theory vs measurement) or as SVG files");
  command->add_option("-o,--output", o->output, "report.html, or a directory for --format svg")
      ->required();
  command->add_option("--db", o->db, "result database (SQLite)")->capture_default_str();
  command->add_option("--task", o->tasks,
                      "only these tasks: mnist, fashion-mnist, cifar10, imagenet (comma-separated "
                      "or repeated)");
  command->add_option(
      "--platform", o->platforms,
      "only these platforms (catalog or stored names; comma-separated or repeated)");
  command->add_option("--source", o->source, "paper, ours or all")->capture_default_str();
  command->add_option("--format", o->format, "html (one page) or svg (one file per chart)")
      ->capture_default_str();
  command->add_option("--catalog", o->catalog,
                      "platform catalog directory (default: $QUTIBENCH_CATALOG or data/platforms)");
  command->add_option("--vega-dir", o->vega_dir,
                      "vendored vega JS (default: $QUTIBENCH_VEGA_DIR or data/cache/vega-js, "
                      "filled by scripts/setup.sh)");
  command->callback([o] { run(*o); });
}

}  // namespace qtb::app
