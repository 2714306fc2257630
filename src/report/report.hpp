#pragma once
// The whole report as data: every chart (Vega-Lite, data inlined), the tables, the points for the
// "best variant per task" table, and the choices the page's filters offer. Rendered by
// report_html (one self-contained page) or report_svg (one SVG per chart). docs/report.md.
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "measure/result_row.hpp"
#include "platform/platform.hpp"
#include "report/report_chart.hpp"

namespace qtb {

struct Report {
  std::string title = "qutibench report";
  std::vector<std::string> provenance;  // where the rows came from, how many, which selection
  std::vector<ReportChart> charts;      // in section order
  // Every measured row with throughput: identity, fps, latency_ms, fps_per_w, top1 (null when
  // the row lacks it). The page picks the best of these above an accuracy threshold.
  nlohmann::json points = nlohmann::json::array();
  std::string orthogonality_table;                     // HTML
  std::string theory_table;                            // HTML
  std::vector<std::string> notes;                      // what could not be drawn, and why
  std::vector<std::string> tasks, platforms, sources;  // the filters' choices
};

// `rows`: the selected rows (valid ones; L0 rows are skipped by every analysis). `catalog`: for
// the roofs and the predictions of rows that carry none.
Report build_report(std::span<const ResultRow> rows, std::span<const Platform> catalog,
                    std::vector<std::string> provenance);

}  // namespace qtb
