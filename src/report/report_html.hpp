#pragma once
// The report as one self-contained HTML page: vega, vega-lite and vega-embed inlined, every chart's
// Vega-Lite spec (data inlined) in a JSON <script>, the page script (data/report/report-page.js)
// that embeds them, filters them by task, platform and source, fills the "best variant" table
// and writes #qtb-status (data-charts, data-rendered, data-errors, data-done) for tests.
// A page of charts alone (`qutibench roofline -o FILE.html`) has the same scripts and status.
#include <span>
#include <string>

#include "report/report.hpp"
#include "report/vega_scripts.hpp"

namespace qtb {

std::string render_report_html(const Report& report, const VegaScripts& scripts,
                               const std::string& page_script);
// A standalone page of `charts` only: no filters, tables or sections.
std::string render_charts_html(const std::string& title, std::span<const ReportChart> charts,
                               const VegaScripts& scripts, const std::string& page_script);

// `report -o OUTPUT --format FORMAT`, checked before any work: FORMAT is html or svg, and an html
// OUTPUT ends in .html or .htm (either case). Throws InputError naming the value (cut short).
void check_report_output(const std::string& output, const std::string& format);

// JSON that is safe inside <script>: every '<' written as \u003c, so no "</script>" can end it.
std::string script_safe_json(const nlohmann::json& value);
// The same for JSON already written as text.
std::string script_safe_text(const std::string& json_text);

}  // namespace qtb
