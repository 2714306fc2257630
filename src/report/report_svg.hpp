#pragma once
// `qutibench report --format svg`: every chart of the report as its own SVG file (for papers),
// named after the chart's id, rendered headless by node running the vendored vega and vega-lite
// (data/report/render-svg.js: vega-lite compiles each spec, vega's 'none' renderer writes SVG
// text). The same specs as the HTML page, so the files match what the page shows unfiltered.
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

}  // namespace qtb
