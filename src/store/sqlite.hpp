#pragma once
// A thin RAII layer over the sqlite3 C API: a connection, prepared statements and a transaction
// guard. Errors throw SqliteError with SQLite's message and the statement that failed.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace qtb::sqlite {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& message, std::string reason = "")
      : std::runtime_error(message), code_(code), reason_(std::move(reason)) {}
  int code() const { return code_; }  // primary result code (SQLITE_NOTADB, SQLITE_BUSY, ...)
  // SQLite's own words ("file is not a database"), without the statement: for user messages.
  const std::string& reason() const { return reason_; }

 private:
  int code_;
  std::string reason_;
};

class Statement;

// How a connection opens its file. ReadWrite never creates one; SQLite itself falls back to reading
// only when the file cannot be written (see Connection::read_only). Immutable reads a file nobody
// may change without the -shm file a WAL reader needs (for a read-only store in a read-only
// directory).
enum class OpenMode { Create, ReadWrite, Immutable };

class Connection {
 public:
  explicit Connection(const std::filesystem::path& file, OpenMode mode = OpenMode::Create);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that return no rows.
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) const;
  // The first column of the first row of a query, as an integer (PRAGMA user_version, counts).
  std::int64_t query_int(std::string_view sql) const;
  sqlite3* handle() const { return db_; }
  // True when SQLite could open the file for reading only (its permissions, a read-only mount).
  bool read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  void bind_null(int index);
  void bind(int index, std::int64_t value);
  void bind(int index, double value);
  void bind(int index, std::string_view value);

  // Advances to the next row; false when done.
  bool step();
  // Clears bindings and rewinds, to run the statement again.
  void reset();

  int column_count() const { return sqlite3_column_count(stmt_); }
  int column_type(int column) const { return sqlite3_column_type(stmt_, column); }
  std::string column_name(int column) const { return sqlite3_column_name(stmt_, column); }
  std::int64_t column_int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double column_double(int column) const { return sqlite3_column_double(stmt_, column); }
  std::string column_text(int column) const;

 private:
  void check(int rc, const char* what) const;
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE on construction (takes the write lock up front, so a concurrent writer waits on
// the busy timeout instead of failing half-way); ROLLBACK on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& db_;
  bool open_ = true;
};

}  // namespace qtb::sqlite
