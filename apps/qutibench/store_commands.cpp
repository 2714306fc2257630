// `qutibench import`, `export` and `results`: the result store on the command line.
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <memory>
#include <vector>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/file.hpp"
#include "measure/result_row_json.hpp"
#include "report/output_format.hpp"
#include "report/results_output.hpp"
#include "store/filter_names.hpp"
#include "store/import.hpp"
#include "store/result_store.hpp"
#include "store/row_csv.hpp"
#include "store/row_selection.hpp"

namespace qtb::app {
namespace {

constexpr const char* kDefaultDb = "results.db";

using FilterOptions = RowSelection;

void add_db_option(CLI::App* command, std::string& db) {
  command->add_option("--db", db, "result database (SQLite)")->capture_default_str();
}

void add_filter_options(CLI::App* command, FilterOptions& f) {
  command->add_option("--topology", f.topology, "only this topology (mlp, cnv, resnet50, ...)");
  command->add_option("--platform", f.platform, "only this platform (host, TX2, ZCU104-FINN, ...)");
  command->add_option("--backend", f.backend, "only this backend");
  command->add_option("--precision", f.precision, "only this precision (FP32, INT8, W2A2, ...)");
  command->add_option("--source", f.source, "only rows from: ours, paper or all");
  command->add_option("--dataset", f.dataset, "only this data set (mnist, cifar10, imagenet)");
  command->add_option("--level", f.level, "only this level (L0, L1, L2, L3)");
  command->add_flag("--valid-only", f.valid_only, "leave out rows marked invalid");
}

// Reading commands never create or write a store: a mistyped --db is an error, not an empty
// result. The filter's names are checked against the store (a typo is refused, not no rows).
std::vector<ResultRow> query_existing(const std::string& db, const FilterOptions& options) {
  const ResultStore store(db, StoreAccess::Read);
  const auto names_of = [&store](std::string_view column) { return filter_names(store, column); };
  return store.query(checked_row_filter(options, names_of, "--", "dataset"));
}

void register_import(CLI::App& app) {
  struct Options {
    std::string file;
    std::string db = kDefaultDb;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "import",
      "store the rows of a file: the paper's portal CSV (experimental_data.csv) or a qutibench "
      "CSV/JSON export; all rows or none, rows already stored are skipped");
  command->add_option("file", o->file, "FILE.csv or FILE.json")->required();
  add_db_option(command, o->db);
  command->callback([o] {
    const auto start = std::chrono::steady_clock::now();
    const ImportFile file = read_import_file(o->file);
    ResultStore store(o->db);
    const AppendCounts counts = store.append_counted(file.rows);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::map<std::string, std::size_t> per_platform;
    for (const ResultRow& row : file.rows) ++per_platform[row.platform];
    std::string platforms;
    for (const auto& [platform, n] : per_platform)
      platforms += fmt::format("{}{} {}", platforms.empty() ? "" : ", ", platform, n);
    fmt::print(
        stderr,
        "import: {} ({}): {} rows, {} inserted, {} skipped (already stored) into {} in {:.2f} s\n",
        o->file, format_name(file.format), file.rows.size(), counts.inserted, counts.skipped, o->db,
        seconds);
    if (!platforms.empty()) fmt::print(stderr, "import: rows per platform: {}\n", platforms);
  });
}

void register_export(CLI::App& app) {
  struct Options {
    std::string format = "csv";
    std::string db = kDefaultDb;
    std::string output;
    FilterOptions filter;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "export", "write stored rows with every column, as CSV or as the JSON {\"rows\": [...]}");
  command->add_option("--format", o->format, "csv or json")->capture_default_str();
  command->add_option("-o,--output", o->output, "write to FILE (atomically) instead of stdout");
  add_db_option(command, o->db);
  add_filter_options(command, o->filter);
  command->callback([o] {
    const OutputFormat format = parse_output_format(o->format);
    if (format == OutputFormat::Table) throw InputError("export writes csv or json, not a table");
    const std::vector<ResultRow> rows = query_existing(o->db, o->filter);
    const std::string text =
        format == OutputFormat::Json ? rows_document_text(rows) : rows_to_csv(rows);
    if (o->output.empty()) {
      fmt::print("{}", text);
    } else {
      write_file_atomically(o->output, text);
    }
    fmt::print(stderr, "export: {} rows from {}{}\n", rows.size(), o->db,
               o->output.empty() ? "" : " to " + o->output);
  });
}

void register_results(CLI::App& app) {
  struct Options {
    std::string format = "table";
    std::string db = kDefaultDb;
    FilterOptions filter;
  };
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand("results", "show stored rows (key columns) with filters");
  command->add_option("--format", o->format, "table, csv or json")->capture_default_str();
  add_db_option(command, o->db);
  add_filter_options(command, o->filter);
  command->callback([o] {
    const OutputFormat format = parse_output_format(o->format);
    const std::vector<ResultRow> rows = query_existing(o->db, o->filter);
    fmt::print("{}", render_results(rows, format));
    fmt::print(stderr, "results: {} rows from {}\n", rows.size(), o->db);
  });
}

}  // namespace

void register_store_commands(CLI::App& app) {
  register_import(app);
  register_export(app);
  register_results(app);
}

}  // namespace qtb::app
