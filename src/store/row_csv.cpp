#include "store/row_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "core/table.hpp"
#include "core/text.hpp"
#include "store/import_errors.hpp"
#include "store/result_columns.hpp"

namespace qtb {
namespace {

std::string cell(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  if (value.is_number()) return format_number(value.get<double>());  // shortest exact form
  return value.get<std::string>();
}

// Free text keeps every character, so an export reads back exactly; in every other column (names,
// numbers, flags) spaces around the value are dropped, as spreadsheets pad cells.
bool is_free_text(std::string_view column) {
  for (const char* name : {"invalid_reason", "method", "notes", "accuracy_reference",
                           "command_line", "contributor", "cpu_model"})
    if (column == name) return true;
  return false;
}

nlohmann::json parse_cell(const Column& column, const std::string& cell_text) {
  const std::string text = is_free_text(column.name) ? cell_text : std::string(trim(cell_text));
  // A text cell is taken as is, empty included: "" and a default are not the same value.
  if (column.kind == ColumnKind::Text) return text;
  if (text.empty()) {
    if (column.nullable) return nullptr;
    throw InputError(fmt::format("column '{}' is empty", column.name));
  }
  switch (column.kind) {
    case ColumnKind::Real:
      if (const auto v = parse_double(text)) return *v;
      throw InputError(
          fmt::format("column '{}': {} is not a number", column.name, quote_value(text)));
    case ColumnKind::Integer:
      if (const auto v = parse_int64(text)) return *v;
      throw InputError(
          fmt::format("column '{}': {} is not an integer", column.name, quote_value(text)));
    case ColumnKind::Boolean:
      if (text == "true" || text == "1") return true;
      if (text == "false" || text == "0") return false;
      throw InputError(
          fmt::format("column '{}': {} is not true or false", column.name, quote_value(text)));
    case ColumnKind::Text:
      break;
  }
  return text;
}

}  // namespace

std::string rows_to_csv(const std::vector<ResultRow>& rows) {
  const auto& columns = result_columns();
  std::vector<std::string> header;
  for (const Column& column : columns) header.emplace_back(column.name);
  Table table(header);
  for (const ResultRow& row : rows) {
    const nlohmann::json flat = flatten_row(row);
    std::vector<std::string> cells;
    cells.reserve(columns.size());
    for (const Column& column : columns) cells.push_back(cell(flat.at(std::string(column.name))));
    table.add_row(std::move(cells));
  }
  return table.to_csv();
}

bool is_rows_csv_header(const std::vector<std::string>& header) {
  const auto has = [&](const char* name) {
    return std::any_of(header.begin(), header.end(),
                       [&](const std::string& field) { return trim(field) == name; });
  };
  return has("topology") && has("platform");
}

std::vector<ResultRow> read_rows_csv(const std::vector<CsvRecord>& records,
                                     const std::string& file_name) {
  ImportErrors errors(file_name);
  if (records.empty()) errors.refuse("the file is empty");
  const CsvRecord& header = records.front();
  std::vector<const Column*> layout;  // the column of each field
  for (const std::string& field : header.fields) {
    const std::string_view name = trim(field);
    const auto& columns = result_columns();
    const auto found = std::find_if(columns.begin(), columns.end(),
                                    [&](const Column& c) { return c.name == name; });
    if (found == columns.end()) {
      errors.add(header.line, fmt::format("unknown column {}", quote_value(name)));
    } else if (std::find(layout.begin(), layout.end(), &*found) != layout.end()) {
      errors.add(header.line, fmt::format("column {} appears twice", quote_value(name)));
    }
    layout.push_back(found == columns.end() ? nullptr : &*found);
  }
  errors.throw_if_any(0);

  std::vector<ResultRow> rows;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& record = records[r];
    if (record.fields.size() != layout.size()) {
      errors.add(record.line,
                 fmt::format("{} fields, the header has {}", record.fields.size(), layout.size()));
      continue;
    }
    try {
      nlohmann::json flat = nlohmann::json::object();
      for (std::size_t c = 0; c < layout.size(); ++c)
        flat[std::string(layout[c]->name)] = parse_cell(*layout[c], record.fields[c]);
      rows.push_back(unflatten_row(flat));
    } catch (const InputError& e) {
      errors.add(record.line, e.what());
    }
  }
  errors.throw_if_any(records.size() - 1);
  return rows;
}

}  // namespace qtb
