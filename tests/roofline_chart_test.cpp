// `qutibench roofline`: the L0 analysis as the report's roofline chart. The spec's data against
// a hand-computed case, the one spec shared with the report's rooflines, and the SVG node renders
// from it (skipped where node or the vendored vega is missing, as the report's SVG test is).
#include "report/roofline_chart.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "app_process.hpp"
#include "core/data_dir.hpp"
#include "platform/catalog.hpp"
#include "report/report.hpp"
#include "report/report_html.hpp"
#include "report/report_svg.hpp"
#include "report/vega_scripts.hpp"
#include "report_rows.hpp"
#include "zoo/zoo.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;

const std::vector<Platform>& catalog() {
  static const std::vector<Platform> all = load_catalog(data_dir() / "platforms");
  return all;
}

L0RooflineChart chart_of(const std::vector<const Platform*>& platforms, const std::string& models,
                         const std::string& precisions, bool labels = false) {
  AnalysisRequest request;
  request.models = parse_model_list(models);
  request.prunes = {1.0};
  request.precisions = parse_precision_list(precisions);
  request.platforms = platforms;
  return l0_roofline_chart(analyze(request), platforms, request.storage, labels);
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The unpruned MLP in INT8 on the Ultra96's A53 (data/platforms/u96-a53.toml: one op mode,
// INT8 peak 0.192 TOP/s, 4.26 GB/s). One byte per weight and two ops per weight: OI = 2
// ops/byte, memory bound at 4.26e9 x 2 = 8.52 GOP/s. The ridge sits at 0.192e12 / 4.26e9 =
// 45.07 ops/byte; the roof is drawn from 0.1 (a decade below the point's decade) to 1000 (a
// decade above the ridge's).
TEST(RooflineChart, SpecDataIsTheHandComputedRoofAndPoint) {
  const L0RooflineChart r = chart_of(select_platforms("U96-A53", catalog()), "mlp", "INT8");
  EXPECT_EQ(r.roofs, 1u);
  EXPECT_EQ(r.points, 1u);
  const nlohmann::json& values = r.chart.spec["data"]["values"];
  ASSERT_EQ(values.size(), 4u);  // three roof vertices and the point
  const double ridge = 0.192e12 / 4.26e9;
  const double roof[3][2] = {{0.1, 0.426}, {ridge, 192.0}, {1000.0, 192.0}};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(values[i]["kind"], "roof");
    EXPECT_EQ(values[i]["roof"], "U96-A53 INT8");
    EXPECT_EQ(values[i]["platform"], "U96-A53");
    EXPECT_NEAR(values[i]["oi"].get<double>(), roof[i][0], 1e-12 * roof[i][0]);
    EXPECT_NEAR(values[i]["gops"].get<double>(), roof[i][1], 1e-12 * roof[i][1]);
  }
  const nlohmann::json& point = values[3];
  EXPECT_EQ(point["kind"], "point");
  EXPECT_EQ(point["label"], "mlp s=1 INT8 on U96-A53");
  EXPECT_EQ(point["model"], "mlp");
  EXPECT_DOUBLE_EQ(point["oi"].get<double>(), 2.0);
  EXPECT_NEAR(point["gops"].get<double>(), 8.52, 1e-12);
  EXPECT_EQ(point["bound"], "memory");
  EXPECT_EQ(point["runs_in"], "INT8");
  EXPECT_EQ(r.chart.spec["layer"].size(), 2u);  // roofs and points; no text marks
  EXPECT_EQ(chart_of(select_platforms("U96-A53", catalog()), "mlp", "INT8", true)
                .chart.spec["layer"][2]["mark"]["type"],
            "text");
}

// One roof per (platform, op mode, type in use): FP16 on TX2's three modes draws three roofs and
// none for FP32, which no selected variant runs in.
TEST(RooflineChart, RoofsAreThoseThePointsRunOn) {
  const L0RooflineChart r = chart_of(select_platforms("TX2", catalog()), "mlp,cnv", "FP16");
  EXPECT_EQ(r.roofs, 3u);
  EXPECT_EQ(r.points, 6u);
  std::set<std::string> roofs;
  for (const auto& d : r.chart.spec["data"]["values"])
    if (d["kind"] == "roof") roofs.insert(d["roof"].get<std::string>());
  EXPECT_EQ(roofs, (std::set<std::string>{"TX2 maxn FP16", "TX2 maxp FP16", "TX2 maxq FP16"}));
}

