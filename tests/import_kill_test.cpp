// Kill -9 during a large import: the database must afterwards hold either all of the file's rows
// or none of them, never part, and pass SQLite's integrity check.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "app_process.hpp"
#include "store/result_store.hpp"
#include "store/row_csv.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;

// Enough rows that writing them takes a while (seconds on the shared test machines), so the kill
// lands while the transaction is open.
constexpr std::size_t kRows = 60'000;

std::string big_export() {
  std::vector<ResultRow> rows;
  rows.reserve(kRows);
  for (std::size_t i = 0; i < kRows; ++i) {
    ResultRow r;
    r.topology = "mlp";
    r.prune = 1.0;
    r.precision = "INT8";
    r.dataset = "mnist";
    r.platform = "host";
    r.backend = "gemmlowp";
    r.op_mode = "default";
    r.batch = static_cast<std::int64_t>(1 + i % 256);
    r.level = "L3";
    r.fps_compute = 1000.0 + static_cast<double>(i);
    r.latency_compute_ms.mean = 1.0 / (1.0 + static_cast<double>(i));
    r.samples = static_cast<std::int64_t>(i);
    r.source = "ours";
    r.notes = "generated row " + std::to_string(i) + " for the kill test";
    r.created_at = "2025-01-01T00:00:00Z";
    rows.push_back(r);
  }
  return rows_to_csv(rows);
}

std::uintmax_t size_or_zero(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  return ec ? 0 : size;
}

TEST(ImportKill, AKilledImportLeavesAllOrNothing) {
  const fs::path dir = test::fresh_dir("qtb_kill");
  const fs::path db = dir / "results.db";
  // Rows stored before, which must survive.
  ASSERT_EQ(test::run_app(dir, "import " + test::portal_csv().string() + " --db " + db.string())
                .exit_code,
            0);
  const std::size_t before = ResultStore(db).count({});
  ASSERT_EQ(before, 974u);
  const fs::path file = dir / "big.csv";
  test::spit(file, big_export());

  const pid_t pid = test::spawn_app(dir, {"import", file.string(), "--db", db.string()});

  // The writer spills uncommitted pages into the WAL once its cache is full: a WAL of a few MB
  // means the transaction is under way. Kill it there.
  const fs::path wal = dir / "results.db-wal";
  const auto start = std::chrono::steady_clock::now();
  bool exited = false;
  int status = 0;
  while (size_or_zero(wal) < (8u << 20)) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    ASSERT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(120));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_FALSE(exited) << "the import finished before the kill; raise kRows. "
                       << test::slurp(dir / "stderr");
  const std::uintmax_t wal_at_kill = size_or_zero(wal);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  EXPECT_EQ(test::integrity(db), "ok");
  const std::size_t after = ResultStore(db).count({});
  EXPECT_TRUE(after == before || after == before + kRows)
      << "partial import: " << after - before << " of " << kRows << " rows";
  RowFilter paper;
  paper.source = "paper";
  EXPECT_EQ(ResultStore(db).count(paper), before);
  std::cout << "killed with a " << wal_at_kill / (1 << 20)
            << " MB WAL; rows of the file stored: " << after - before << " of " << kRows << "\n";

  // The same file imports completely afterwards.
  const auto again = test::run_app(dir, "import " + file.string() + " --db " + db.string());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(ResultStore(db).count({}), before + kRows);
  EXPECT_EQ(test::integrity(db), "ok");
}

}  // namespace
}  // namespace qtb
