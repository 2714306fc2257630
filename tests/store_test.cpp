// The SQLite result store: schema creation and versioning, exact round trip of every field,
// deduplication, filters, and all-or-nothing appends.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <limits>
#include <set>

#include "app_process.hpp"
#include "core/error.hpp"
#include "measure/result_row_json.hpp"
#include "store/result_columns.hpp"
#include "store/result_store.hpp"
#include "store/schema.hpp"

namespace qtb {
namespace {

using test::fresh_dir;
namespace fs = std::filesystem;

// Direct SQL on a store file, to check what is on disk independently of ResultStore.
std::string sql_text(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

void sql_exec(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sql;
  sqlite3_close(db);
}

// A row with every field set to a value that is easy to get wrong: doubles without a short
// decimal form, extreme magnitudes, text with CSV and JSON special characters.
ResultRow full_row() {
  ResultRow r;
  r.topology = "cnv";
  r.prune = 0.125;
  r.precision = "W2A2";
  r.dataset = "cifar10";
  r.platform = "host";
  r.backend = "lowbit";
  r.op_mode = "default";
  r.batch = 64;
  r.threads = 2;
  r.streams = 3;
  r.scenario = "offline";
  r.level = "L3";
  r.fps_compute = 0.1 + 0.2;
  r.fps_system = 1e300;
  r.latency_compute_ms = {1.0 / 3, 0.5, 0.9, 0.95, 0.99, 0.999, 1e-300, 7.25, 0.0};
  r.latency_system_ms = {2.0 / 3, 1.5, 1.9, 1.95, 1.99, 1.999, 0.001, 9.5, 0.125};
  r.samples = std::numeric_limits<std::int64_t>::max();
  r.duration_s = 5.000000000000001;
  r.power_base_w = 1.8;
  r.power_idle_w = 4.15;
  r.power_full_w = 6.6610000000000005;
  r.energy_per_input_j = 3.3e-5;
  r.power_source = "rapl";
  r.top1 = 88.1;
  r.top5 = 99.5;
  r.accuracy_source = "measured";
  r.accuracy_samples = 10000;
  r.accuracy_reference = "";
  r.gops_per_input = 0.118922752;
  r.predicted_fps = 12345.678;
  r.valid = false;
  r.invalid_reason = "noisy: CI of the median 7.1% > 5%";
  r.method = "bit-serial \"popcount\", AVX2";
  r.notes = "line one\nline two, with a comma; and ünïcode";
  r.weight_bytes = 385712;
  r.peak_memory_bytes = std::int64_t{1} << 40;
  r.source = "ours";
  r.host = "box";
  r.cpu_model = "Intel(R) Xeon(R) @ 2.20GHz";
  r.tool_version = "0.1.0";
  r.git_commit = "abc1234";
  r.created_at = "2025-01-02T03:04:05Z";
  r.command_line = "qutibench run --model cnv --prune 0.125 --precision W2A2";
  r.contributor = "test";
  return r;
}

// The same figures empty: every optional nullopt, text empty.
ResultRow sparse_row() {
  ResultRow r;
  r.topology = "mlp";
  r.precision = "FP32";
  r.platform = "TX2";
  r.level = "L0";
  r.source = "ours";
  return r;
}

TEST(ResultStore, MigratesAnEmptyFileToTheCurrentSchema) {
  const fs::path db = fresh_dir("qtb_store") / "results.db";
  test::spit(db, "");  // an empty file is a valid, empty SQLite database
  {
    ResultStore store(db);
    EXPECT_EQ(store.count({}), 0u);
  }
  EXPECT_EQ(sql_text(db, "PRAGMA user_version"), std::to_string(latest_schema_version()));
  EXPECT_EQ(sql_text(db, "PRAGMA application_id"), std::to_string(kStoreApplicationId));
  EXPECT_EQ(sql_text(db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(sql_text(db, "SELECT count(*) FROM pragma_table_info('results')"),
            std::to_string(result_columns().size() + 2));  // + id, row_key
  // Opening again migrates nothing and keeps the rows.
  {
    ResultStore store(db);
    store.append(std::vector<ResultRow>{sparse_row()});
  }
  {
    ResultStore store(db);
    EXPECT_EQ(store.count({}), 1u);
  }
}

TEST(ResultStore, ColumnsCoverEveryResultRowField) {
  // Every key of ResultRow's JSON (latency objects spread out) has a column, and no column is
  // left over: a field added to ResultRow without a migration fails here.
  std::set<std::string> json_keys;
  const nlohmann::json defaults = to_json(ResultRow{});
  for (const auto& [key, value] : defaults.items()) {
    if (value.is_object()) {
      for (const auto& [stat, v] : value.items()) json_keys.insert(key + "_" + stat);
    } else {
      json_keys.insert(key);
    }
  }
  std::set<std::string> columns;
  for (const Column& c : result_columns()) columns.emplace(c.name);
  EXPECT_EQ(columns, json_keys);
}

TEST(ResultStore, RoundTripsEveryFieldExactly) {
  const fs::path db = fresh_dir("qtb_store") / "results.db";
  const std::vector<ResultRow> rows = {full_row(), sparse_row()};
  { ResultStore(db).append(rows); }
  const std::vector<ResultRow> back = ResultStore(db).query({});
  ASSERT_EQ(back.size(), 2u);
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(to_json(back[i]), to_json(rows[i]));
  EXPECT_EQ(back[0].fps_compute.value(), 0.1 + 0.2);  // bit for bit, not "0.3"
  EXPECT_EQ(back[0].latency_compute_ms.min.value(), 1e-300);
  EXPECT_EQ(back[0].samples, std::numeric_limits<std::int64_t>::max());
  EXPECT_FALSE(back[1].fps_compute.has_value());
  EXPECT_FALSE(back[1].accuracy_samples.has_value());
  // nullopt is stored as SQL NULL, not as 0.
  EXPECT_EQ(sql_text(db,
                     "SELECT count(*) FROM results WHERE fps_compute IS NULL AND "
                     "latency_system_ms_p99 IS NULL AND weight_bytes IS NULL"),
            "1");
}

TEST(ResultStore, RowsWithTheSameContentAreStoredOnce) {
  const fs::path db = fresh_dir("qtb_store") / "results.db";
  ResultStore store(db);
  ResultRow a = full_row();
  ResultRow b = full_row();
  b.created_at = "2025-01-02T03:04:06Z";  // a second measurement of the same point
  const std::vector<ResultRow> batch = {a, a, b};
  const AppendCounts first = store.append_counted(batch);
  EXPECT_EQ(first.inserted, 2u);
  EXPECT_EQ(first.skipped, 1u);
  const AppendCounts second = store.append_counted(batch);
  EXPECT_EQ(second.inserted, 0u);
  EXPECT_EQ(second.skipped, 3u);
  EXPECT_EQ(store.count({}), 2u);
}

TEST(ResultStore, FiltersSelectRows) {
  const fs::path db = fresh_dir("qtb_store") / "results.db";
  ResultStore store(db);
  ResultRow valid = full_row();
  valid.valid = true;
  valid.created_at = "other";
  const std::vector<ResultRow> rows = {full_row(), sparse_row(), valid};
  store.append(rows);
  RowFilter f;
  f.topology = "CNV";  // case does not matter
  EXPECT_EQ(store.count(f), 2u);
  f.valid_only = true;
  EXPECT_EQ(store.query(f).size(), 1u);
  RowFilter p;
  p.platform = "TX2";
  p.precision = "FP32";
  ASSERT_EQ(store.query(p).size(), 1u);
  EXPECT_EQ(store.query(p)[0].topology, "mlp");
  RowFilter none;
  none.source = "paper";
  EXPECT_EQ(store.count(none), 0u);
  RowFilter level;
  level.level = "L3";
  level.dataset = "cifar10";
  level.backend = "lowbit";
  EXPECT_EQ(store.count(level), 2u);
}

TEST(ResultStore, AnAppendThatFailsStoresNothing) {
  const fs::path db = fresh_dir("qtb_store") / "results.db";
  ResultStore store(db);
  store.append(std::vector<ResultRow>{sparse_row()});
  ResultRow duplicate = sparse_row();  // already stored: skipped, not an error
  ResultRow broken = full_row();
  broken.created_at = "later";
  broken.fps_system = std::nan("");  // would read back as NULL: refused
  const std::vector<ResultRow> batch = {full_row(), duplicate, broken};
  EXPECT_THROW(store.append(batch), std::invalid_argument);
  // A constraint failing inside SQLite rolls back the rows before it as well.
  sql_exec(store.file(),
           "CREATE TRIGGER no_lowbit BEFORE INSERT ON results WHEN "
           "NEW.backend = 'lowbit' BEGIN SELECT RAISE(ABORT, 'refused'); END;");
  ResultRow later = full_row();
  later.backend = "onednn";
  const std::vector<ResultRow> second = {later, full_row()};  // the second has backend lowbit
  EXPECT_ANY_THROW(store.append(second));
  EXPECT_EQ(store.count({}), 1u);  // the first row of the failed batch was rolled back
}

TEST(ResultStore, RefusesAFileThatIsNotADatabase) {
  const fs::path db = fresh_dir("qtb_store") / "notes.txt";
  const std::string text(4096, 'x');
  test::spit(db, text);
  try {
    ResultStore store(db);
    FAIL() << "opened a text file";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("is not a qutibench database"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(test::slurp(db), text);  // untouched
}

TEST(ResultStore, RefusesAnotherProgramsDatabase) {
  const fs::path db = fresh_dir("qtb_store") / "other.db";
  sql_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
  try {
    ResultStore store(db);
    FAIL() << "opened a foreign database";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("another program"), std::string::npos) << e.what();
  }
  EXPECT_EQ(sql_text(db, "SELECT count(*) FROM sqlite_master"), "1");
}

TEST(ResultStore, RefusesASchemaFromANewerVersion) {
  const fs::path db = fresh_dir("qtb_store") / "results.db";
  { ResultStore store(db); }
  sql_exec(db, "PRAGMA user_version = " + std::to_string(latest_schema_version() + 1));
  try {
    ResultStore store(db);
    FAIL() << "opened a newer schema";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("newer qutibench"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace qtb
