// Bad input, imports: every hostile or wrong file is refused with one line and exit 2, and the store
// it was meant for is left byte for byte as it was. The files are written here, small; a "huge"
// file is sparse.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app_process.hpp"
#include "core/csv_reader.hpp"
#include "core/limits.hpp"
#include "measure/result_row_json.hpp"
#include "store/import.hpp"
#include "store/result_store.hpp"
#include "store/row_csv.hpp"
#include "store/row_validation.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;
using test::run_app;

// One of our rows, sound: every check of validate_row passes.
ResultRow good_row() {
  ResultRow r;
  r.topology = "cnv";
  r.prune = 0.5;
  r.precision = "W2A2";
  r.dataset = "cifar10";
  r.platform = "host";
  r.backend = "lowbit";
  r.op_mode = "default";
  r.batch = 8;
  r.threads = 2;
  r.streams = 1;
  r.scenario = "offline";
  r.level = "L3";
  r.fps_compute = 1200.5;
  r.fps_system = 1100.25;
  r.latency_compute_ms.mean = 6.5;
  r.latency_system_ms.p99 = 7.25;
  r.samples = 100;
  r.top1 = 80.5;
  r.top5 = 97.0;
  r.accuracy_source = "measured";
  r.accuracy_samples = 10000;
  r.source = "ours";
  r.notes = " padded note ";
  r.created_at = "2025-06-01T00:00:00Z";
  return r;
}

// A store holding the paper's rows; every test refuses something into it and compares its bytes.
class HardenedImport : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_dir("qtb_hard_import");
    db_ = dir_ / "results.db";
    const auto r = run_app(dir_, import_args(test::portal_csv()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    bytes_ = test::slurp(db_);
    ASSERT_FALSE(bytes_.empty());
  }

  std::string import_args(const fs::path& file) const {
    return "import " + file.string() + " --db " + db_.string();
  }

  // Imports `file`, expecting a refusal: exit 2, one line holding `expect`, nothing stored.
  void expect_refused(const fs::path& file, const std::string& expect) {
    const auto r = run_app(dir_, import_args(file));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
    EXPECT_LE(r.err.size(), file.string().size() + 220) << r.err;  // the path is the user's
    EXPECT_TRUE(r.err.starts_with("qutibench: error: ")) << r.err;
    EXPECT_NE(r.err.find(expect), std::string::npos) << r.err;
    expect_store_unchanged();
  }

  void expect_store_unchanged() {
    EXPECT_TRUE(test::slurp(db_) == bytes_) << "the store changed";
    EXPECT_EQ(ResultStore(db_, StoreAccess::Read).count({}), 974u);
  }

  fs::path write(const std::string& name, const std::string& text) const {
    test::spit(dir_ / name, text);
    return dir_ / name;
  }

  fs::path dir_, db_;
  std::string bytes_;
};

// The portal file with one cell of one line replaced (column by header name; the lines changed
// hold no quoted field before it).
std::string portal_with(std::size_t line, const std::string& column, const std::string& value) {
  std::istringstream in(test::slurp(test::portal_csv()));
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::size_t index = 0;
  for (std::size_t start = 0;; ++index) {
    const std::size_t end = lines[0].find(',', start);
    if (lines[0].substr(start, end - start) == column) break;
    start = end + 1;
  }
  std::string& target = lines[line - 1];
  std::size_t start = 0;
  for (std::size_t i = 0; i < index; ++i) start = target.find(',', start) + 1;
  target.replace(start, target.find(',', start) - start, value);
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return text;
}

TEST_F(HardenedImport, DeeplyNestedJsonIsOneLineNotACrash) {
  const std::string deep =
      "{\"rows\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  expect_refused(write("deep.json", deep),
                 "deep.json: import refused, nothing stored: JSON nested more than 64 levels deep");
}

