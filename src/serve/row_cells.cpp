#include "serve/row_cells.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/text.hpp"
#include "store/row_id.hpp"

namespace qtb::serve {
namespace {

std::string figure(const std::optional<double>& value) {
  return value ? fmt::format("{:.4g}", *value) : "";
}

// The value a column sorts by: numbers as numbers (missing last), text as text.
struct SortKey {
  std::optional<double> number;
  std::string text;
};

SortKey sort_key(const ResultRow& r, const std::string& column) {
  if (column == "prune") return {r.prune, ""};
  if (column == "batch") return {static_cast<double>(r.batch), ""};
  if (column == "threads") return {static_cast<double>(r.threads), ""};
  if (column == "streams") return {static_cast<double>(r.streams), ""};
  if (column == "fps_compute") return {r.fps_compute, ""};
  if (column == "latency_ms") return {r.latency_compute_ms.mean, ""};
  if (column == "top1") return {r.top1, ""};
  if (column == "valid") return {r.valid ? 1.0 : 0.0, ""};
  const auto cells = row_table_cells(r);
  const auto& names = row_table_columns();
  const auto at = std::find(names.begin(), names.end(), column) - names.begin();
  return {std::nullopt, cells[static_cast<std::size_t>(at)]};
}

}  // namespace

const std::vector<std::string>& row_table_columns() {
  static const std::vector<std::string> columns{
      "id",      "topology", "prune", "precision", "platform", "backend",     "op_mode",    "batch",
      "threads", "streams",  "level", "source",    "valid",    "fps_compute", "latency_ms", "top1"};
  return columns;
}

std::vector<std::string> row_table_cells(const ResultRow& r) {
  return {row_id(r),
          r.topology,
          format_number(r.prune),
          r.precision,
          r.platform,
          r.backend,
          r.op_mode,
          std::to_string(r.batch),
          std::to_string(r.threads),
          std::to_string(r.streams),
          r.level,
          r.source,
          r.valid ? "yes" : "no",
          figure(r.fps_compute),
          figure(r.latency_compute_ms.mean),
          figure(r.top1)};
}

RowOrder parse_row_order(std::string_view sort) {
  RowOrder order;
  if (sort.empty()) return order;
  order.descending = sort.starts_with('-');
  order.column = std::string(order.descending ? sort.substr(1) : sort);
  const auto& names = row_table_columns();
  if (std::find(names.begin(), names.end(), order.column) == names.end()) {
    std::string listed;
    for (const auto& n : names) listed += (listed.empty() ? "" : ", ") + n;
    throw InputError("sort = " + quote_value(sort, 24) + " must be a column (" + listed +
                     "), '-' first for descending");
  }
  return order;
}

void sort_rows(std::vector<std::size_t>& indices, const std::vector<ResultRow>& rows,
               const RowOrder& order) {
  if (order.column.empty()) return;
  std::vector<SortKey> keys(rows.size());
  for (std::size_t i : indices) keys[i] = sort_key(rows[i], order.column);
  std::stable_sort(indices.begin(), indices.end(), [&](std::size_t a, std::size_t b) {
    const SortKey& x = keys[a];
    const SortKey& y = keys[b];
    if (x.number.has_value() != y.number.has_value()) return x.number.has_value();  // missing last
    if (x.number) return order.descending ? *x.number > *y.number : *x.number < *y.number;
    return order.descending ? x.text > y.text : x.text < y.text;
  });
}

std::vector<std::vector<std::string>> provenance_cells(const ResultRow& r) {
  return {{"source", r.source},
          {"contributor", r.contributor},
          {"accuracy", r.accuracy_source +
                           (r.accuracy_reference.empty() ? "" : " (" + r.accuracy_reference + ")")},
          {"host", r.host},
          {"cpu", r.cpu_model},
          {"tool version", r.tool_version + (r.git_commit.empty() ? "" : " " + r.git_commit)},
          {"created at", r.created_at},
          {"valid", r.valid ? "yes" : "no: " + r.invalid_reason},
          {"notes", r.notes}};
}

std::string reproduce_command(const ResultRow& r) {
  if (!r.command_line.empty()) return r.command_line;
  const std::string variant = fmt::format("--model {} --prune {} --precision {}", r.topology,
                                          format_number(r.prune), r.precision);
  if (r.source == "paper") {
    return fmt::format(
        "# measured by the paper's authors on {}; its L0 prediction here:\nqutibench analyze {} "
        "--platform {}",
        r.platform, variant, r.platform);
  }
  return fmt::format("qutibench run {} --backend {} --batch {} --threads {} --streams {}", variant,
                     r.backend, r.batch, r.threads, r.streams);
}

}  // namespace qtb::serve
