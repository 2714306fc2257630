// Bad input, `roofline`: a selection that draws nothing is an error naming it (and writes no
// file); the output's folders are made, as `report` makes them; missing vega files are one line.
// The vega files are stand-ins where nothing runs them.
#include <gtest/gtest.h>

#include <cstdlib>

#include "app_process.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;

fs::path stand_in_vega(const fs::path& dir) {
  fs::create_directories(dir / "vega");
  for (const char* name : {"vega", "vega-lite", "vega-embed"}) {
    test::spit(dir / "vega" / (std::string(name) + ".min.js"), "/* stand-in */");
    test::spit(dir / "vega" / (std::string("LICENSE-") + name), "stand-in licence");
  }
  return dir / "vega";
}

TEST(LimitsRoofline, ASelectionThatDrawsNothingIsAnErrorAndWritesNoFile) {
  const fs::path dir = test::fresh_dir("qtb_limits_roofline");
  // The Edge TPU runs integers only: no FP32 variant has a prediction on it.
  const auto r = test::run_app(dir, "roofline --platform EdgeTPU --model mlp --precision FP32 -o " +
                                        (dir / "r.svg").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "qutibench: error: nothing to draw: no supported prediction for --model 'mlp' "
            "--prune '1' --precision 'FP32' on --platform 'EdgeTPU' --op-mode 'all' (qutibench "
            "analyze says why)\n");
  EXPECT_FALSE(fs::exists(dir / "r.svg"));
}

TEST(LimitsRoofline, TheOutputsFoldersAreMadeAsReportMakesThem) {
  const fs::path dir = test::fresh_dir("qtb_limits_roofline");
  const std::string vega = " --vega-dir " + stand_in_vega(dir).string();
  const fs::path page = dir / "charts" / "2024" / "r.html";
  const auto r =
      test::run_app(dir, "roofline --platform TX2 --model mlp" + vega + " -o " + page.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = test::slurp(page);
  EXPECT_EQ(text.rfind("<!DOCTYPE html>", 0), 0u) << text.substr(0, 80);
  EXPECT_NE(text.find("TX2"), std::string::npos);
  // A folder that cannot be made: one line naming it, exit 2.
  test::spit(dir / "file", "not a folder\n");
  const auto blocked = test::run_app(dir, "roofline --platform TX2 --model mlp" + vega + " -o " +
                                              (dir / "file" / "r.svg").string());
  EXPECT_EQ(blocked.exit_code, 2);
  EXPECT_EQ(test::count_lines(blocked.err), 1) << blocked.err;
  EXPECT_EQ(blocked.err.rfind("qutibench: error: cannot create directory ", 0), 0u) << blocked.err;
  EXPECT_EQ(test::slurp(dir / "file"), "not a folder\n");
}

TEST(LimitsRoofline, MissingVegaFilesAreOneLineAndMakeNothing) {
  const fs::path dir = test::fresh_dir("qtb_limits_roofline");
  for (const char* file : {"out/r.html", "out/r.svg"}) {
    const auto r =
        test::run_app(dir, "roofline --platform TX2 --model mlp --vega-dir " +
                               (dir / "no-vega").string() + " -o " + (dir / file).string());
    EXPECT_EQ(r.exit_code, 2) << file;
    EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("run scripts/setup.sh"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "out")) << file;
  }
}

// node is found on PATH when the SVG is rendered, after every check: without it, one line.
TEST(LimitsRoofline, WithoutNodeSvgIsOneLineNamingIt) {
  const fs::path dir = test::fresh_dir("qtb_limits_roofline");
  const std::string vega = " --vega-dir " + stand_in_vega(dir).string();
  fs::create_directories(dir / "empty");
  const std::string path = std::getenv("PATH");
  setenv("PATH", (dir / "empty").c_str(), 1);
  const auto r = test::run_app(
      dir, "roofline --platform TX2 --model mlp" + vega + " -o " + (dir / "r.svg").string());
  setenv("PATH", path.c_str(), 1);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "qutibench: error: roofline -o FILE.svg needs node (Node.js) on PATH to run vega; "
            "install nodejs\n");
  EXPECT_FALSE(fs::exists(dir / "r.svg"));
}

}  // namespace
}  // namespace qtb
