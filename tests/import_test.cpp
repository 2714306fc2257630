// `qutibench import`, `export` and `results` end to end, against the paper's portal CSV itself:
// counts per platform read straight from the file, hand-checked rows, refusal of broken copies
// with the database unchanged, and a lossless export -> import round trip.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "app_process.hpp"
#include "measure/result_row_json.hpp"
#include "store/result_store.hpp"

namespace qtb {
namespace {

using test::fresh_dir;
using test::run_app;
namespace fs = std::filesystem;

// The portal file's lines (header first), read without the importer.
std::vector<std::string> portal_lines() {
  std::vector<std::string> lines;
  std::istringstream in(test::slurp(test::portal_csv()));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// The n-th comma-separated field of a line; only used on fields before the first quoted one.
std::string field(const std::string& line, int n) {
  std::size_t start = 0;
  for (int i = 0; i < n; ++i) start = line.find(',', start) + 1;
  return line.substr(start, line.find(',', start) - start);
}

// docs/store.md's table, written out by hand: portal HWType -> our platform/op_mode.
const std::map<std::string, std::string> kExpectedPlatform = {
    {"TX2-maxn", "TX2/maxn"},
    {"TX2-maxp", "TX2/maxp"},
    {"TX2-maxq", "TX2/maxq"},
    {"NCS2", "NCS2/default"},
    {"EdgeTPU-fast", "EdgeTPU/fast"},
    {"EdgeTPU-slow", "EdgeTPU/slow"},
    {"U96-Quadcore-A53", "U96-A53/default"},
    {"ZCU104-Bismo", "ZCU104-BISMO/default"},
    {"ZCU104-FINN", "ZCU104-FINN/default"},
    {"Ultra96-DPU", "Ultra96-DPU/default"},
    {"ZCU102-DPU", "ZCU102-DPU/default"},
    {"ZCU104-DPU", "ZCU104-DPU/default"},
};

std::map<std::string, std::size_t> stored_platform_counts(const fs::path& db) {
  std::map<std::string, std::size_t> counts;
  for (const ResultRow& row : ResultStore(db).query({})) ++counts[row.platform + "/" + row.op_mode];
  return counts;
}

// Everything stored, as JSON: "the database is unchanged" compares this before and after.
nlohmann::json snapshot(const fs::path& db) {
  return rows_document(ResultStore(db).query({}));
}

std::string import_args(const fs::path& file, const fs::path& db) {
  return "import " + file.string() + " --db " + db.string();
}

TEST(PortalImport, StoresEveryRowWithTheFilesCountsPerPlatform) {
  const fs::path dir = fresh_dir("qtb_import");
  const fs::path db = dir / "results.db";
  const auto lines = portal_lines();
  ASSERT_EQ(field(lines[0], 1), "HWType");
  std::map<std::string, std::size_t> expected;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string hw_type = field(lines[i], 1);
    ASSERT_TRUE(kExpectedPlatform.contains(hw_type)) << hw_type;
    ++expected[kExpectedPlatform.at(hw_type)];
  }
  const std::size_t total = lines.size() - 1;
  EXPECT_EQ(total, 974u);

  const auto r = run_app(dir, import_args(test::portal_csv(), db));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("974 inserted, 0 skipped"), std::string::npos) << r.err;
  EXPECT_EQ(ResultStore(db).count({}), total);
  EXPECT_EQ(stored_platform_counts(db), expected);
  RowFilter paper;
  paper.source = "paper";
  EXPECT_EQ(ResultStore(db).count(paper), total);
}

TEST(PortalImport, NormalisesNamesAndUnits) {
  const fs::path dir = fresh_dir("qtb_import");
  const fs::path db = dir / "results.db";
  ASSERT_EQ(run_app(dir, import_args(test::portal_csv(), db)).exit_code, 0);
  const auto rows = ResultStore(db).query({});
  ASSERT_EQ(rows.size(), 974u);
  // Line 2: MLP,NCS2,FP16,,1,3.16,1.6157,316.199,618.928,...,97.95,,0.53,1.2,1.548,0.000669,12.5,
  // l3
  const ResultRow& ncs = rows[0];
  EXPECT_EQ(ncs.topology, "mlp");
  EXPECT_EQ(ncs.dataset, "mnist");
  EXPECT_EQ(ncs.platform, "NCS2");
  EXPECT_EQ(ncs.op_mode, "default");
  EXPECT_EQ(ncs.precision, "FP16");
  EXPECT_EQ(ncs.prune, 0.125);
  EXPECT_EQ(ncs.batch, 1);
  EXPECT_EQ(ncs.level, "L3");
  EXPECT_EQ(ncs.latency_system_ms.mean, 3.16);
  EXPECT_EQ(ncs.latency_compute_ms.mean, 1.6157);
  EXPECT_FALSE(ncs.latency_compute_ms.p50.has_value());
  EXPECT_EQ(ncs.fps_system, 316.199);
  EXPECT_EQ(ncs.fps_compute, 618.928);
  EXPECT_EQ(ncs.top1, 97.95);
  EXPECT_FALSE(ncs.top5.has_value());
  EXPECT_EQ(ncs.accuracy_source, "reported");
  EXPECT_NE(ncs.accuracy_reference.find("Blott"), std::string::npos);
  EXPECT_EQ(ncs.power_base_w, 0.53);
  EXPECT_EQ(ncs.power_idle_w, 1.2);
  EXPECT_EQ(ncs.power_full_w, 1.548);
  EXPECT_EQ(ncs.power_source, "reported");
  EXPECT_EQ(ncs.gops_per_input, 0.000669);
  EXPECT_EQ(ncs.source, "paper");
  EXPECT_EQ(ncs.backend, "");

  // Per-platform sweep parameter and the other sweeps left at 1.
  std::size_t finn = 0, dpu = 0, tx2 = 0;
  for (const ResultRow& row : rows) {
    if (row.platform == "ZCU104-FINN") {
      ++finn;
      EXPECT_EQ(row.batch, 1);
      EXPECT_EQ(row.threads, 1);
    } else if (row.platform.ends_with("-DPU")) {
      ++dpu;
      EXPECT_EQ(row.batch, 1);
      EXPECT_EQ(row.streams, 1);
    } else {
      EXPECT_EQ(row.threads, 1);
      EXPECT_EQ(row.streams, 1);
      if (row.platform == "TX2") ++tx2;
    }
  }
  EXPECT_EQ(finn, 154u);
  EXPECT_EQ(dpu, 40u + 16u + 16u);
  EXPECT_EQ(tx2, 480u);
  // Line 4 of the FINN block with stream size 10000 exists; a DPU row with 8 threads: GOPS 9.12
  // over 8 inputs (ZCU104-DPU MobileNetv1, the first ZCU104-DPU line of the file).
  bool found = false;
  for (const ResultRow& row : rows) {
    if (row.platform == "ZCU104-DPU" && row.topology == "mobilenet_v1" && row.threads == 8) {
      found = true;
      EXPECT_EQ(row.precision, "INT8");
      EXPECT_DOUBLE_EQ(*row.gops_per_input, 9.12 / 8);
      EXPECT_FALSE(row.power_base_w.has_value());  // empty in the file
      EXPECT_EQ(row.power_idle_w, 15.72);
    }
    // "1,234.82" (quoted, with a thousands separator) on line 809.
    if (row.platform == "TX2" && row.op_mode == "maxq" && row.topology == "googlenet" &&
        row.batch == 128 && row.precision == "FP16") {
      EXPECT_EQ(row.latency_system_ms.mean, 1234.82);
    }
  }
  EXPECT_TRUE(found);
  RowFilter w2;
  w2.precision = "W2A2";  // INT2 in the file
  EXPECT_EQ(ResultStore(db).count(w2), 178u);
}

TEST(PortalImport, ImportingTwiceAddsNothing) {
  const fs::path dir = fresh_dir("qtb_import");
  const fs::path db = dir / "results.db";
  ASSERT_EQ(run_app(dir, import_args(test::portal_csv(), db)).exit_code, 0);
  const nlohmann::json before = snapshot(db);
  const auto again = run_app(dir, import_args(test::portal_csv(), db));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("0 inserted, 974 skipped"), std::string::npos) << again.err;
  EXPECT_EQ(snapshot(db), before);
}

