// The report's charts and tables built from the small known store (report_rows.hpp): which charts
// exist, how many data values each inlines, what the page's filters can select on, and the
// selection of rows by task, platform and source.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "app_process.hpp"
#include "core/error.hpp"
#include "platform/catalog.hpp"
#include "report/report.hpp"
#include "report/report_html.hpp"
#include "report/report_selection.hpp"
#include "report_rows.hpp"

namespace qtb {
namespace {

class ReportModel : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = test::fresh_dir("qtb_report_model");
    catalog_ = load_catalog(test::report_test_catalog(dir));
    rows_ = test::report_rows();
    report_ = build_report(rows_, catalog_, {"test rows"});
  }

  const ReportChart& chart(const std::string& id) const {
    const auto it = std::find_if(report_.charts.begin(), report_.charts.end(),
                                 [&](const ReportChart& c) { return c.id == id; });
    if (it == report_.charts.end()) throw std::runtime_error("no chart " + id);
    return *it;
  }

  static std::size_t count(const nlohmann::json& values, const std::string& field,
                           const std::string& value) {
    return static_cast<std::size_t>(std::count_if(values.begin(), values.end(), [&](const auto& d) {
      return d.contains(field) && d[field] == value;
    }));
  }

  std::vector<Platform> catalog_;
  std::vector<ResultRow> rows_;
  Report report_;
};

TEST_F(ReportModel, ChartsPerSection) {
  std::map<std::string, int> per_section;
  for (const ReportChart& c : report_.charts) ++per_section[c.section];
  // Pareto: MNIST and CIFAR-10 x (fps, fps/W, latency); latency-throughput: TX2, ZCU104-FINN,
  // host; rooflines: TX2 and ZCU104-FINN only (host is not in the test catalog); boxes: mlp, cnv.
  EXPECT_EQ(per_section["pareto"], 6);
  EXPECT_EQ(per_section["latency"], 3);
  EXPECT_EQ(per_section["roofline"], 2);
  EXPECT_EQ(per_section["box"], 2);
  EXPECT_EQ(per_section["theory"], 1);
  EXPECT_EQ(report_.charts.size(), 14u);
  std::set<std::string> ids;
  for (const ReportChart& c : report_.charts) ids.insert(c.id);
  EXPECT_EQ(ids.size(), report_.charts.size()) << "chart ids must be unique (SVG file names)";
}

TEST_F(ReportModel, ParetoChartsInlineEveryPlaceablePoint) {
  // 4 paper + 4 ours MNIST points; the invalid row is left out.
  const auto& fps = chart("pareto-mnist-accuracy-vs-fps").spec["data"]["values"];
  EXPECT_EQ(fps.size(), 8u);
  EXPECT_EQ(count(fps, "source", "ours"), 4u);
  // Our rows have no power: only the paper's 4 points can be placed, and the note says so.
  const ReportChart& per_watt = chart("pareto-mnist-accuracy-vs-fps-per-w");
  EXPECT_EQ(per_watt.spec["data"]["values"].size(), 4u);
  EXPECT_NE(per_watt.note.find("4 of 8 points (ours 4) lack fps_per_w"), std::string::npos)
      << per_watt.note;
  EXPECT_EQ(chart("pareto-cifar10-accuracy-vs-latency").spec["data"]["values"].size(), 2u);
  // Frontiers are within a source: our best MNIST point (INT8 50%, 14000 fps) does not hide the
  // paper's FINN point (1e6 fps), and the paper's TX2 batch-8 point is dominated by FINN's.
  int frontier = 0;
  for (const auto& d : fps) {
    if (d["status"] == "frontier") ++frontier;
    if (d["platform"] == "TX2") {
      EXPECT_EQ(d["status"], "dominated");
    }
  }
  EXPECT_EQ(frontier, 5);  // paper: FINN 12.5% and 100%; ours: FP32 100%, INT8 100%, INT8 50%
}

TEST_F(ReportModel, RooflineHasCatalogRoofsAndMeasuredPoints) {
  const auto& values = chart("roofline-tx2").spec["data"]["values"];
  EXPECT_EQ(count(values, "kind", "point"), 3u);  // mlp b1, mlp b8, cnv b1
  std::set<std::string> roofs;
  for (const auto& d : values)
    if (d["kind"] == "roof") roofs.insert(d["roof"].get<std::string>());
  EXPECT_EQ(roofs, (std::set<std::string>{"maxn FP16", "maxn FP32", "maxp FP16", "maxp FP32",
                                          "maxq FP16", "maxq FP32"}));
  // The unpruned MLP in FP16: 10,014,720 weights of 2 bytes read per input, 2 ops per weight:
  // OI = 1 op/byte; measured 2000 fps x 20,029,440 ops = 40.06 GOP/s.
  for (const auto& d : values) {
    if (d["kind"] != "point" || d["variant"] != "mlp 100% FP16" ||
        d["deployment"] != "maxn b1 t1 s1")
      continue;
    EXPECT_DOUBLE_EQ(d["oi"].get<double>(), 1.0);
    EXPECT_NEAR(d["gops"].get<double>(), 2000.0 * 20029440 / 1e9, 1e-9);
    EXPECT_EQ(d["bound"], "memory");
  }
}

