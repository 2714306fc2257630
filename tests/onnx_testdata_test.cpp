// ONNX's own operator tests (Debian libonnx-testdata): every case the importer accepts must give
// the expected outputs on the reference and onednn backends. Cases it refuses are counted, not
// failed: they use an op or attribute outside docs/onnx.md's list, and the refusal is one line.
#include <gtest/gtest.h>

#include <sstream>

#include "core/error.hpp"
#include "data/npy_array.hpp"
#include "measure/batch_inference.hpp"
#include "onnx/onnx_import.hpp"
#include "onnx_test_models.hpp"

namespace qtb::test {
namespace {

const fs::path kNodeTests = "/usr/share/libonnx-testdata/data/node";

// Outputs within 1e-5 of the largest expected value (plus 1e-6 absolute for all-zero outputs):
// the expected values were computed by numpy in float32 or float64.
TEST(OnnxTestdata, SupportedNodeTestsMatchTheirExpectedOutputs) {
  if (!fs::exists(kNodeTests)) GTEST_SKIP() << "libonnx-testdata is not installed";
  const fs::path dir = run_dir("testdata");
  const PythonOutput cases =
      run_python("onnx_testdata_cases.py", kNodeTests.string() + " " + dir.string(), dir);
  ASSERT_FALSE(cases.failed) << cases.reason;
  if (!cases.available) GTEST_SKIP() << cases.reason;
  int prepared = 0, refused = 0, passed = 0, unreadable = 0;
  std::string passed_names;
  std::istringstream lines(cases.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(" skip:") != std::string::npos) {
      ++unreadable;
      continue;
    }
    ++prepared;
    const fs::path case_dir = dir / line;
    Graph graph("none");
    try {
      graph = import_onnx_model(case_dir / "model.onnx").graph;
    } catch (const InputError&) {
      ++refused;
      continue;
    }
    // A trailing softmax is not run (the output is the logits), and a graph of its input alone
    // (Identity, Dropout) computes nothing a backend compiles: such cases cannot be compared.
    if (graph.size() == 1 || graph.node(graph.size() - 1).kind == OpKind::Softmax) {
      ++refused;
      continue;
    }
    const NpyArray input = read_npy(case_dir / "input.npy");
    const NpyArray expected = read_npy(case_dir / "expected.npy");
    bool ok = true;
    for (const char* backend : {"reference", "onednn"}) {
      const NpyArray ours = infer_batch(graph, backend, parse_precision("FP32"), input, 1);
      ASSERT_EQ(ours.values.size(), expected.values.size()) << line << " on " << backend;
      double error = 0, scale = 0;
      for (std::size_t i = 0; i < ours.values.size(); ++i) {
        error = std::max(error, std::abs(double{ours.values[i]} - expected.values[i]));
        scale = std::max(scale, std::abs(double{expected.values[i]}));
      }
      EXPECT_LE(error, 1e-5 * scale + 1e-6) << line << " on " << backend;
      ok = ok && error <= 1e-5 * scale + 1e-6;
    }
    if (ok) {
      ++passed;
      passed_names += " " + line;
    }
  }
  std::printf(
      "onnx node tests: %d prepared (%d not float N x C x H x W / N x F), %d refused by "
      "the importer, %d run and passed:%s\n",
      prepared, unreadable, refused, passed, passed_names.c_str());
  EXPECT_GT(passed, 20);  // conv, pooling, gemm, batchnorm, relu, flatten, ... cases
}

}  // namespace
}  // namespace qtb::test