// The report's rooflines and this chart are one chart: the same axes and the same roof lines.
TEST(RooflineChart, TheReportsRooflinesShareTheSpec) {
  const fs::path dir = test::fresh_dir("qtb_roofline_chart");
  const std::vector<Platform> report_catalog = load_catalog(test::report_test_catalog(dir));
  const Report report = build_report(test::report_rows(), report_catalog, {"test rows"});
  const auto measured = std::find_if(report.charts.begin(), report.charts.end(),
                                     [](const ReportChart& c) { return c.id == "roofline-tx2"; });
  ASSERT_NE(measured, report.charts.end());
  const nlohmann::json predicted =
      chart_of(select_platforms("TX2", catalog()), "mlp", "FP16").chart.spec;
  EXPECT_EQ(measured->spec["encoding"], predicted["encoding"]);
  EXPECT_EQ(measured->spec["layer"][0], predicted["layer"][0]);
  EXPECT_EQ(measured->spec["layer"][1]["mark"], predicted["layer"][1]["mark"]);
  EXPECT_EQ(predicted["layer"][1]["encoding"]["color"]["field"], "platform");
  EXPECT_EQ(predicted["layer"][1]["encoding"]["shape"]["field"], "model");
}

// A platform whose name holds markup: the page inlines it only as escaped JSON, so the page has
// its six scripts (three vega bundles, the specs, the points, the page script) and no other.
TEST(RooflineChart, HtmlPageInlinesNamesAsData) {
  Platform odd = *select_platforms("U96-A53", catalog()).front();
  odd.name = "A&B <script>alert(1)</script>";
  const L0RooflineChart r = chart_of({&odd}, "mlp", "INT8", true);
  VegaScripts scripts;
  scripts.vega = "/* vega */";
  const std::string html =
      render_charts_html("qutibench roofline", {&r.chart, 1}, scripts, "/* page */");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(occurrences(html, "<script"), 6u);
  EXPECT_NE(html.find(R"(A&B \u003cscript>alert(1)\u003c/script>)"), std::string::npos);
  EXPECT_NE(html.find("id=\"chart-roofline-l0\""), std::string::npos);
}

class RooflineSvg : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("node --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "node is not installed";
    if (!fs::exists(default_vega_dir() / "vega.min.js"))
      GTEST_SKIP() << "vendored vega missing in " << default_vega_dir() << ": run scripts/setup.sh";
    dir_ = test::fresh_dir("qtb_roofline_svg");
  }

  static bool well_formed(const fs::path& file) {
    return std::system(("xmllint --noout '" + file.string() + "'").c_str()) == 0;
  }

  fs::path dir_;
};

// Two platforms, one with markup in its name, and every small topology in two precisions: a
// symbol per point (vega marks each "point"), a text mark per label, all of it well-formed XML
// with the name escaped.
TEST_F(RooflineSvg, NodeRendersAMarkPerPointAndEscapesNames) {
  Platform odd = *select_platforms("U96-A53", catalog()).front();
  odd.name = "A&B <script>";
  const L0RooflineChart r =
      chart_of({&odd, select_platforms("TX2", catalog()).front()}, "mlp,cnv", "INT8,FP16", true);
  // Per topology: INT8 on the A53, and INT8 (in its FP16 carrier) and FP16 on TX2's three modes;
  // the A53 has no FP16 peak.
  ASSERT_EQ(r.points, 2u * (1u + 3u + 3u));
  const fs::path svg = dir_ / "r.svg";
  write_chart_svg(r.chart, svg, default_vega_dir(), "test");
  ASSERT_TRUE(well_formed(svg));
  const std::string text = test::slurp(svg);
  EXPECT_EQ(text.rfind("<svg", 0), 0u);
  EXPECT_EQ(occurrences(text, R"(aria-roledescription="point")"), r.points);
  EXPECT_EQ(occurrences(text, ">mlp s=1 INT8 on A&amp;B &lt;script&gt;</text>"), 1u);
  EXPECT_EQ(occurrences(text, ">cnv s=1 FP16 on TX2 maxq</text>"), 1u);
  EXPECT_EQ(text.find("<script"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / ".r.svg.qutibench-chart.json"));  // the specs handed to node
}

}  // namespace
}  // namespace qtb
