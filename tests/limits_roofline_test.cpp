// Bad input, `roofline`: a selection that draws nothing is an error naming it (and writes no
// file); the output's folders are made, as `report` makes them.
#include <gtest/gtest.h>

#include "app_process.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;

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
  const fs::path svg = dir / "charts" / "2024" / "r.svg";
  const auto r = test::run_app(dir, "roofline --platform TX2 --model mlp -o " + svg.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = test::slurp(svg);
  EXPECT_TRUE(text.rfind("<svg", 0) == 0 || text.rfind("<?xml", 0) == 0) << text.substr(0, 80);
  EXPECT_NE(text.find("TX2"), std::string::npos);
  // A folder that cannot be made: one line naming it, exit 2.
  test::spit(dir / "file", "not a folder\n");
  const auto blocked = test::run_app(
      dir, "roofline --platform TX2 --model mlp -o " + (dir / "file" / "r.svg").string());
  EXPECT_EQ(blocked.exit_code, 2);
  EXPECT_EQ(test::count_lines(blocked.err), 1) << blocked.err;
  EXPECT_EQ(blocked.err.rfind("qutibench: error: cannot create directory ", 0), 0u) << blocked.err;
  EXPECT_EQ(test::slurp(dir / "file"), "not a folder\n");
}

}  // namespace
}  // namespace qtb
