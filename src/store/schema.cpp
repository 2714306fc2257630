#include "store/schema.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <vector>

#include "core/error.hpp"
#include "store/result_columns.hpp"

namespace qtb {
namespace {

struct Migration {
  std::int64_t version;
  const char* what;
  const char* sql;
};

// Version 1: one row per result, columns as store/result_columns lists them. row_key is the
// content hash (store/row_key.hpp) and carries the UNIQUE constraint that makes imports idempotent.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE results (
  id INTEGER PRIMARY KEY,
  row_key TEXT NOT NULL UNIQUE,
  topology TEXT NOT NULL,
  prune REAL NOT NULL,
  precision TEXT NOT NULL,
  dataset TEXT NOT NULL,
  platform TEXT NOT NULL,
  backend TEXT NOT NULL,
  op_mode TEXT NOT NULL,
  batch INTEGER NOT NULL,
  threads INTEGER NOT NULL,
  streams INTEGER NOT NULL,
  scenario TEXT NOT NULL,
  level TEXT NOT NULL,
  fps_compute REAL,
  fps_system REAL,
  latency_compute_ms_mean REAL,
  latency_compute_ms_p50 REAL,
  latency_compute_ms_p90 REAL,
  latency_compute_ms_p95 REAL,
  latency_compute_ms_p99 REAL,
  latency_compute_ms_p999 REAL,
  latency_compute_ms_min REAL,
  latency_compute_ms_max REAL,
  latency_compute_ms_stddev REAL,
  latency_system_ms_mean REAL,
  latency_system_ms_p50 REAL,
  latency_system_ms_p90 REAL,
  latency_system_ms_p95 REAL,
  latency_system_ms_p99 REAL,
  latency_system_ms_p999 REAL,
  latency_system_ms_min REAL,
  latency_system_ms_max REAL,
  latency_system_ms_stddev REAL,
  samples INTEGER NOT NULL,
  duration_s REAL,
  power_base_w REAL,
  power_idle_w REAL,
  power_full_w REAL,
  energy_per_input_j REAL,
  power_source TEXT NOT NULL,
  top1 REAL,
  top5 REAL,
  accuracy_source TEXT NOT NULL,
  accuracy_samples INTEGER,
  accuracy_reference TEXT NOT NULL,
  gops_per_input REAL,
  predicted_fps REAL,
  valid INTEGER NOT NULL CHECK (valid IN (0, 1)),
  invalid_reason TEXT NOT NULL,
  method TEXT NOT NULL,
  notes TEXT NOT NULL,
  weight_bytes INTEGER,
  peak_memory_bytes INTEGER,
  source TEXT NOT NULL,
  host TEXT NOT NULL,
  cpu_model TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  git_commit TEXT NOT NULL,
  created_at TEXT NOT NULL,
  command_line TEXT NOT NULL,
  contributor TEXT NOT NULL
);
CREATE INDEX results_variant ON results (topology, prune, precision);
CREATE INDEX results_platform ON results (platform, op_mode);
CREATE INDEX results_source ON results (source);
)sql";

// Layer rows (L1/L2): which layer, and its own theory. Added at the end, so existing files keep
// every row; network rows leave them empty.
constexpr const char* kLayerColumnsV2 = R"sql(
ALTER TABLE results ADD COLUMN layer TEXT NOT NULL DEFAULT '';
ALTER TABLE results ADD COLUMN layer_type TEXT NOT NULL DEFAULT '';
ALTER TABLE results ADD COLUMN layer_ops REAL;
ALTER TABLE results ADD COLUMN layer_bytes REAL;
ALTER TABLE results ADD COLUMN layer_oi REAL;
ALTER TABLE results ADD COLUMN roofline_bound TEXT NOT NULL DEFAULT '';
ALTER TABLE results ADD COLUMN gops_measured REAL;
)sql";

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> list = {
      {1, "results table", kSchemaV1},
      {2, "layer columns", kLayerColumnsV2},
  };
  return list;
}

bool is_not_a_database(const sqlite::SqliteError& e) {
  return e.code() == SQLITE_NOTADB || e.code() == SQLITE_CORRUPT;
}