struct Breakage {
  std::string name;
  std::size_t line;  // 1-based line the importer must name (1 = header)
  std::string expect;
};

// Returns the portal file with one thing broken.
std::string broken_copy(const std::string& kind) {
  auto lines = portal_lines();
  if (kind == "bad-number") {
    // lat-comp (field 6) of line 100 becomes "1.2.3".
    std::string& l = lines[99];
    const std::string lat = field(l, 6);
    l.replace(l.find("," + lat + ",") + 1, lat.size(), "1.2.3");
  } else if (kind == "unknown-platform") {
    std::string& l = lines[199];
    const std::string hw = field(l, 1);
    l.replace(l.find(hw), hw.size(), "TX3-maxn");
  } else if (kind == "column-count") {
    std::string& l = lines[299];
    l = l.substr(0, l.rfind(','));  // drops the last field (tag)
  } else if (kind == "missing-column") {
    // Removes the Datatype column (field 2, before any quoted field) from every line.
    for (std::string& l : lines) {
      std::size_t start = 0;
      for (int i = 0; i < 2; ++i) start = l.find(',', start) + 1;
      l.erase(start, l.find(',', start) - start + 1);
    }
  }
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return text;
}

TEST(PortalImport, ABrokenCopyIsRefusedWholeAndTheDatabaseIsUnchanged) {
  const fs::path dir = fresh_dir("qtb_import");
  const fs::path db = dir / "results.db";
  // Something already stored, which must survive every refused import.
  ASSERT_EQ(run_app(dir, import_args(test::portal_csv(), db)).exit_code, 0);
  const std::string first_export = run_app(dir, "export --format json --db " + db.string()).out;
  const nlohmann::json before = snapshot(db);
  // Also an empty database.
  const fs::path empty_db = dir / "empty.db";
  { ResultStore store(empty_db); }

  const std::vector<Breakage> cases = {
      {"bad-number", 100, "column 'lat-comp': '1.2.3' is not a number"},
      {"unknown-platform", 200, "unknown platform (HWType) 'TX3-maxn'"},
      {"column-count", 300, "25 fields, the header has 26"},
      {"missing-column", 1, "missing column 'Datatype'"},
  };
  for (const Breakage& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path file = dir / (c.name + ".csv");
    test::spit(file, broken_copy(c.name));
    for (const fs::path& target : {db, empty_db}) {
      const auto r = run_app(dir, import_args(file, target));
      EXPECT_EQ(r.exit_code, 2);
      EXPECT_EQ(test::count_lines(r.err), 1) << r.err;  // one clear line
      EXPECT_NE(r.err.find("line " + std::to_string(c.line) + ": " + c.expect), std::string::npos)
          << r.err;
      EXPECT_NE(r.err.find("nothing stored"), std::string::npos) << r.err;
    }
    EXPECT_EQ(snapshot(db), before);
    EXPECT_EQ(ResultStore(empty_db).count({}), 0u);
  }
  EXPECT_EQ(run_app(dir, "export --format json --db " + db.string()).out, first_export);
}

