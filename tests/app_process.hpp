#pragma once
// Helpers for tests that run the qutibench binary (QTB_APP_PATH) and look at its files.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

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

// Runs `qutibench ARGS` with stdout and stderr captured in files of `dir`.
inline AppResult run_app(const fs::path& dir, const std::string& args) {
  const std::string command = std::string(QTB_APP_PATH) + " " + args + " >" +
                              (dir / "stdout").string() + " 2>" + (dir / "stderr").string();
  const int status = std::system(command.c_str());
  AppResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir / "stdout");
  r.err = slurp(dir / "stderr");
  return r;
}

inline int count_lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

inline fs::path portal_csv() {
  return fs::path(QTB_REFERENCE_DIR) / "experimental_data.csv";
}

}  // namespace qtb::test
