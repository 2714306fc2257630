// Bad input, opening the store: a store that cannot be opened or written fails `run`, `sweep` and
// `import` before any measuring, with its path and the reason; the reading commands never create,
// migrate or write a store. Every case checks that the file is byte for byte as it was.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app_process.hpp"
#include "core/error.hpp"
#include "store/result_store.hpp"
#include "store/schema.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;
using test::run_app;

// Harness settings of a real measurement: a refusal must come before any of it (one line, no
// "measuring" or progress line; no wall-clock assertion).
constexpr const char* kSlowIfMeasured =
    " --warmup-seconds 0 --min-seconds 3 --min-queries 20 --power none";
constexpr const char* kRun = "run --model mlp --prune 0.125 --precision FP32 --backend onednn";

std::string sweep_file(const fs::path& dir) {
  const fs::path file = dir / "s.toml";
  test::spit(file, R"(
models = ["mlp"]
prunes = [0.125]
precisions = ["FP32"]
backends = ["onednn"]
batches = [1]
threads = [1]
power = "none"
[harness]
warmup_seconds = 0
min_seconds = 3
min_queries = 20
)");
  return file.string();
}

struct Timed {
  test::AppResult result;
};

// Runs qutibench with `prefix` before the binary (e.g. to drop root's privileges).
Timed run_timed(const fs::path& dir, const std::string& prefix, const std::string& args) {
  Timed t;
  if (prefix.empty()) {
    t.result = run_app(dir, args);
  } else {
    const std::string command = prefix + " " + test::app_path().string() + " " + args + " >" +
                                (dir / "stdout").string() + " 2>" + (dir / "stderr").string();
    const int status = std::system(command.c_str());
    t.result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    t.result.out = test::slurp(dir / "stdout");
    t.result.err = test::slurp(dir / "stderr");
  }
  return t;
}

// A refusal of a measuring command: exit 2, one line with `expect`, nothing measured.
void expect_refused_before_measuring(const Timed& t, const std::string& expect) {
  const auto& r = t.result;
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(expect), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("measuring"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("points"), std::string::npos) << r.err;  // the sweep's start line
}

