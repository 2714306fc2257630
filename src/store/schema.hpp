#pragma once
// The database schema and its migrations. The version lives in PRAGMA user_version, and the file
// is marked as ours with PRAGMA application_id, so another program's SQLite file is refused
// instead of being written into. Migrations only ever append: a released one is never edited.
#include <cstdint>
#include <filesystem>
#include <string>

#include "store/sqlite.hpp"

namespace qtb {

// "QTB1" in ASCII: the application id stamped into every qutibench database.
inline constexpr std::int64_t kStoreApplicationId = 0x51544231;

// The version this build writes (the number of migrations).
std::int64_t latest_schema_version();

// Prepares a freshly opened connection for writing: busy timeout, WAL, then brings the schema up to
// date, each migration in its own transaction. Throws InputError naming `file` when it is not a
// SQLite file, is another program's database, or was written by a newer qutibench.
void prepare_store(sqlite::Connection& db, const std::filesystem::path& file);

// Checks a connection that only reads (PRAGMA query_only): the same refusals as prepare_store,
// and InputError when the file holds no result store yet or an older schema (reading never
// migrates; a writing command does).
void check_readable_store(sqlite::Connection& db, const std::filesystem::path& file);

}  // namespace qtb
