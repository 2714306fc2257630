// The bench drivers' command lines (CLI11 and the app's numeric options): --help, the values
// given reach the driver, and a bad value is one line with exit code 2. Skipped where the
// drivers are not built (QTB_BUILD_BENCH off).
#include <gtest/gtest.h>

#include <string>

#include "app_process.hpp"

namespace qtb::test {
namespace {

// build/bench/NAME, beside build/apps/qutibench/qutibench.
fs::path bench_binary(const std::string& name) {
  return app_path().parent_path().parent_path().parent_path() / "bench" / name;
}

AppResult run_bench(const fs::path& dir, const std::string& name, const std::string& args) {
  return run_binary(bench_binary(name), dir, args);
}

void expect_refused(const fs::path& dir, const std::string& name, const std::string& args,
                    const std::string& line) {
  SCOPED_TRACE(name + " " + args);
  const AppResult r = run_bench(dir, name, args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err, line + "\n");
  EXPECT_EQ(r.out, "");
}

class BenchOptions : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name :
         {"qutibench_analytics_scale", "qutibench_resnet50_split", "qutibench_train_run"}) {
      if (!fs::exists(bench_binary(name))) GTEST_SKIP() << bench_binary(name) << " not built";
    }
  }
};

TEST_F(BenchOptions, HelpListsTheOptionsWithTheirDefaults) {
  const fs::path dir = fresh_dir("qtb_bench_options");
  const AppResult r = run_bench(dir, "qutibench_resnet50_split", "--help");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("--precision TEXT=FP32,INT8"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--repeats INT:1 to 1000 repeats=5"), std::string::npos) << r.out;
  const AppResult train = run_bench(dir, "qutibench_train_run", "--help");
  EXPECT_EQ(train.exit_code, 0) << train.err;
  EXPECT_NE(train.out.find("TOPOLOGY SCALE PRECISION EPOCHS [LR] [BATCH]"), std::string::npos)
      << train.out;
}

TEST_F(BenchOptions, TheValuesGivenReachTheDriver) {
  const fs::path dir = fresh_dir("qtb_bench_options");
  const AppResult r =
      run_bench(dir, "qutibench_analytics_scale", "--rows 50 --seed 3 --only pareto");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("generate 50 rows (seed 3)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pareto (4 frontiers)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("box ("), std::string::npos) << "--only pareto ran another step";
}

TEST_F(BenchOptions, ABadValueIsOneLineAndExitTwo) {
  const fs::path dir = fresh_dir("qtb_bench_options");
  expect_refused(dir, "qutibench_analytics_scale", "--rows nan",
                 "qutibench_analytics_scale: error: --rows = 'nan' is not a whole number: must "
                 "be 1 to 100000000 rows");
  expect_refused(dir, "qutibench_resnet50_split", "--seconds inf",
                 "qutibench_resnet50_split: error: --seconds = inf is out of range: must be a "
                 "number from 0.001 to 3600 seconds");
  expect_refused(dir, "qutibench_resnet50_split", "--precision FP33",
                 "qutibench_resnet50_split: error: unknown precision 'FP33' (expected FP32, FP16, "
                 "BF16, INT8, WxAy with x, y in 1,2,4,8, INT4 or INT2)");
  expect_refused(dir, "qutibench_train_run", "mlp 1 FP32",
                 "qutibench_train_run: error: EPOCHS is required (see --help)");
  expect_refused(dir, "qutibench_train_run", "mlp 1 FP32 1 0.001 0",
                 "qutibench_train_run: error: BATCH = 0 is out of range: must be 1 to 1024 "
                 "images");
}

}  // namespace
}  // namespace qtb::test
