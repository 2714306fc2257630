#pragma once
// One chart of the HTML/SVG report: a Vega-Lite specification with its data inlined
// (spec["data"]["values"]), so the page and the SVG renderer need nothing but the spec. Every
// datum that belongs to a task, platform or source carries it as `task`, `platform`, `source`:
// the page's filters (data/report/report-page.js) select on exactly those three fields.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace qtb {

struct ReportChart {
  std::string id;       // unique, file-name safe ("pareto-mnist-accuracy-vs-fps"): the SVG's name
  std::string section;  // which part of the report it belongs to (ReportSection::id)
  std::string title;
  std::string note;     // one or two sentences under the chart: what is drawn, what was left out
  nlohmann::json spec;  // Vega-Lite v6
};

struct ReportSection {
  std::string id, title, intro;
};

// The report's sections in page order.
const std::vector<ReportSection>& report_sections();

}  // namespace qtb