// A store with the paper's rows in `store_dir`; the import's output goes to `dir`.
fs::path paper_store(const fs::path& dir, const fs::path& store_dir) {
  const fs::path db = store_dir / "results.db";
  const auto r = run_app(dir, "import " + test::portal_csv().string() + " --db " + db.string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return db;
}

// SQL straight through SQLite, to make files ResultStore would not.
void sql_exec(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sql;
  sqlite3_close(db);
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(StoreOpening, ARunOrSweepIntoAReadOnlyStoreFailsBeforeMeasuring) {
  const fs::path dir = test::fresh_dir("qtb_hard_open");
  const fs::path store_dir = dir / "ro";
  fs::create_directories(store_dir);
  const fs::path db = paper_store(dir, store_dir);
  const std::string bytes = test::slurp(db);
  fs::permissions(db, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  // Root writes any file whatever its mode: run the commands as nobody, for whom 0444 holds.
  std::string prefix;
  if (geteuid() == 0) {
    if (std::system("setpriv --version >/dev/null 2>&1") != 0)
      GTEST_SKIP() << "running as root without setpriv: no way to make a file read-only";
    prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups";
  }
  const std::string expect = db.string() + ": cannot write (read-only file)";
  for (const std::string& args : {std::string(kRun) + " --db " + db.string() + kSlowIfMeasured,
                                  "sweep --config " + sweep_file(dir) + " --db " + db.string()}) {
    SCOPED_TRACE(args);
    expect_refused_before_measuring(run_timed(dir, prefix, args), expect);
    EXPECT_TRUE(test::slurp(db) == bytes) << "the store changed";
  }
  const auto import =
      run_timed(dir, prefix, "import " + test::portal_csv().string() + " --db " + db.string());
  EXPECT_EQ(import.result.exit_code, 2);
  EXPECT_NE(import.result.err.find(expect), std::string::npos) << import.result.err;
  EXPECT_TRUE(test::slurp(db) == bytes) << "the store changed";
  // Reading it still works, also with no -shm file possible beside it (its directory is not
  // writable either), and leaves nothing behind.
  const auto read = run_timed(dir, prefix, "results --format json --db " + db.string());
  EXPECT_EQ(read.result.exit_code, 0) << read.result.err;
  EXPECT_EQ(nlohmann::json::parse(read.result.out).at("rows").size(), 974u);
  EXPECT_TRUE(test::slurp(db) == bytes) << "the store changed";
  EXPECT_EQ(files_in(store_dir), std::vector<std::string>{"results.db"});
}

TEST(StoreOpening, CorruptedDevicesAndDirectoriesAreRefusedWithPathAndReason) {
  const fs::path dir = test::fresh_dir("qtb_hard_open");
  // Random bytes, a whole page of them (fixed seed, so the case is the same every run).
  std::string noise(8192, '\0');
  std::uint32_t state = 12345;
  for (char& c : noise) {
    state = state * 1664525u + 1013904223u;
    c = static_cast<char>(state >> 24);
  }
  const fs::path corrupt = dir / "corrupt.db";
  test::spit(corrupt, noise);
  fs::create_directory(dir / "folder.db");
  const struct {
    fs::path db;
    std::string expect;
  } cases[] = {
      {corrupt, corrupt.string() +
                    " is not a qutibench database (not an SQLite file: file is not a database)"},
      {"/dev/null", "/dev/null: a character device, not a file that can hold a result store"},
      {"/dev/full", "/dev/full: a character device, not a file that can hold a result store"},
      {dir / "folder.db", (dir / "folder.db").string() + ": is a directory, not a result store"},
      {dir / "no" / "such" / "dir.db", (dir / "no" / "such" / "dir.db").string() +
                                           ": cannot create: no directory " +
                                           (dir / "no" / "such").string()},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.db.string());
    for (const std::string& args :
         {std::string(kRun) + " --db " + c.db.string() + kSlowIfMeasured,
          "sweep --config " + sweep_file(dir) + " --db " + c.db.string(),
          "import " + test::portal_csv().string() + " --db " + c.db.string()}) {
      SCOPED_TRACE(args);
      expect_refused_before_measuring(run_timed(dir, "", args), c.expect);
    }
  }
  EXPECT_TRUE(test::slurp(corrupt) == noise);
  EXPECT_FALSE(fs::exists("/dev/null-journal"));
  EXPECT_FALSE(fs::exists("/dev/null-wal"));
  EXPECT_FALSE(fs::exists("/dev/full-journal"));
  EXPECT_FALSE(fs::exists(dir / "no"));
}

TEST(StoreOpening, ReadingCommandsNeverCreateOrTurnAFileIntoAStore) {
  const fs::path dir = test::fresh_dir("qtb_hard_open");
  const fs::path missing = dir / "missing.db";
  const fs::path empty = dir / "empty.db";
  test::spit(empty, "");
  const std::vector<std::string> commands = {"results", "export --format csv",
                                             "analyze-results --analysis box",
                                             "report -o " + (dir / "r.html").string()};
  for (const std::string& command : commands) {
    SCOPED_TRACE(command);
    auto r = run_app(dir, command + " --db " + missing.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(missing.string() + ": no such result store"), std::string::npos) << r.err;
    r = run_app(dir, command + " --db " + empty.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(empty.string() + ": an empty file, not a result store"), std::string::npos)
        << r.err;
  }
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{"empty.db", "stderr", "stdout"}));
  EXPECT_EQ(fs::file_size(empty), 0u);

  // An empty SQLite database (another tool's `sqlite3 x.db vacuum`) is not made ours either.
  const fs::path blank = dir / "blank.db";
  sql_exec(blank, "CREATE TABLE t (x); DROP TABLE t; VACUUM;");
  ASSERT_GT(fs::file_size(blank), 0u);
  const std::string blank_bytes = test::slurp(blank);
  const auto r = run_app(dir, "results --db " + blank.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(blank.string() + ": no result store in it yet"), std::string::npos) << r.err;
  EXPECT_TRUE(test::slurp(blank) == blank_bytes);
}

TEST(StoreOpening, ReadingAStoreLeavesItByteForByteAndNoFilesBeside) {
  const fs::path dir = test::fresh_dir("qtb_hard_open");
  const fs::path store_dir = dir / "store";
  fs::create_directories(store_dir);
  const fs::path db = paper_store(dir, store_dir);
  const std::string bytes = test::slurp(db);
  for (const std::string command :
       {"results", "export --format json", "analyze-results --analysis pareto"}) {
    SCOPED_TRACE(command);
    const auto r = run_app(dir, command + " --db " + db.string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(test::slurp(db) == bytes) << "the store changed";
    EXPECT_EQ(files_in(store_dir), std::vector<std::string>{"results.db"});
  }
}

TEST(StoreOpening, TheLibraryRefusesToReadWhatIsNotAStoreAndCreatesNothing) {
  const fs::path dir = test::fresh_dir("qtb_hard_open");
  try {
    ResultStore store(dir / "none.db", StoreAccess::Read);
    FAIL() << "opened a missing store";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir / "none.db").string() +
                  ": no such result store (import or run something first, or pass --db)");
  }
  EXPECT_FALSE(fs::exists(dir / "none.db"));
  // A store from a newer build: read commands refuse it too, and leave it alone.
  const fs::path newer = dir / "newer.db";
  { ResultStore store(newer); }
  sql_exec(newer, "PRAGMA user_version = " + std::to_string(latest_schema_version() + 1));
  const std::string bytes = test::slurp(newer);
  EXPECT_THROW(ResultStore(newer, StoreAccess::Read), InputError);
  const auto r = run_app(dir, "results --db " + newer.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("was written by a newer qutibench"), std::string::npos) << r.err;
  EXPECT_TRUE(test::slurp(newer) == bytes);
}

}  // namespace
}  // namespace qtb