TEST_F(ReportModel, BoxesAreNormalisedPerPlatform) {
  const auto& values = chart("box-mlp").spec["data"]["values"];
  EXPECT_EQ(values.size(), 7u);  // 3 paper variants + 4 of ours
  for (const auto& d : values) {
    EXPECT_LE(d["max"].get<double>(), 1.0);
    EXPECT_EQ(d["task"], "mnist");
  }
}

TEST_F(ReportModel, TheoryCountsUnpredictedRows) {
  const ReportChart& theory = chart("theory-vs-measurement");
  const auto& values = theory.spec["data"]["values"];
  EXPECT_EQ(count(values, "predicted_by", "catalog"), 6u);  // every paper row
  EXPECT_EQ(count(values, "predicted_by", "stored"), 2u);   // our unpruned rows
  EXPECT_NE(theory.note.find("2 rows without a prediction: platform 'host' is not in the catalog"),
            std::string::npos)
      << theory.note;
}

TEST_F(ReportModel, TablesCarryFilterAttributes) {
  // Ours: A = FP32 100%, B = INT8 100%, C = FP32 50%, D = INT8 50%, for fps and for latency.
  const std::string& table = report_.orthogonality_table;
  std::size_t rows = 0;
  for (auto at = table.find("<tr data-task=\"mnist\" data-platform=\"host\" data-source=\"ours\">");
       at != std::string::npos; at = table.find("<tr data-task", at + 1))
    ++rows;
  EXPECT_EQ(rows, 2u);
  EXPECT_NE(report_.theory_table.find("<td>catalog</td>"), std::string::npos);
  EXPECT_EQ(report_.points.size(), 10u);  // every valid measured row with fps
}

TEST_F(ReportModel, FilterChoicesAndDatumFields) {
  EXPECT_EQ(report_.tasks, (std::vector<std::string>{"mnist", "cifar10"}));
  EXPECT_EQ(report_.platforms, (std::vector<std::string>{"TX2", "ZCU104-FINN", "host"}));
  EXPECT_EQ(report_.sources, (std::vector<std::string>{"ours", "paper"}));
  // Every datum that is a measured point names its task, platform and source for the filters.
  for (const ReportChart& c : report_.charts)
    for (const auto& d : c.spec["data"]["values"])
      if (d.contains("source")) {
        EXPECT_TRUE(d.contains("platform")) << c.id;
        EXPECT_TRUE(d.contains("task")) << c.id;
      }
  EXPECT_EQ(report_.notes.size(), 1u);  // host has no catalog entry
}

TEST(ReportSelection, FiltersRowsByTaskPlatformAndSource) {
  const auto rows = test::report_rows();
  const std::vector<std::string> known{"TX2", "ZCU104-FINN", "host"};
  auto select = [&](std::vector<std::string> tasks, std::vector<std::string> platforms,
                    std::string source) {
    return select_report_rows(rows, parse_report_selection(tasks, platforms, source), known);
  };
  EXPECT_EQ(select({}, {}, "all").size(), rows.size());
  EXPECT_EQ(select({"cifar10"}, {}, "all").size(), 2u);
  EXPECT_EQ(select({"mnist,cifar10"}, {"tx2"}, "paper").size(), 3u);  // case-insensitive
  EXPECT_EQ(select({}, {}, "ours").size(), 5u);                       // 4 valid + the invalid one
  EXPECT_EQ(select({"all"}, {"all"}, "all").size(), rows.size());
  EXPECT_THROW(select({"mnst"}, {}, "all"), InputError);
  EXPECT_THROW(select({}, {"TX3"}, "all"), InputError);
  EXPECT_THROW(select({}, {}, "both"), InputError);
}

TEST(ReportSelection, FilteredReportOnlyHoldsTheSelection) {
  const auto dir = test::fresh_dir("qtb_report_model");
  const auto catalog = load_catalog(test::report_test_catalog(dir));
  const auto all = test::report_rows();
  const auto rows = select_report_rows(all, parse_report_selection({"mnist"}, {}, "paper"),
                                       {"TX2", "ZCU104-FINN", "host"});
  const Report report = build_report(rows, catalog, {});
  EXPECT_EQ(report.charts.size(),
            3u + 2u + 2u + 1u + 1u);  // pareto, latency, roofline, box, theory
  for (const ReportChart& c : report.charts)
    for (const auto& d : c.spec["data"]["values"]) {
      if (d.contains("source")) {
        EXPECT_EQ(d["source"], "paper") << c.id;
      }
      if (d.contains("task")) {
        EXPECT_EQ(d["task"], "mnist") << c.id;
      }
    }
}

TEST(ReportHtml, JsonInScriptCannotCloseTheScript) {
  const nlohmann::json value{{"label", "</script><b>"}};
  const std::string safe = script_safe_json(value);
  EXPECT_EQ(safe.find('<'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(safe), value);
}

}  // namespace
}  // namespace qtb
