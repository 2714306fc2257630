// The sweep loop of measure/sweep_runner.hpp without the command line: points measured in order
// into a sink, a point the backend refuses skipped with its reason, the config's harness limits
// applied, progress lines, and the memory of every point checked before the first is measured.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "measure/power_meter.hpp"
#include "measure/sweep_runner.hpp"

namespace qtb {
namespace {

DeploymentRequest mlp_point(const std::string& backend, std::int64_t batch) {
  DeploymentRequest p;
  p.topology = "mlp";
  p.prune = 0.125;
  p.precision = parse_precision("FP32");
  p.backend = backend;
  p.batch = batch;
  return p;
}

// A tiny sweep: FP32 on onednn b1, on lowbit (which has no FP32) and on onednn b2.
SweepConfig tiny_sweep() {
  SweepConfig config;
  config.points = {mlp_point("onednn", 1), mlp_point("lowbit", 1), mlp_point("onednn", 2)};
  config.harness.warmup_seconds = 0;
  config.harness.warmup_queries = 0;
  config.harness.min_seconds = 0.01;
  config.harness.min_queries = 5;
  config.harness.max_queries = 7;
  return config;
}

std::string read_all(std::FILE* file) {
  std::rewind(file);
  std::string text;
  for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file)) text += static_cast<char>(c);
  return text;
}

TEST(SweepRunner, MeasuresEachPointIntoTheSinkAndSkipsTheRefusedOneWithItsReason) {
  const SweepConfig config = tiny_sweep();
  const SweepRunner runner(config);
  ASSERT_EQ(runner.point_count(), 3);
  NoPowerMeter meter;
  MeasureContext context;  // default harness limits: the runner must apply the config's
  context.meter = &meter;
  std::vector<ResultRow> sunk;
  std::FILE* progress_file = std::tmpfile();
  ASSERT_NE(progress_file, nullptr);
  Progress progress(runner.point_count(), true, progress_file);

  const SweepSummary summary = runner.run(
      context, [&](const ResultRow& row) { sunk.push_back(row); }, progress);

  ASSERT_EQ(sunk.size(), 2u);
  ASSERT_EQ(summary.rows.size(), 2u);
  const std::vector<std::int64_t> batches = {1, 2};
  for (std::size_t i = 0; i < sunk.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(sunk[i].topology, "mlp");
    EXPECT_EQ(sunk[i].backend, "onednn");
    EXPECT_EQ(sunk[i].precision, "FP32");
    EXPECT_EQ(sunk[i].batch, batches[i]);
    EXPECT_EQ(summary.rows[i].batch, batches[i]);
    // The file's max_queries = 7, not the context's 100 million.
    EXPECT_GE(sunk[i].samples, 5);
    EXPECT_LE(sunk[i].samples, 7);
  }
  ASSERT_EQ(summary.skipped.size(), 1u);
  EXPECT_EQ(summary.skipped[0].point, "mlp s=0.125 FP32 lowbit b1 t1 x1 single-stream");
  EXPECT_EQ(summary.skipped[0].reason, "backend lowbit does not support precision FP32");
  const std::map<std::string, int> reasons = {
      {"backend lowbit does not support precision FP32", 1}};
  EXPECT_EQ(summary.skip_reason_counts(), reasons);
  EXPECT_EQ(summary.invalid_count(),
            static_cast<std::size_t>(!summary.rows[0].valid) + !summary.rows[1].valid);

  const std::string lines = read_all(progress_file);
  std::fclose(progress_file);
  EXPECT_NE(lines.find("[1/3] mlp s=0.125 FP32 onednn b1 t1 x1 single-stream: "), std::string::npos)
      << lines;
  EXPECT_NE(lines.find("[2/3] mlp s=0.125 FP32 lowbit b1 t1 x1 single-stream: skipped: backend "
                       "lowbit does not support precision FP32\n"),
            std::string::npos)
      << lines;
  EXPECT_NE(lines.find("[3/3] mlp s=0.125 FP32 onednn b2 t1 x1 offline: "), std::string::npos)
      << lines;
}

TEST(SweepRunner, APointTooBigForMemoryIsRefusedBeforeAnyIsMeasured) {
  SweepConfig config = tiny_sweep();
  DeploymentRequest huge = mlp_point("onednn", 1'048'576);
  huge.streams = 1024;
  huge.scenario = Scenario::MultiStream;
  config.points.push_back(huge);
  try {
    const SweepRunner runner(config);
    FAIL() << "a sweep with a point of terabytes was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(
        std::string(e.what()).rfind("batch 1048576 x 1024 streams of mlp s=0.125 FP32 needs ", 0),
        0u)
        << e.what();
  }
}

}  // namespace
}  // namespace qtb