TEST_F(HardenedImport, ANumberBeyondADoubleIsInputNotAnInternalError) {
  nlohmann::json doc = rows_document({good_row()});
  std::string text = doc.dump();
  const std::string fps = "\"fps_compute\":1200.5";
  ASSERT_NE(text.find(fps), std::string::npos);
  text.replace(text.find(fps), fps.size(), "\"fps_compute\":1e999");
  expect_refused(write("overflow.json", text), "not valid JSON (number overflow parsing '1e999')");
}

TEST_F(HardenedImport, DevicesFifosAndDirectoriesAreRefusedByKind) {
  expect_refused("/dev/zero",
                 "/dev/zero: import refused, nothing stored: it is a character device, not a "
                 "regular file");
  const fs::path fifo = dir_ / "pipe.csv";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  expect_refused(fifo, "it is a FIFO, not a regular file");
  fs::create_directory(dir_ / "folder");
  expect_refused(dir_ / "folder", "it is a directory, not a file");
  expect_refused(dir_ / "absent.csv", "absent.csv: import refused, nothing stored: no such file");
}

TEST_F(HardenedImport, AFileOverTheReadCapIsRefusedUnread) {
  const fs::path huge = dir_ / "huge.csv";
  { std::ofstream create(huge); }
  fs::resize_file(huge, 2 * kMaxReadFileBytes);  // sparse: no disk used
  expect_refused(huge, "the file is 2.1 GB, more than the 1.1 GB an import reads");
}

