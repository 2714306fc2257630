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

class ResultStore {
 public:
  // Opens `file`, creating it when absent and migrating it to the current schema. Throws
  // InputError when the file is not a qutibench database or comes from a newer version.
  explicit ResultStore(const std::filesystem::path& file);
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

  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::unique_ptr<sqlite::Connection> db_;
};

}  // namespace qtb
