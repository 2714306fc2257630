#pragma once
// The result store: an SQLite file (results.db by default) holding ResultRows. Every append is one
// transaction (all rows or none, also when the process is killed), rows identical in content are
// stored once (store/row_key.hpp), and every field round-trips exactly (a missing figure stays
// NULL). Schema and migrations: store/schema.hpp and docs/store.md.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "measure/result_row.hpp"

namespace qtb {

namespace sqlite {
class Connection;
}

// Which rows a query returns; an empty field matches every row. Text matches ignore ASCII case
// (precision should be given canonical, as parse_precision names it).
struct RowFilter {
  std::optional<std::string> topology, platform, backend, precision, source, dataset, level;
  bool valid_only = false;
};

struct AppendCounts {
  std::size_t inserted = 0;
  std::size_t skipped = 0;  // already stored (same content), or repeated within the batch
};

// Write: the store of `run`, `sweep` and `import`; Read: the store of commands that only query.
enum class StoreAccess { Write, Read };

class ResultStore {
 public:
  // Write: opens `file`, creating it when absent and migrating it to the current schema, and
  // makes sure it can be written, so a command fails before measuring, not after.
  // Read: opens an existing store without writing to it (no creation, no migration).
  // Throws InputError "<file>: <reason>" when the path is a directory, a device or FIFO, missing
  // (Read), an empty file (Read), not a qutibench database, from a newer version, read-only
  // (Write), or SQLite cannot open it.
  explicit ResultStore(const std::filesystem::path& file, StoreAccess access = StoreAccess::Write);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  // Stores the rows in one transaction; rows already stored are skipped. A non-finite figure
  // (NaN, inf) throws std::invalid_argument and nothing is stored.
  void append(std::span<const ResultRow> rows);
  // The same, saying how many rows were new.
  AppendCounts append_counted(std::span<const ResultRow> rows);

  // Matching rows in the order they were stored.
  std::vector<ResultRow> query(const RowFilter& filter) const;
  std::size_t count(const RowFilter& filter) const;
  // The distinct values stored in a text column (topology, platform, ...), sorted; for the names a
  // filter option accepts. Throws std::invalid_argument for a column that is not a text column.
  std::vector<std::string> stored_values(std::string_view column) const;

  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::unique_ptr<sqlite::Connection> db_;
};

}  // namespace qtb
