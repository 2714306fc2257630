// Bad input, filter names: one rule for every name option of results, export, analyze-results and
// report. A name neither known nor stored exits 2 with the names allowed; a known or stored name
// (any case) selects rows, none perhaps, with exit 0.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app_process.hpp"
#include "core/error.hpp"
#include "store/filter_names.hpp"
#include "store/result_store.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;
using test::run_app;

class FilterNames : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_dir("qtb_hard_filter");
    db_ = dir_ / "results.db";
    const auto r = run_app(dir_, "import " + test::portal_csv().string() + " --db " + db_.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // One of our rows on a board of our own: its names are stored, so they are allowed.
    ResultRow row;
    row.topology = "mlp";
    row.precision = "INT8";
    row.dataset = "mnist";
    row.platform = "myboard";
    row.backend = "onednn";
    row.level = "L3";
    row.source = "ours";
    ResultStore(db_).append(std::vector<ResultRow>{row});
    bytes_ = test::slurp(db_);
  }

  test::AppResult run(const std::string& args) {
    return run_app(dir_, args + " --db " + db_.string());
  }

  void expect_refused(const std::string& args, const std::string& message) {
    SCOPED_TRACE(args);
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
    EXPECT_EQ(r.err, "qutibench: error: " + message + "\n");
    EXPECT_TRUE(r.out.empty()) << r.out.substr(0, 200);
    EXPECT_TRUE(test::slurp(db_) == bytes_) << "the store changed";
  }

  std::size_t json_rows(const std::string& args) {
    const auto r = run(args + " --format json");
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out).at("rows").size() : 0;
  }

  fs::path dir_, db_;
  std::string bytes_;
};

TEST_F(FilterNames, ResultsAndExportRefuseUnknownNamesListingTheAllowedOnes) {
  for (const std::string command : {"results", "export"}) {
    expect_refused(command + " --source mine",
                   "unknown source 'mine' (--source must be one of: paper, ours, all)");
    expect_refused(command + " --level L9",
                   "unknown level 'L9' (--level must be one of: L0, L1, L2, L3)");
    expect_refused(command + " --dataset mnst",
                   "unknown dataset 'mnst' (--dataset must be one of: mnist, fashion-mnist, "
                   "cifar10, imagenet)");
    expect_refused(command + " --backend cuda",
                   "unknown backend 'cuda' (--backend must be one of: onednn, lowbit, "
                   "gemmlowp, sparse, reference)");
    expect_refused(command + " --topology alexnet",
                   "unknown topology 'alexnet' (--topology must be one of: mlp, cnv, resnet50, "
                   "googlenet, mobilenet_v1, resnet50_v1.5, efficientnet_s, efficientnet_m, "
                   "efficientnet_l)");
    expect_refused(command + " --platform TX3",
                   "unknown platform 'TX3' (--platform must be one of: host, TX2, NCS2, EdgeTPU, "
                   "U96-A53, ZCU104-BISMO, ZCU104-FINN, Ultra96-DPU, ZCU102-DPU, ZCU104-DPU, "
                   "myboard)");
  }
}

TEST_F(FilterNames, KnownOrStoredNamesSelectInAnyCase) {
  EXPECT_EQ(json_rows("results --source all"), 975u);
  EXPECT_EQ(json_rows("results --source OURS"), 1u);
  EXPECT_EQ(json_rows("export --platform MyBoard"), 1u);
  EXPECT_EQ(json_rows("results --platform host"), 0u);  // known, nothing stored: no error
  EXPECT_EQ(json_rows("results --backend lowbit"), 0u);
  EXPECT_EQ(json_rows("results --level l3 --topology MLP --source paper"), 406u);
}

TEST_F(FilterNames, AnalyzeResultsFollowsTheSameRule) {
  expect_refused("analyze-results --analysis pareto --task foo",
                 "unknown task 'foo' (--task must be one of: mnist, fashion-mnist, cifar10, "
                 "imagenet)");
  expect_refused("analyze-results --analysis box --source mine",
                 "unknown source 'mine' (--source must be one of: paper, ours, all)");
  const auto r = run("analyze-results --analysis box --task MNIST --source paper --format json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(FilterNames, ReportFollowsTheSameRule) {
  fs::create_directories(dir_ / "vega");
  for (const char* name : {"vega", "vega-lite", "vega-embed"}) {
    test::spit(dir_ / "vega" / (std::string(name) + ".min.js"), "/* marker */");
    test::spit(dir_ / "vega" / (std::string("LICENSE-") + name), "marker licence");
  }
  const std::string report =
      "report -o " + (dir_ / "r.html").string() + " --vega-dir " + (dir_ / "vega").string();
  expect_refused(report + " --task foo",
                 "unknown task 'foo' (--task must be one of: mnist, fashion-mnist, cifar10, "
                 "imagenet)");
  expect_refused(report + " --source mine",
                 "unknown source 'mine' (--source must be one of: paper, ours, all)");
  const auto r = run(report + " --platform TX3");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown platform 'TX3' (--platform must be one of: "), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "r.html"));
}

TEST(FilterNameRule, CutsALongListAndAValueShort) {
  std::vector<std::string> allowed;
  for (int i = 0; i < 40; ++i) allowed.push_back("platform-number-" + std::to_string(i));
  try {
    check_name_option("--platform", std::string(500, 'x'), allowed);
    FAIL();
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_TRUE(
        what.starts_with("unknown platform 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' "
                         "(--platform must be one of: platform-number-0, "))
        << what;
    EXPECT_TRUE(what.ends_with(", ... (34 more))")) << what;
    EXPECT_LE(what.size(), 220u) << what;
  }
  EXPECT_NO_THROW(check_name_option("--platform", "PLATFORM-NUMBER-7", allowed));
}

}  // namespace
}  // namespace qtb