TEST(Import, RefusesADatabaseThatIsNotOurs) {
  const fs::path dir = fresh_dir("qtb_import");
  const fs::path not_db = dir / "notes.db";
  test::spit(not_db, std::string(2048, 'n'));
  const auto r = run_app(dir, import_args(test::portal_csv(), not_db));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("not a qutibench database"), std::string::npos) << r.err;
  EXPECT_EQ(test::slurp(not_db), std::string(2048, 'n'));
}

// Our own rows with every kind of value, appended through the library.
std::vector<ResultRow> our_rows() {
  std::vector<ResultRow> rows;
  for (int i = 0; i < 3; ++i) {
    ResultRow r;
    r.topology = "cnv";
    r.prune = 0.25 * (i + 1);
    r.precision = i == 0 ? "W1A1" : "INT8";
    r.dataset = "cifar10";
    r.platform = "host";
    r.backend = "onednn";
    r.op_mode = "default";
    r.batch = 8 << i;
    r.threads = 2;
    r.level = "L3";
    r.fps_compute = 1000.0 / 3.0 * (i + 1);
    r.latency_compute_ms = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.01, 9.99, 1.0 / 7};
    if (i != 1) r.latency_system_ms.p999 = 123.456789012345678;
    r.samples = 1000 + i;
    r.power_source = i == 2 ? "rapl" : "none";
    if (i == 2) r.energy_per_input_j = 0.000123;
    r.valid = i != 1;
    r.invalid_reason = i == 1 ? "too few queries, \"min 1000\"" : "";
    r.notes = "seeded, \"random\"\nweights";
    r.source = "ours";
    r.created_at = "2025-06-0" + std::to_string(i + 1) + "T00:00:00Z";
    r.command_line = "qutibench run --model cnv --batch " + std::to_string(r.batch);
    rows.push_back(r);
  }
  return rows;
}

