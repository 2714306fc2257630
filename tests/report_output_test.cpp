// `report -o`: which output names the page may be written to (src/report/report_html.hpp,
// check_report_output), and the command end to end for an .htm name.
#include <gtest/gtest.h>

#include "app_process.hpp"
#include "core/error.hpp"
#include "report/report_html.hpp"
#include "report_rows.hpp"
#include "store/result_store.hpp"

namespace qtb {
namespace {

std::string message_of(const std::string& output, const std::string& format) {
  try {
    check_report_output(output, format);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ReportOutput, HtmlAndHtmAreBothPages) {
  for (const char* name : {"report.html", "out/report.htm", "REPORT.HTM", "a.b.Html"})
    EXPECT_EQ(message_of(name, "html"), "") << name;
  // An svg report goes to a directory: any name.
  EXPECT_EQ(message_of("charts", "svg"), "");
}

TEST(ReportOutput, OtherNamesAreRefusedInOneLine) {
  EXPECT_EQ(message_of("report.txt", "html"),
            "report output 'report.txt' must end in .html or .htm (use --format svg for a "
            "directory of SVG files)");
  EXPECT_EQ(message_of("report.html.bak", "html").rfind("report output 'report.html.bak'", 0), 0u);
  // A huge value is cut short, so the line stays short.
  const std::string message = message_of(std::string(5000, 'x') + ".pdf", "html");
  EXPECT_NE(message.find("..."), std::string::npos);
  EXPECT_LT(message.size(), 200u);
  EXPECT_EQ(message_of("r.html", "pdf"), "unknown report format 'pdf' (known: html, svg)");
}

// The command already accepts .htm and writes the same page there.
TEST(ReportOutput, CommandWritesAnHtmPage) {
  const auto dir = test::fresh_dir("qtb_report_output");
  const auto catalog = test::report_test_catalog(dir);
  ResultStore(dir / "results.db").append(test::report_rows());
  std::filesystem::create_directories(dir / "vega");
  for (const char* name : {"vega", "vega-lite", "vega-embed"}) {
    test::spit(dir / "vega" / (std::string(name) + ".min.js"), "/* marker */");
    test::spit(dir / "vega" / (std::string("LICENSE-") + name), "marker licence");
  }
  const auto out = dir / "report.htm";
  const auto r = test::run_app(
      dir, "report -o " + out.string() + " --db " + (dir / "results.db").string() + " --catalog " +
               catalog.string() + " --vega-dir " + (dir / "vega").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::slurp(out).rfind("<!DOCTYPE html>", 0), 0u);
}

}  // namespace
}  // namespace qtb
