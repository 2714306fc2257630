#pragma once
// Helpers for tests that run the qutibench binary (test_paths.hpp) and look at its files.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include "test_paths.hpp"

extern char** environ;

namespace qtb::test {

namespace fs = std::filesystem;

struct AppResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void spit(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

// A fresh directory per test, emptied first so a previous run leaves nothing behind.
inline fs::path fresh_dir(const std::string& prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path dir =
      fs::temp_directory_path() / (prefix + "_" + info->test_suite_name() + "_" + info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Runs `BINARY ARGS` with stdout and stderr captured in files of `dir`.
inline AppResult run_binary(const fs::path& binary, const fs::path& dir, const std::string& args) {
  const std::string command = binary.string() + " " + args + " >" + (dir / "stdout").string() +
                              " 2>" + (dir / "stderr").string();
  const int status = std::system(command.c_str());
  AppResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir / "stdout");
  r.err = slurp(dir / "stderr");
  return r;
}

// Runs `qutibench ARGS` with stdout and stderr captured in files of `dir`.
inline AppResult run_app(const fs::path& dir, const std::string& args) {
  return run_binary(app_path(), dir, args);
}

inline int count_lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// Starts `qutibench ARGS` without a shell, stderr into dir/stderr (stdout discarded); returns the
// child's pid, for tests that kill it.
inline pid_t spawn_app(const fs::path& dir, const std::vector<std::string>& args) {
  std::vector<std::string> words{app_path().string()};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, (dir / "stderr").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(error, 0);
  return pid;
}

// SQLite's own verdict on a database file: "ok" when intact.
inline std::string integrity(const fs::path& db) {
  sqlite3* handle = nullptr;
  EXPECT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(handle, "PRAGMA integrity_check", -1, &stmt, nullptr);
  std::string out;
  while (sqlite3_step(stmt) == SQLITE_ROW)
    out += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return out;
}

inline fs::path portal_csv() {
  return reference_dir() / "experimental_data.csv";
}

}  // namespace qtb::test
