#pragma once
// The ONNX models the onnx_* tests import: exported once per test run by tests/python/ scripts
// with Debian's /usr/bin/python3 (torch, torchvision, onnx), into a folder removed at exit.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <span>
#include <sstream>
#include <string>

#include "app_process.hpp"
#include "test_paths.hpp"

namespace qtb::test {

struct PythonOutput {
  bool available = false;  // false: skip, `reason` says why
  bool failed = false;     // the script ran and failed: a test failure
  std::string reason;
  fs::path dir;
  std::string out;
};

// Runs `/usr/bin/python3 tests/python/SCRIPT ARGS` with stdout into dir/out.txt; exit 3 (a
// package missing) or no /usr/bin/python3 is "not available".
inline PythonOutput run_python(const std::string& script, const std::string& args,
                               const fs::path& dir) {
  PythonOutput result;
  result.dir = dir;
  if (!fs::exists("/usr/bin/python3")) {
    result.reason = "no /usr/bin/python3";
    return result;
  }
  fs::create_directories(dir);
  const std::string command =
      "/usr/bin/python3 " + (source_dir() / "tests" / "python" / script).string() + " " + args +
      " >" + (dir / "out.txt").string() + " 2>" + (dir / "err.txt").string();
  const int status = std::system(command.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(dir / "out.txt");
  if (code == 3) {
    result.reason = slurp(dir / "err.txt");
  } else if (code != 0) {
    result.failed = true;
    result.reason = script + " failed: " + slurp(dir / "err.txt");
  } else {
    result.available = true;
  }
  return result;
}

// A folder for this test run, removed when the test binary exits.
inline fs::path run_dir(const std::string& name) {
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  };
  static Cleanup cleanup{fs::temp_directory_path() /
                         ("qtb_onnx_" + std::to_string(static_cast<long>(getpid())))};
  return cleanup.dir / name;
}

// The PyTorch exports (export_onnx_models.py), made on first use: MODEL.onnx, MODEL.input.npy,
// MODEL.output.npy, and each export's ONNX ops.
struct TorchExports {
  PythonOutput python;
  std::map<std::string, std::string> ops;  // model -> "Add,Conv,..."
};

inline const TorchExports& torch_exports() {
  static const TorchExports exports = [] {
    TorchExports e;
    const fs::path dir = run_dir("torch");
    e.python = run_python("export_onnx_models.py",
                          dir.string() +
                              " mlp cnv_bn_kept cnv_bn_folded resnet50 mobilenet_v2 "
                              "googlenet",
                          dir);
    std::istringstream lines(e.python.out);
    for (std::string model, ops; lines >> model >> ops;) e.ops[model] = ops;
    return e;
  }();
  return exports;
}

// Skips the test when python's packages are missing, fails it when the export failed.
#define QTB_REQUIRE_TORCH_EXPORTS()                                                         \
  do {                                                                                      \
    const auto& python_ = ::qtb::test::torch_exports().python;                              \
    ASSERT_FALSE(python_.failed) << python_.reason;                                         \
    if (!python_.available) GTEST_SKIP() << "torch/onnx not available: " << python_.reason; \
  } while (false)

// max |a - b| relative to max |b|: the tests' float tolerance measure.
inline double relative_max_error(std::span<const float> ours, std::span<const float> reference) {
  double error = 0, scale = 0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    error = std::max(error, std::abs(static_cast<double>(ours[i]) - reference[i]));
    scale = std::max(scale, std::abs(static_cast<double>(reference[i])));
  }
  return scale > 0 ? error / scale : error;
}

}  // namespace qtb::test
