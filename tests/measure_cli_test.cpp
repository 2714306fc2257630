// `qutibench run` and `qutibench sweep` end to end: rows in JSON and in the store, skipped
// combinations, bad input, and a sweep killed half-way.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "app_process.hpp"
#include "store/result_store.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;

constexpr const char* kQuick =
    " --warmup-seconds 0 --min-seconds 0.05 --min-queries 20 --power none";

TEST(RunCommand, PrintsJsonRowsAndStoresThem) {
  const fs::path dir = test::fresh_dir("qtb_run");
  const fs::path db = dir / "r.db";
  const auto r = test::run_app(dir,
                               "run --model mlp --prune 0.125 --precision W2A2 --backend "
                               "lowbit --batch 3 --format json --db " +
                                   db.string() + kQuick);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc.at("rows").size(), 1u);
  const auto& row = doc["rows"][0];
  EXPECT_EQ(row["precision"], "W2A2");
  EXPECT_EQ(row["scenario"], "offline");
  EXPECT_EQ(row["power_source"], "none");
  EXPECT_TRUE(row["power_full_w"].is_null());
  EXPECT_TRUE(row["top1"].is_null());
  EXPECT_GT(row["fps_system"].get<double>(), 0);
  for (const char* key : {"mean", "p50", "p90", "p95", "p99", "p999", "min", "max", "stddev"})
    EXPECT_TRUE(row["latency_compute_ms"].contains(key)) << key;
  EXPECT_TRUE(row.contains("valid"));
  EXPECT_TRUE(row.contains("invalid_reason"));
  const auto stored = ResultStore(db).query({});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(*stored[0].fps_system, row["fps_system"].get<double>());
  EXPECT_NE(stored[0].command_line.find("--precision W2A2"), std::string::npos);
}

TEST(RunCommand, BadInputIsOneLineAndExitTwo) {
  const fs::path dir = test::fresh_dir("qtb_run");
  const fs::path db = dir / "r.db";
  for (const std::string args :
       {"run --model mlp --precision W2A2 --backend onednn", "run --model mlp --scenario server",
        "run --model mlp --batch 4 --scenario single-stream", "run --model alexnet",
        "run --model mlp --power wattmeter", "run --model mlp --op-mode maxn"}) {
    const auto r = test::run_app(dir, args + " --db " + db.string() + kQuick);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(test::count_lines(r.err), 1) << args << ": " << r.err;
  }
  // A file that is not a database is refused before measuring, and left as it was.
  test::spit(dir / "notes.txt", "my notes\n");
  const auto r =
      test::run_app(dir, "run --model mlp --db " + (dir / "notes.txt").string() + kQuick);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(test::slurp(dir / "notes.txt"), "my notes\n");
  EXPECT_EQ(ResultStore(db).count({}), 0u);
}

TEST(SweepCommand, MeasuresSupportedPointsAndSkipsTheRestWithReasons) {
  const fs::path dir = test::fresh_dir("qtb_sweep");
  test::spit(dir / "s.toml", R"(
models = ["mlp"]
prunes = [0.125]
precisions = ["FP32", "W1A1"]
backends = ["onednn", "lowbit"]
batches = [1, 2]
threads = [1]
power = "none"
[harness]
warmup_seconds = 0
min_seconds = 0.05
min_queries = 20
)");
  const fs::path db = dir / "s.db";
  const auto r = test::run_app(dir, "sweep --config " + (dir / "s.toml").string() + " --db " +
                                        db.string() + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  // FP32 runs on onednn only (2 batches); W1A1 on lowbit only (2 batches); 4 others skipped.
  EXPECT_EQ(doc["rows"].size(), 4u);
  ASSERT_EQ(doc["skipped"].size(), 4u);
  EXPECT_EQ(doc["skipped"][0]["point"], "mlp s=0.125 FP32 lowbit b1 t1 x1 single-stream");
  EXPECT_EQ(doc["skipped"][0]["reason"], "backend lowbit does not support precision FP32");
  EXPECT_EQ(ResultStore(db).count({}), 4u);
}

TEST(SweepCommand, KilledSweepKeepsEveryCompletedPointAndNoPartialOne) {
  const fs::path dir = test::fresh_dir("qtb_sweep_kill");
  test::spit(dir / "s.toml", R"(
models = ["mlp"]
prunes = [0.125]
precisions = ["FP32"]
backends = ["onednn"]
batches = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
threads = [1]
power = "none"
[harness]
warmup_seconds = 0
min_seconds = 0.3
min_queries = 20
)");
  const fs::path db = dir / "s.db";
  const pid_t pid =
      test::spawn_app(dir, {"sweep", "--config", (dir / "s.toml").string(), "--db", db.string()});
  const auto start = std::chrono::steady_clock::now();
  std::size_t stored = 0;
  int status = 0;
  while (stored < 3) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(waitpid(pid, &status, WNOHANG), 0)
        << "the sweep ended before the kill: " << test::slurp(dir / "stderr");
    ASSERT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(120))
        << test::slurp(dir / "stderr");
    if (fs::exists(db)) stored = ResultStore(db).count({});
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status));

  EXPECT_EQ(test::integrity(db), "ok");
  const auto rows = ResultStore(db).query({});
  EXPECT_GE(rows.size(), 3u);
  EXPECT_LT(rows.size(), 20u);  // killed before the end
  for (std::size_t i = 0; i < rows.size(); ++i) {
    // Points are stored whole and in order: batch 1, 2, 3, ...
    EXPECT_EQ(rows[i].batch, static_cast<std::int64_t>(i + 1));
    EXPECT_TRUE(rows[i].fps_system.has_value());
    EXPECT_TRUE(rows[i].latency_compute_ms.p50.has_value());
    EXPECT_GE(rows[i].samples, 20);
    EXPECT_FALSE(rows[i].created_at.empty());
  }
}

}  // namespace
}  // namespace qtb