TEST(ExportImport, RoundTripIsLosslessInCsvAndJson) {
  const fs::path dir = fresh_dir("qtb_export");
  const fs::path db = dir / "results.db";
  ASSERT_EQ(run_app(dir, import_args(test::portal_csv(), db)).exit_code, 0);
  { ResultStore(db).append(our_rows()); }
  const nlohmann::json original = snapshot(db);
  ASSERT_EQ(original["rows"].size(), 974u + 3u);

  for (const char* format : {"csv", "json"}) {
    SCOPED_TRACE(format);
    const fs::path file = dir / (std::string("export.") + format);
    const auto exported = run_app(dir, std::string("export --format ") + format + " --db " +
                                           db.string() + " -o " + file.string());
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    const fs::path copy = dir / (std::string("copy-") + format + ".db");
    const auto imported = run_app(dir, import_args(file, copy));
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    EXPECT_NE(imported.err.find("977 inserted, 0 skipped"), std::string::npos) << imported.err;
    EXPECT_EQ(snapshot(copy), original);
    // The export of rows already stored adds nothing to the original.
    const auto again = run_app(dir, import_args(file, db));
    EXPECT_NE(again.err.find("0 inserted, 977 skipped"), std::string::npos) << again.err;
  }
  // The CSV flattens the latencies into columns.
  const std::string header = test::slurp(dir / "export.csv").substr(0, 2000);
  for (const char* column : {"latency_compute_ms_mean", "latency_compute_ms_p50",
                             "latency_system_ms_p999", "latency_compute_ms_stddev"}) {
    EXPECT_NE(header.find(column), std::string::npos) << column;
  }
}

TEST(Results, JsonIsOneDocumentWithTheDesignColumns) {
  const fs::path dir = fresh_dir("qtb_results");
  const fs::path db = dir / "results.db";
  ASSERT_EQ(run_app(dir, import_args(test::portal_csv(), db)).exit_code, 0);
  // Expected count read from the file: TX2 rows in FP16 (Datatype is field 2).
  std::size_t expected = 0;
  const auto lines = portal_lines();
  for (std::size_t i = 1; i < lines.size(); ++i)
    if (field(lines[i], 1).starts_with("TX2-") && field(lines[i], 2) == "FP16") ++expected;
  ASSERT_GT(expected, 0u);

  for (const char* command : {"results", "export"}) {
    SCOPED_TRACE(command);
    const auto r =
        run_app(dir, std::string(command) + " --format json --platform tx2 --precision fp16 --db " +
                         db.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto doc = nlohmann::json::parse(r.out);  // stdout is exactly one document
    ASSERT_EQ(doc.at("rows").size(), expected);
    for (const auto& row : doc["rows"]) {
      for (const char* key : {"topology",
                              "prune",
                              "precision",
                              "platform",
                              "backend",
                              "op_mode",
                              "batch",
                              "threads",
                              "streams",
                              "level",
                              "fps_compute",
                              "fps_system",
                              "latency_compute_ms",
                              "latency_system_ms",
                              "power_idle_w",
                              "power_full_w",
                              "energy_per_input_j",
                              "top1",
                              "top5",
                              "accuracy_source",
                              "gops_per_input",
                              "predicted_fps",
                              "samples",
                              "valid",
                              "invalid_reason",
                              "host",
                              "tool_version",
                              "created_at",
                              "contributor"}) {
        ASSERT_TRUE(row.contains(key)) << key;
      }
      for (const char* stat : {"mean", "p50", "p90", "p95", "p99", "p999", "min", "max", "stddev"})
        ASSERT_TRUE(row["latency_compute_ms"].contains(stat)) << stat;
      EXPECT_EQ(row["platform"], "TX2");
      EXPECT_EQ(row["precision"], "FP16");
      EXPECT_TRUE(row["valid"].is_boolean());
    }
  }
  const auto table =
      run_app(dir, "results --topology cnv --platform ZCU104-FINN --db " + db.string());
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(table.out.starts_with("id ")) << table.out.substr(0, 200);  // the stable row id
  EXPECT_NE(table.out.find("ZCU104-FINN"), std::string::npos);
  EXPECT_EQ(run_app(dir, "results --db " + (dir / "missing.db").string()).exit_code, 2);
  EXPECT_FALSE(fs::exists(dir / "missing.db"));
}

}  // namespace
}  // namespace qtb
