#pragma once
// Charts as SVG files (for papers), rendered headless by node running the vendored vega and
// vega-lite (data/report/render-svg.js: vega-lite compiles each spec, vega's 'none' renderer
// writes SVG text). `qutibench report --format svg` writes every chart of the report, named after
// the chart's id, from the same specs as the HTML page, so the files match what the page shows
// unfiltered; `qutibench roofline -o FILE.svg` writes its one chart.
#include <filesystem>
#include <string>
#include <vector>

#include "report/report.hpp"

namespace qtb {

// Writes DIR/<chart id>.svg for every chart, creating DIR. Returns the files written. Throws
// InputError when node or the vendored scripts are missing or a chart fails to render.
std::vector<std::filesystem::path> write_report_svgs(const Report& report,
                                                     const std::filesystem::path& dir,
                                                     const std::filesystem::path& vega_dir);

// Writes one chart to FILE, whose folder must exist. `requested_by` names the option that asked
// for SVG ("-o FILE.svg") in the error when node is missing. Throws as write_report_svgs.
void write_chart_svg(const ReportChart& chart, const std::filesystem::path& file,
                     const std::filesystem::path& vega_dir, const std::string& requested_by);

}  // namespace qtb