TEST_F(HardenedImport, OutOfRangeValuesNameTheLineFieldValueAndRange) {
  // The portal's own columns, after its units are converted (line 2 is MLP on NCS2).
  expect_refused(write("top1.csv", portal_with(2, "top1", "197.95")),
                 "line 2: top1 = 197.95 is out of range: must be 0 to 100 percent");
  expect_refused(write("top5.csv", portal_with(7, "top5 [%]", "100.5")),
                 "line 7: top5 = 100.5 is out of range: must be 0 to 100 percent");

  // Our CSV and JSON: one bad row after a good one; the good one is not stored either.
  struct Case {
    const char* name;
    void (*spoil)(ResultRow&);
    const char* expect;
  };
  const std::vector<Case> cases = {
      {"fps", [](ResultRow& r) { r.fps_system = -1.5; },
       "fps_system = -1.5 is out of range: must be 0 or more inputs per second"},
      {"latency", [](ResultRow& r) { r.latency_system_ms.p99 = -2; },
       "latency_system_ms_p99 = -2 is out of range: must be 0 or more ms"},
      {"energy", [](ResultRow& r) { r.energy_per_input_j = -0.25; },
       "energy_per_input_j = -0.25 is out of range: must be 0 or more J"},
      {"power", [](ResultRow& r) { r.power_full_w = -3; },
       "power_full_w = -3 is out of range: must be 0 or more W"},
      {"top1", [](ResultRow& r) { r.top1 = 100.25; },
       "top1 = 100.25 is out of range: must be 0 to 100 percent"},
      {"top5", [](ResultRow& r) { r.top5 = -0.5; },
       "top5 = -0.5 is out of range: must be 0 to 100 percent"},
      {"prune", [](ResultRow& r) { r.prune = 1.5; },
       "prune = 1.5 is out of range: must be more than 0 and at most 1"},
      {"prune0", [](ResultRow& r) { r.prune = 0; },
       "prune = 0 is out of range: must be more than 0 and at most 1"},
      {"batch", [](ResultRow& r) { r.batch = 0; }, "batch = 0 is out of range: must be 1 or more"},
      {"threads", [](ResultRow& r) { r.threads = -4; },
       "threads = -4 is out of range: must be 1 or more"},
      {"streams", [](ResultRow& r) { r.streams = 0; },
       "streams = 0 is out of range: must be 1 or more"},
      {"level", [](ResultRow& r) { r.level = "L9"; }, "level = 'L9' is not one of: L0, L1, L2, L3"},
      {"source", [](ResultRow& r) { r.source = "mine"; },
       "source = 'mine' is not one of: paper, ours"},
      {"topology", [](ResultRow& r) { r.topology = "alexnet"; },
       "topology = 'alexnet' is not one of: mlp, cnv, resnet50"},
      {"platform", [](ResultRow& r) { r.platform = ""; }, "platform is empty (it is required)"},
      {"paper-platform",
       [](ResultRow& r) {
         r.source = "paper";
         r.platform = "host";
       },
       "platform = 'host' is not one of: TX2, NCS2, EdgeTPU"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ResultRow bad = good_row();
    c.spoil(bad);
    const std::vector<ResultRow> rows = {good_row(), bad};
    expect_refused(write(std::string(c.name) + ".csv", rows_to_csv(rows)),
                   std::string("(1 of 2 rows malformed): line 3: ") + c.expect);
    expect_refused(write(std::string(c.name) + ".json", rows_document(rows).dump(1)),
                   std::string("(1 of 2 rows malformed): rows[1]: ") + c.expect);
  }
}

TEST_F(HardenedImport, ManyBadLinesStayOneShortLine) {
  std::vector<ResultRow> rows(500, good_row());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].batch = -static_cast<std::int64_t>(i);
  const fs::path file = write("many.csv", rows_to_csv(rows));
  const auto r = run_app(dir_, import_args(file));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(test::count_lines(r.err), 1);
  EXPECT_LE(r.err.size(), file.string().size() + 220) << r.err;
  EXPECT_NE(r.err.find("(500 of 500 rows malformed): line 2: batch = 0 is out of range"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("more"), std::string::npos) << r.err;
  expect_store_unchanged();
}

TEST_F(HardenedImport, AHugeCellIsQuotedShort) {
  ResultRow row = good_row();
  std::string csv = rows_to_csv({row});
  const std::string header = csv.substr(0, csv.find('\n') + 1);
  std::string line = csv.substr(header.size());
  // The prune cell (the second) becomes a megabyte of digits and letters.
  const std::size_t first = line.find(',');
  line.replace(first + 1, line.find(',', first + 1) - first - 1, std::string(1 << 20, '7') + "x");
  const fs::path file = write("huge_cell.csv", header + line);
  const auto r = run_app(dir_, import_args(file));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_LE(r.err.size(), file.string().size() + 220) << r.err.substr(0, 400);
  EXPECT_NE(r.err.find("line 2: column 'prune': '7777777777"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("...' is not a number"), std::string::npos) << r.err;
  expect_store_unchanged();
}

TEST_F(HardenedImport, DuplicateColumnNamesAreRefusedByName) {
  std::string ours = rows_to_csv({good_row()});
  ours.insert(ours.find('\n'), ",notes");
  ours.insert(ours.find('\n', ours.find('\n') + 1), ",again");
  expect_refused(write("dup.csv", ours), "line 1: column 'notes' appears twice");

  std::string portal = test::slurp(test::portal_csv());
  portal.replace(portal.find(",tag\n"), 5, ",top1\n");  // last header column renamed top1
  expect_refused(write("dup_portal.csv", portal), "line 1: column 'top1' appears twice");
}

// What is accepted, checked on a fresh store: each file stores its rows.
TEST(HardenedImportAccepts, AByteOrderMarkAndSpacesAroundValues) {
  const fs::path dir = test::fresh_dir("qtb_hard_accept");
  const std::string bom = "\xEF\xBB\xBF";

  // The portal's file as Excel saves it, with spaces around a figure and a name.
  std::string portal = portal_with(2, "fps-comp", " 618.928 ");
  portal = bom + portal;
  const std::string hw = "MLP,NCS2,";
  ASSERT_TRUE(portal.find(hw) != std::string::npos);
  portal.replace(portal.find(hw), hw.size(), "MLP, NCS2 ,");
  test::spit(dir / "portal.csv", portal);
  const fs::path db = dir / "portal.db";
  auto r = run_app(dir, "import " + (dir / "portal.csv").string() + " --db " + db.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = ResultStore(db, StoreAccess::Read).query({});
  ASSERT_EQ(rows.size(), 974u);
  EXPECT_EQ(rows[0].fps_compute, 618.928);
  EXPECT_EQ(rows[0].platform, "NCS2");

  // Our CSV with a BOM, padded numbers and names; free text keeps its spaces.
  std::string ours = rows_to_csv({good_row()});
  const std::string cells = "cnv,0.5,W2A2,cifar10,host,";
  ASSERT_NE(ours.find(cells), std::string::npos) << ours;
  ours.replace(ours.find(cells), cells.size(), " cnv , 0.5 ,W2A2, cifar10 , host ,");
  test::spit(dir / "ours.csv", bom + ours);
  const fs::path db2 = dir / "ours.db";
  r = run_app(dir, "import " + (dir / "ours.csv").string() + " --db " + db2.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto back = ResultStore(db2, StoreAccess::Read).query({});
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(to_json(back[0]), to_json(good_row()));  // notes " padded note " kept as is

  // JSON names are exact: a padded name is refused rather than guessed.
  ResultRow padded = good_row();
  padded.platform = " host";
  test::spit(dir / "padded.json", rows_document({padded}).dump());
  r = run_app(dir, "import " + (dir / "padded.json").string() + " --db " + db2.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("rows[0]: platform = ' host' has spaces around it"), std::string::npos)
      << r.err;
  EXPECT_EQ(ResultStore(db2, StoreAccess::Read).count({}), 1u);
}

TEST(HardenedCsvReader, SkipsAByteOrderMarkOnlyAtTheStart) {
  const auto records = read_csv("\xEF\xBB\xBFtopology,platform\r\nmlp,\xEF\xBB\xBFhost\r\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"topology", "platform"}));
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"mlp", "\xEF\xBB\xBFhost"}));
}

TEST(RowValidation, ThePapersRowsAndOurRowsPass) {
  const ImportFile file = read_import_file(test::portal_csv());
  ASSERT_EQ(file.rows.size(), 974u);
  for (const ResultRow& row : file.rows) EXPECT_EQ(validate_row(row), std::nullopt);
  EXPECT_EQ(validate_row(good_row()), std::nullopt);
}

TEST(RowValidation, NamesTheFirstProblem) {
  ResultRow r = good_row();
  r.precision = "int8";
  EXPECT_EQ(validate_row(r), "precision = 'int8' is not canonical (write 'INT8')");
  r.precision = "W3A3";
  EXPECT_EQ(validate_row(r),
            "precision = 'W3A3' is not a precision (FP32, FP16, BF16, INT8 or WxAy)");
  r = good_row();
  r.scenario = "server";
  EXPECT_EQ(validate_row(r),
            "scenario = 'server' is not one of: single-stream, offline, multi-stream");
  r = good_row();
  r.accuracy_source = "guessed";
  EXPECT_EQ(validate_row(r), "accuracy_source = 'guessed' is not one of: measured, reported");
  r = good_row();
  r.backend = std::string(100, 'b');
  EXPECT_EQ(validate_row(r),
            "backend = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb...' is longer than 64 characters");
  r = good_row();
  r.op_mode = "max\nn";
  EXPECT_EQ(validate_row(r), "op_mode = 'max\\nn' holds a control character");
  r = good_row();
  r.fps_compute = std::numeric_limits<double>::infinity();
  EXPECT_EQ(validate_row(r),
            "fps_compute = inf is out of range: must be 0 or more inputs per second");
  r = good_row();
  r.topology = "";
  r.top1 = 200;  // the first problem is the one named
  EXPECT_EQ(validate_row(r), "topology is empty (it is required)");
}

}  // namespace
}  // namespace qtb
