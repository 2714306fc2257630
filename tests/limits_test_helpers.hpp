#pragma once
// Shared by the limits_*_test files: a store that already holds a row, and the check
// that a refused command printed exactly one expected line, exited 2 and left the store alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "app_process.hpp"
#include "measure/result_row.hpp"
#include "store/result_store.hpp"

namespace qtb::test {

// A store with one row in it, closed again (so its file is whole on disk).
inline fs::path store_with_one_row(const fs::path& dir) {
  const fs::path db = dir / "kept.db";
  ResultRow row;
  row.topology = "mlp";
  row.precision = "FP32";
  row.platform = "host";
  row.level = "L3";
  row.source = "ours";
  ResultStore(db).append(std::vector<ResultRow>{row});
  return db;
}

// This machine's hardware threads, as the limit the messages name.
inline int hardware_threads() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

// Runs `args --db DB` and expects exit 2 with exactly "qutibench: error: <line>" on stderr,
// nothing on stdout, and the store byte for byte as it was.
inline void expect_refused(const fs::path& dir, const std::string& args, const std::string& line) {
  const fs::path db = dir / "kept.db";
  if (!fs::exists(db)) store_with_one_row(dir);
  const std::string before = slurp(db);
  const AppResult r = run_app(dir, args + " --db " + db.string());
  EXPECT_EQ(r.exit_code, 2) << args << ": " << r.err;
  EXPECT_EQ(r.err, "qutibench: error: " + line + "\n") << args;
  EXPECT_LE(r.err.size(), 200u + 19) << args;  // the line, its prefix and the newline
  EXPECT_TRUE(r.out.empty()) << args << ": " << r.out;
  EXPECT_EQ(slurp(db), before) << args;
  EXPECT_EQ(ResultStore(db).count({}), 1u) << args;
}

}  // namespace qtb::test
