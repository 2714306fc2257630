// Bad input, sweep files: the same limits as `run`'s options (threads, batch, streams, every
// number finite and in range, seeds), each as one line "FILE:LINE: field 'F' = VALUE is out of
// range: ...", and a sweep with a point that cannot fit in memory refused before anything is
// measured or stored.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>

#include "core/error.hpp"
#include "limits_test_helpers.hpp"
#include "measure/sweep_config.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;

const std::string kBase =
    "models = [\"mlp\"]\nprecisions = [\"FP32\"]\nbackends = [\"onednn\"]\n";  // lines 1-3

std::string error_of(const std::string& text) {
  try {
    parse_sweep_config(text, "sweep.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(LimitsSweepConfig, ThreadsHaveTheOneLimitOfThisMachine) {
  const std::string words = fmt::format("threads must be 1 to {} (this machine's hardware threads)",
                                        test::hardware_threads());
  EXPECT_EQ(error_of(kBase + "batches = [1]\nthreads = [1, 100000]\n"),
            "sweep.toml:5: field 'threads' = 100000 is out of range: " + words);
  EXPECT_EQ(error_of(kBase + "batches = [1]\nthreads = [5000]\n"),
            "sweep.toml:5: field 'threads' = 5000 is out of range: " + words);
  EXPECT_EQ(error_of(kBase + "batches = [1]\nthreads = [0]\n"),
            "sweep.toml:5: field 'threads' = 0 is out of range: " + words);
}

TEST(LimitsSweepConfig, BatchesAndStreamsHaveTheLimitsOfRun) {
  EXPECT_EQ(error_of(kBase + "batches = [9223372036854775807]\nthreads = [1]\n"),
            "sweep.toml:4: field 'batches' = 9223372036854775807 is out of range: must be 1 to "
            "1048576 inputs");
  EXPECT_EQ(error_of(kBase + "batches = [1]\nthreads = [1]\nstreams = [100000]\n"),
            "sweep.toml:6: field 'streams' = 100000 is out of range: must be 1 to 1024 streams");
  EXPECT_EQ(error_of(kBase + "batches = [1.5]\nthreads = [1]\n"),
            "sweep.toml:4: field 'batches': expected a whole number");
}

TEST(LimitsSweepConfig, NumbersMustBeFiniteAndInRange) {
  const std::string base = kBase + "batches = [1]\nthreads = [1]\n";  // lines 1-5
  EXPECT_EQ(error_of(base + "[harness]\nmax_median_ci = nan\n"),
            "sweep.toml:7: field 'harness.max_median_ci' = nan is out of range: must be a number "
            "from 1e-06 to 10 (a fraction of the median)");
  EXPECT_EQ(error_of(base + "[harness]\nmin_seconds = inf\n"),
            "sweep.toml:7: field 'harness.min_seconds' = inf is out of range: must be a number "
            "from 0 to 86400 seconds");
  EXPECT_EQ(error_of(base + "[harness]\nmin_queries = 0\n"),
            "sweep.toml:7: field 'harness.min_queries' = 0 is out of range: must be 1 to "
            "1000000000 queries");
  EXPECT_EQ(error_of(base + "idle_seconds = nan\n"),
            "sweep.toml:6: field 'idle_seconds' = nan is out of range: must be a number from 0 "
            "to 600 seconds");
  EXPECT_EQ(error_of(base + "sparsity = [0, nan]\n"),
            "sweep.toml:6: field 'sparsity' = nan is out of range: must be a number from 0 to "
            "0.999 (the fraction of weights zeroed)");
  EXPECT_EQ(error_of(base + "prunes = [nan]\n"),
            "sweep.toml:6: field 'prunes' = nan is out of range: must be a number from 1e-06 to "
            "1 (the fraction of channels kept)");
}

TEST(LimitsSweepConfig, ANegativeSeedIsRefusedAndTheLargestTomlSeedKept) {
  const std::string base = kBase + "batches = [1]\nthreads = [1]\n";
  EXPECT_EQ(error_of(base + "seed = -1\n"),
            "sweep.toml:6: field 'seed' = -1 is out of range: must be 0 to 9223372036854775807");
  const SweepConfig config =
      parse_sweep_config(base + "seed = 9223372036854775807\n", "sweep.toml");
  EXPECT_EQ(config.points.front().seed, 9223372036854775807u);
}

TEST(LimitsSweepCommand, RefusedFilesStoreNothingAndAPointTooBigForMemoryStopsTheSweepFirst) {
  // A short folder: the messages start with the file's path as given.
  const fs::path dir = fs::temp_directory_path() / "qtb_lim_sweep";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string head =
      "models = [\"mlp\"]\nprunes = [0.125]\nprecisions = [\"FP32\"]\n"
      "backends = [\"onednn\"]\npower = \"none\"\n"
      "[harness]\nwarmup_seconds = 0\nmin_seconds = 0.01\nmin_queries = 5\n";
  test::spit(dir / "threads.toml", "batches = [1]\nthreads = [5000]\n" + head);
  test::expect_refused(
      dir, "sweep --config " + (dir / "threads.toml").string(),
      fmt::format("{}:2: field 'threads' = 5000 is out of range: threads must be 1 to {} (this "
                  "machine's hardware threads)",
                  (dir / "threads.toml").string(), test::hardware_threads()));
  test::spit(dir / "ci.toml", "batches = [1]\nthreads = [1]\n" + head + "max_median_ci = nan\n");
  test::expect_refused(dir, "sweep --config " + (dir / "ci.toml").string(),
                       (dir / "ci.toml").string() +
                           ":12: field 'harness.max_median_ci' = nan is out of range: must be a "
                           "number from 1e-06 to 10 (a fraction of the median)");

  // The first point fits (1.4 GB), the second cannot (terabytes): nothing is measured, the
  // store keeps its one row.
  test::spit(dir / "memory.toml",
             "batches = [1, 1048576]\nthreads = [1]\nstreams = [1024]\nscenario = "
             "\"multi-stream\"\n" +
                 head);
  const std::string before = test::slurp(dir / "kept.db");
  const auto start = std::chrono::steady_clock::now();
  const auto r = test::run_app(dir, "sweep --config " + (dir / "memory.toml").string() + " --db " +
                                        (dir / "kept.db").string());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
  EXPECT_EQ(
      r.err.rfind("qutibench: error: batch 1048576 x 1024 streams of mlp s=0.125 FP32 needs ", 0),
      0u)
      << r.err;
  EXPECT_NE(r.err.find(" of memory, more than the "), std::string::npos) << r.err;
  EXPECT_EQ(test::slurp(dir / "kept.db"), before);
  EXPECT_EQ(ResultStore(dir / "kept.db").count({}), 1u);
}

}  // namespace
}  // namespace qtb
