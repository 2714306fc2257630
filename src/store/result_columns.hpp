#pragma once
// The flat column form of a ResultRow, shared by the database table and the CSV files: the JSON
// form of measure/result_row_json with each latency object spread into columns
// (latency_compute_ms -> latency_compute_ms_mean, ..._p50, ...). One list, in DESIGN.md's order,
// says each column's name and type; the schema test checks it against ResultRow's JSON keys so a
// new ResultRow field cannot be dropped silently by the store.
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "measure/result_row.hpp"

namespace qtb {

enum class ColumnKind { Text, Real, Integer, Boolean };

struct Column {
  std::string_view name;
  ColumnKind kind;
  bool nullable;  // only figures that may be missing; text is "" rather than NULL
};

const std::vector<Column>& result_columns();

// An object keyed by every column name; missing figures are null. Throws std::logic_error when
// ResultRow's JSON has a field without a column (a schema migration is missing).
nlohmann::json flatten_row(const ResultRow& row);
// The inverse: columns absent from `flat` keep ResultRow's defaults. Throws InputError naming a
// column whose value has the wrong type, or an unknown column.
ResultRow unflatten_row(const nlohmann::json& flat);

}  // namespace qtb