struct Ownership {
  std::int64_t application_id = 0;
  std::int64_t tables = 0;
  bool ours() const { return application_id == kStoreApplicationId; }
};

// Refuses anything but an empty file or one of our databases, before anything is written.
Ownership check_ownership(sqlite::Connection& db, const std::filesystem::path& file) {
  Ownership owner;
  try {
    // One statement, one snapshot: a process creating the store meanwhile commits the tables and
    // the id together, and two reads could see one without the other.
    auto select = db.prepare(
        "SELECT (SELECT application_id FROM pragma_application_id), "
        "(SELECT count(*) FROM sqlite_master)");
    select.step();
    owner.application_id = select.column_int(0);
    owner.tables = select.column_int(1);
  } catch (const sqlite::SqliteError& e) {
    if (is_not_a_database(e)) {
      throw InputError(fmt::format("{} is not a qutibench database (not an SQLite file: {})",
                                   file.string(), e.reason()));
    }
    throw;
  }
  if (owner.ours()) return owner;
  if (owner.application_id != 0 || owner.tables > 0) {
    throw InputError(fmt::format(
        "{} is an SQLite database of another program (application_id {:#x}, {} schema objects), "
        "not a qutibench database",
        file.string(), owner.application_id, owner.tables));
  }
  return owner;
}

std::int64_t check_not_newer(const sqlite::Connection& db, const std::filesystem::path& file) {
  const std::int64_t on_disk = db.query_int("PRAGMA user_version");
  if (on_disk > latest_schema_version()) {
    throw InputError(fmt::format(
        "{} was written by a newer qutibench (schema version {}; this build reads up to {})",
        file.string(), on_disk, latest_schema_version()));
  }
  return on_disk;
}

void check_columns(const sqlite::Connection& db) {
  std::vector<std::string> expected = {"id", "row_key"};
  for (const Column& column : result_columns()) expected.emplace_back(column.name);
  std::vector<std::string> actual;
  auto info = db.prepare("PRAGMA table_info(results)");
  while (info.step()) actual.push_back(info.column_text(1));
  if (actual != expected) {
    throw std::logic_error(
        "the results table after migration does not match store/result_columns (a migration and "
        "the column list disagree)");
  }
}

}  // namespace

std::int64_t latest_schema_version() {
  return migrations().back().version;
}

void prepare_store(sqlite::Connection& db, const std::filesystem::path& file) {
  // Another writer (a sweep beside an import) holds the lock for one transaction; wait for it.
  sqlite3_busy_timeout(db.handle(), 10000);
  check_ownership(db, file);
  const std::int64_t on_disk = check_not_newer(db, file);
  // WAL: readers never block the writer, and a killed writer leaves only uncommitted frames in
  // the log, which the next open discards.
  db.exec("PRAGMA journal_mode = WAL");
  for (const Migration& migration : migrations()) {
    if (on_disk >= migration.version) continue;  // no write lock for an up-to-date file
    sqlite::Transaction transaction(db);
    // Re-read under the write lock: a concurrent process may have migrated meanwhile.
    if (db.query_int("PRAGMA user_version") >= migration.version) continue;
    db.exec(migration.sql);
    db.exec(fmt::format("PRAGMA user_version = {}", migration.version));
    db.exec(fmt::format("PRAGMA application_id = {}", kStoreApplicationId));
    transaction.commit();
  }
  check_columns(db);
}

void check_readable_store(sqlite::Connection& db, const std::filesystem::path& file) {
  sqlite3_busy_timeout(db.handle(), 10000);
  // A reading command must not change the file whatever a bug later asks of the connection.
  db.exec("PRAGMA query_only = 1");
  const Ownership owner = check_ownership(db, file);
  const std::int64_t on_disk = check_not_newer(db, file);
  if (!owner.ours()) {
    throw InputError(fmt::format(
        "{}: no result store in it yet (an empty SQLite file; import or run something first)",
        file.string()));
  }
  if (on_disk < latest_schema_version()) {
    throw InputError(fmt::format(
        "{}: schema version {} is older than this build's {}; a command that stores rows "
        "(import, run) migrates it",
        file.string(), on_disk, latest_schema_version()));
  }
  check_columns(db);
}

}  // namespace qtb
