#include "store/result_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <system_error>

#include "core/error.hpp"
#include "store/file_kind.hpp"
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

// What the path is must be settled before SQLite sees it: SQLite would take /dev/null for an empty
// database and create /dev/null-journal beside it, and would create a file a reader asked for.
void check_store_path(const std::filesystem::path& file, StoreAccess access) {
  namespace fs = std::filesystem;
  const std::string name = file.string();
  std::error_code error;
  const fs::file_status status = fs::status(file, error);
  if (status.type() == fs::file_type::not_found) {
    if (access == StoreAccess::Read) {
      throw InputError(fmt::format(
          "{}: no such result store (import or run something first, or pass --db)", name));
    }
    const fs::path parent = file.parent_path();
    if (!parent.empty() && !fs::is_directory(parent, error)) {
      throw InputError(fmt::format("{}: cannot create: no directory {}", name, parent.string()));
    }
    return;
  }
  if (error) throw InputError(fmt::format("{}: cannot open ({})", name, error.message()));
  if (status.type() == fs::file_type::directory) {
    throw InputError(fmt::format("{}: is a directory, not a result store", name));
  }
  if (status.type() != fs::file_type::regular) {
    throw InputError(fmt::format("{}: {}, not a file that can hold a result store", name,
                                 file_kind(status.type())));
  }
  if (access == StoreAccess::Read && fs::file_size(file, error) == 0 && !error) {
    throw InputError(
        fmt::format("{}: an empty file, not a result store (import or run something first)", name));
  }
}

// SQLite's failures to open, read or write a file, in words for the user; other codes are bugs.
[[noreturn]] void refuse_store(const std::filesystem::path& file, const sqlite::SqliteError& e) {
  const std::string name = file.string();
  switch (e.code()) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      throw InputError(fmt::format("{} is not a qutibench database ({})", name, e.reason()));
    case SQLITE_READONLY:
    case SQLITE_FULL:
    case SQLITE_PERM:
      throw InputError(fmt::format("{}: cannot write ({})", name, e.reason()));
    case SQLITE_CANTOPEN:
    case SQLITE_AUTH:
      throw InputError(fmt::format("{}: cannot open ({})", name, e.reason()));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw InputError(
          fmt::format("{}: cannot open ({}: another process holds it)", name, e.reason()));
    case SQLITE_IOERR:
      throw InputError(fmt::format("{}: cannot read or write ({})", name, e.reason()));
    default:
      throw;
  }
}

}  // namespace

ResultStore::ResultStore(const std::filesystem::path& file, StoreAccess access) : file_(file) {
  check_store_path(file, access);
  try {
    if (access == StoreAccess::Read) {
      // Not SQLITE_OPEN_READONLY: such a connection leaves -wal and -shm files behind beside a
      // WAL database; query_only (check_readable_store) keeps this one from writing instead.
      db_ = std::make_unique<sqlite::Connection>(file, sqlite::OpenMode::ReadWrite);
      try {
        check_readable_store(*db_, file);
      } catch (const sqlite::SqliteError& e) {
        // A WAL reader needs a -shm file; in a directory it may not write it cannot make one. A
        // file it may not write either can be read as immutable: nothing of this user changes it.
        const bool no_shm = e.code() == SQLITE_READONLY || e.code() == SQLITE_CANTOPEN;
        if (!no_shm || !db_->read_only()) throw;
        db_ = std::make_unique<sqlite::Connection>(file, sqlite::OpenMode::Immutable);
        check_readable_store(*db_, file);
      }
      return;
    }
    db_ = std::make_unique<sqlite::Connection>(file, sqlite::OpenMode::Create);
    // SQLite opens a file it may not write for reading only, and says so only at the first write:
    // after a run's minutes of measuring. Refuse here instead.
    if (db_->read_only()) {
      throw InputError(fmt::format("{}: cannot write (read-only file)", file.string()));
    }
    prepare_store(*db_, file);
    // Takes and releases the write lock: a store another process keeps locked fails now too.
    sqlite::Transaction probe(*db_);
  } catch (const sqlite::SqliteError& e) {
    refuse_store(file, e);
  }
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
  try {
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
  } catch (const sqlite::SqliteError& e) {
    // A disk that filled up meanwhile is the user's to fix; a violated constraint stays a bug.
    if (e.code() == SQLITE_CONSTRAINT || e.code() == SQLITE_ERROR) throw;
    refuse_store(file_, e);
  }
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

std::vector<std::string> ResultStore::stored_values(std::string_view column) const {
  const auto& columns = result_columns();
  const auto found = std::find_if(columns.begin(), columns.end(), [&](const Column& c) {
    return c.name == column && c.kind == ColumnKind::Text;
  });
  if (found == columns.end())
    throw std::invalid_argument(fmt::format("'{}' is not a text column of the store", column));
  sqlite::Statement select = db_->prepare(
      fmt::format("SELECT DISTINCT {0} FROM results WHERE {0} != '' ORDER BY {0}", column));
  std::vector<std::string> values;
  while (select.step()) values.push_back(select.column_text(0));
  return values;
}

}  // namespace qtb
