// `qutibench report` end to end on a small store: the page holds one chart container per spec,
// the specs inline the rows the store has, the command-line filters restrict them, and bad
// options exit 2 with one line and write nothing. The vendored vega bundles are replaced by small
// marker files here (what the page does with them is report_browser_test.cpp's business).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app_process.hpp"
#include "report_rows.hpp"
#include "store/result_store.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;

class ReportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_dir("qtb_report_cli");
    catalog_ = test::report_test_catalog(dir_);
    ResultStore(dir_ / "results.db").append(test::report_rows());
    fs::create_directories(dir_ / "vega");
    for (const char* name : {"vega", "vega-lite", "vega-embed"}) {
      test::spit(dir_ / "vega" / (std::string(name) + ".min.js"),
                 std::string("/* marker ") + name + " */");
      test::spit(dir_ / "vega" / (std::string("LICENSE-") + name), "marker licence");
    }
  }

  test::AppResult report(const std::string& options) {
    return test::run_app(dir_, "report --db " + (dir_ / "results.db").string() + " --catalog " +
                                   catalog_.string() + " --vega-dir " + (dir_ / "vega").string() +
                                   " " + options);
  }

  static nlohmann::json specs_of(const std::string& html) {
    const std::string open = R"(<script type="application/json" id="qtb-specs">)";
    const auto begin = html.find(open);
    if (begin == std::string::npos) return nullptr;
    const auto end = html.find("</script>", begin);
    return nlohmann::json::parse(html.substr(begin + open.size(), end - begin - open.size()));
  }

  static std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }

  fs::path dir_, catalog_;
};

TEST_F(ReportCli, WritesOnePageWithEveryChart) {
  const auto out = dir_ / "report.html";
  const auto r = report("-o " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, out.string() + "\n");  // the path, for scripts
  const std::string html = test::slurp(out);
  const nlohmann::json specs = specs_of(html);
  ASSERT_TRUE(specs.is_array());
  EXPECT_EQ(specs.size(), 14u);
  EXPECT_EQ(occurrences(html, "class=\"qtb-chart\""), specs.size());
  EXPECT_NE(html.find(R"(data-charts="14")"), std::string::npos);
  for (const char* marker :
       {"/* marker vega */", "/* marker vega-lite */", "/* marker vega-embed */"})
    EXPECT_NE(html.find(marker), std::string::npos) << marker;
  EXPECT_NE(html.find(R"(<input type="checkbox" value="ZCU104-FINN" checked>)"), std::string::npos);
  EXPECT_NE(html.find(R"(data-task="mnist" value="98")"), std::string::npos);  // threshold
  EXPECT_NE(html.find("id=\"orthogonality-table\""), std::string::npos);
  // The page's rows: every valid row with fps, our 4 and the paper's 6.
  std::size_t ours = 0, paper = 0;
  for (const auto& spec : specs)
    if (spec["id"] == "pareto-mnist-accuracy-vs-fps")
      for (const auto& d : spec["spec"]["data"]["values"]) (d["source"] == "ours" ? ours : paper)++;
  EXPECT_EQ(ours, 4u);
  EXPECT_EQ(paper, 4u);
}

TEST_F(ReportCli, CommandLineFiltersRestrictTheRows) {
  const auto out = dir_ / "mnist-paper.html";
  const auto r = report("-o " + out.string() + " --task mnist --source paper --platform tx2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json specs = specs_of(test::slurp(out));
  // TX2's MNIST rows only: 3 Pareto charts, its latency chart, its roofline, the mlp box, theory.
  EXPECT_EQ(specs.size(), 7u);
  std::size_t points = 0;
  for (const auto& spec : specs)
    for (const auto& d : spec["spec"]["data"]["values"]) {
      if (!d.contains("source")) continue;
      ++points;
      EXPECT_EQ(d["source"], "paper");
      EXPECT_EQ(d["task"], "mnist");
      EXPECT_EQ(d["platform"], "TX2");
    }
  EXPECT_GT(points, 0u);
}

TEST_F(ReportCli, BadOptionsExit2WithOneLineAndWriteNothing) {
  const auto out = dir_ / "bad.html";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--task mnst", "unknown task 'mnst'"},
      {"--platform TX3", "unknown platform 'TX3'"},
      {"--source both", "unknown source 'both'"},
      {"--format pdf", "unknown report format 'pdf'"},
  };
  for (const auto& [options, message] : cases) {
    const auto r = report("-o " + out.string() + " " + options);
    EXPECT_EQ(r.exit_code, 2) << options;
    EXPECT_EQ(test::count_lines(r.err), 1) << options << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out)) << options;
  }
  auto r = report("-o " + (dir_ / "report.svg").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("must end in .html"), std::string::npos) << r.err;
  r = test::run_app(dir_, "report -o " + out.string() + " --db " + (dir_ / "none.db").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "none.db"));  // a report never creates a database
  r = test::run_app(dir_, "report -o " + out.string() + " --db " + (dir_ / "results.db").string() +
                              " --vega-dir " + (dir_ / "no-vega").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("scripts/setup.sh"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  r = test::run_app(dir_, "report --db " + (dir_ / "results.db").string());
  EXPECT_EQ(r.exit_code, 2);  // -o is required
}

}  // namespace
}  // namespace qtb
