// The stable short row id: the same row has the same id in two stores and after export and
// re-import; rows that differ in one field have different ids; `qutibench results` shows it.
#include <gtest/gtest.h>

#include <set>

#include "app_process.hpp"
#include "core/json_text.hpp"
#include "store/import.hpp"
#include "store/result_store.hpp"
#include "store/row_id.hpp"
#include "store/row_key.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;

ResultRow sample_row() {
  ResultRow r;
  r.topology = "cnv";
  r.prune = 0.5;
  r.precision = "W2A2";
  r.dataset = "cifar10";
  r.platform = "host";
  r.backend = "lowbit";
  r.level = "L3";
  r.batch = 8;
  r.fps_compute = 1234.5;
  r.source = "ours";
  r.created_at = "2025-01-02T03:04:05Z";
  return r;
}

TEST(ServeRowId, IsTheFirstTwelveHexDigitsOfTheContentHash) {
  const ResultRow row = sample_row();
  const std::string id = row_id(row);
  EXPECT_EQ(id.size(), 12u);
  EXPECT_TRUE(is_row_id(id));
  EXPECT_EQ(id, row_key(row).substr(0, 12));
  EXPECT_FALSE(is_row_id("ABCDEF012345"));  // upper case is never produced
  EXPECT_FALSE(is_row_id("0123456789a"));
  EXPECT_FALSE(is_row_id("'; DROP TABLE"));
}

TEST(ServeRowId, SameRowSameIdInTwoStores) {
  const fs::path dir = test::fresh_dir("qtb_row_id");
  ResultRow other = sample_row();
  other.topology = "mlp";
  other.dataset = "mnist";
  {
    ResultStore first(dir / "a.db");
    first.append(std::vector<ResultRow>{sample_row()});
    ResultStore second(dir / "b.db");
    second.append(std::vector<ResultRow>{other, sample_row()});  // stored in another order
  }
  const ResultStore a(dir / "a.db", StoreAccess::Read);
  const ResultStore b(dir / "b.db", StoreAccess::Read);
  const auto rows_a = a.query({});
  const auto rows_b = b.query({});
  ASSERT_EQ(rows_a.size(), 1u);
  ASSERT_EQ(rows_b.size(), 2u);
  EXPECT_EQ(row_id(rows_a[0]), row_id(rows_b[1]));
  EXPECT_NE(row_id(rows_b[0]), row_id(rows_b[1]));
}

TEST(ServeRowId, RowsDifferingInOneFieldHaveDifferentIds) {
  const ResultRow base = sample_row();
  std::set<std::string> ids{row_id(base)};
  ResultRow r = base;
  r.batch = 9;
  ids.insert(row_id(r));
  r = base;
  r.prune = 0.25;
  ids.insert(row_id(r));
  r = base;
  r.fps_compute = 1234.6;
  ids.insert(row_id(r));
  r = base;
  r.notes = "x";
  ids.insert(row_id(r));
  r = base;
  r.valid = false;
  ids.insert(row_id(r));
  EXPECT_EQ(ids.size(), 6u);
}

TEST(ServeRowId, ResultsShowsTheIdAndItSurvivesExportAndImport) {
  const fs::path dir = test::fresh_dir("qtb_row_id");
  const std::string db = (dir / "a.db").string();
  {
    ResultStore store(db);
    store.append(std::vector<ResultRow>{sample_row()});
  }
  const std::string expected = row_id(sample_row());
  const auto json = test::run_app(dir, "results --format json --db " + db);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json doc = parse_json(json.out, "results");
  ASSERT_EQ(doc["rows"].size(), 1u);
  EXPECT_EQ(doc["rows"][0]["id"], expected);

  const auto table = test::run_app(dir, "results --db " + db);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.rfind("id ", 0), 0u) << table.out;  // the first column
  EXPECT_NE(table.out.find(expected), std::string::npos) << table.out;
  const auto csv = test::run_app(dir, "results --format csv --db " + db);
  EXPECT_EQ(csv.out.rfind("id,source,topology", 0), 0u) << csv.out;
  EXPECT_NE(csv.out.find(expected + ",ours,cnv"), std::string::npos) << csv.out;

  for (const char* format : {"csv", "json"}) {
    const std::string file = (dir / (std::string("export.") + format)).string();
    const std::string copy = (dir / (std::string("copy_") + format + ".db")).string();
    ASSERT_EQ(
        test::run_app(dir, std::string("export --format ") + format + " -o " + file + " --db " + db)
            .exit_code,
        0);
    ASSERT_EQ(test::run_app(dir, "import " + file + " --db " + copy).exit_code, 0);
    const auto again = test::run_app(dir, "results --format json --db " + copy);
    EXPECT_EQ(parse_json(again.out, "results")["rows"][0]["id"], expected) << format;
  }
}

}  // namespace
}  // namespace qtb
