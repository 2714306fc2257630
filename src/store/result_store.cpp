#include "store/result_store.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "core/error.hpp"
#include "store/result_columns.hpp"
#include "store/row_key.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"

namespace qtb {
namespace {

std::string column_list() {
  std::string out;
  for (const Column& column : result_columns()) {
    if (!out.empty()) out += ", ";
    out += column.name;
  }
  return out;
}

void bind_value(sqlite::Statement& insert, int index, const nlohmann::json& value) {
  if (value.is_null()) {
    insert.bind_null(index);
  } else if (value.is_boolean()) {
    insert.bind(index, static_cast<std::int64_t>(value.get<bool>() ? 1 : 0));
  } else if (value.is_number_integer()) {
    insert.bind(index, value.get<std::int64_t>());
  } else if (value.is_number()) {
    insert.bind(index, value.get<double>());
  } else {
    insert.bind(index, value.get_ref<const std::string&>());
  }
}

// SQLite would store NaN as NULL (a figure "not obtained") and the row would not read back as
// written; a non-finite figure is a bug in whoever computed it.
void check_finite(const nlohmann::json& flat) {
  for (const auto& [name, value] : flat.items()) {
    if (value.is_number_float() && !std::isfinite(value.get<double>())) {
      throw std::invalid_argument(
          fmt::format("result row field '{}' is {}, not a finite number", name, value.dump()));
    }
  }
}

nlohmann::json read_value(const sqlite::Statement& select, int index, ColumnKind kind) {
  if (select.column_type(index) == SQLITE_NULL) return nullptr;
  switch (kind) {
    case ColumnKind::Text:
      return select.column_text(index);
    case ColumnKind::Real:
      return select.column_double(index);
    case ColumnKind::Integer:
      return select.column_int(index);
    case ColumnKind::Boolean:
      return select.column_int(index) != 0;
  }
  return nullptr;
}

// The WHERE clause of a filter and the values to bind to its placeholders, in order.
struct Where {
  std::string sql;
  std::vector<std::string> values;
};

Where where_clause(const RowFilter& filter) {
  Where where;
  const auto add = [&](const char* column, const std::optional<std::string>& value) {
    if (!value) return;
    where.sql += where.sql.empty() ? " WHERE " : " AND ";
    where.sql += fmt::format("{} = ? COLLATE NOCASE", column);
    where.values.push_back(*value);
  };
  add("topology", filter.topology);
  add("platform", filter.platform);
  add("backend", filter.backend);
  add("precision", filter.precision);
  add("source", filter.source);
  add("dataset", filter.dataset);
  add("level", filter.level);
  if (filter.valid_only) where.sql += where.sql.empty() ? " WHERE valid = 1" : " AND valid = 1";
  return where;
}

sqlite::Statement prepare_filtered(const sqlite::Connection& db, const std::string& head,
                                   const RowFilter& filter, const char* tail) {
  const Where where = where_clause(filter);
  sqlite::Statement statement = db.prepare(head + where.sql + tail);
  for (std::size_t i = 0; i < where.values.size(); ++i)
    statement.bind(static_cast<int>(i + 1), where.values[i]);
  return statement;
}

}  // namespace

ResultStore::ResultStore(const std::filesystem::path& file) : file_(file) {
  try {
    db_ = std::make_unique<sqlite::Connection>(file);
  } catch (const sqlite::SqliteError& e) {
    throw InputError(fmt::format("cannot open database {}: {}", file.string(), e.what()));
  }
  prepare_store(*db_, file);
}

ResultStore::~ResultStore() = default;

void ResultStore::append(std::span<const ResultRow> rows) {
  append_counted(rows);
}

AppendCounts ResultStore::append_counted(std::span<const ResultRow> rows) {
  const auto& columns = result_columns();
  std::string placeholders = "?";
  for (std::size_t i = 0; i < columns.size(); ++i) placeholders += ", ?";
  // The upsert clause names row_key: only a duplicate is skipped. (INSERT OR IGNORE would also
  // skip rows violating NOT NULL, silently.) Any other failure rolls the whole batch back.
  sqlite::Statement insert = db_->prepare(
      fmt::format("INSERT INTO results (row_key, {}) VALUES ({}) ON CONFLICT (row_key) DO NOTHING",
                  column_list(), placeholders));
  AppendCounts counts;
  sqlite::Transaction transaction(*db_);
  for (const ResultRow& row : rows) {
    const nlohmann::json flat = flatten_row(row);
    check_finite(flat);
    insert.bind(1, row_key(row));
    for (std::size_t c = 0; c < columns.size(); ++c)
      bind_value(insert, static_cast<int>(c + 2), flat.at(std::string(columns[c].name)));
    insert.step();
    if (sqlite3_changes(db_->handle()) > 0) {
      ++counts.inserted;
    } else {
      ++counts.skipped;
    }
    insert.reset();
  }
  transaction.commit();
  return counts;
}

std::vector<ResultRow> ResultStore::query(const RowFilter& filter) const {
  const auto& columns = result_columns();
  sqlite::Statement select =
      prepare_filtered(*db_, "SELECT " + column_list() + " FROM results", filter, " ORDER BY id");
  std::vector<ResultRow> rows;
  while (select.step()) {
    nlohmann::json flat = nlohmann::json::object();
    for (std::size_t c = 0; c < columns.size(); ++c)
      flat[std::string(columns[c].name)] = read_value(select, static_cast<int>(c), columns[c].kind);
    rows.push_back(unflatten_row(flat));
  }
  return rows;
}

std::size_t ResultStore::count(const RowFilter& filter) const {
  sqlite::Statement select = prepare_filtered(*db_, "SELECT count(*) FROM results", filter, "");
  select.step();
  return static_cast<std::size_t>(select.column_int(0));
}

}  // namespace qtb
