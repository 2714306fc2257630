#include "serve/pages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "analytics/point.hpp"
#include "core/text.hpp"
#include "report/report_tables.hpp"
#include "serve/page_html.hpp"
#include "serve/row_pages.hpp"

namespace qtb::serve {
namespace {

std::string figure(const std::optional<double>& value) {
  return value ? fmt::format("{:.4g}", *value) : "";
}

// Counts, paper vs ours, and the fastest valid row per task at or above an accuracy threshold.
Response home_page(PortalData& data, const QueryParams& params) {
  params.check_names({"min_top1"});
  const std::optional<double> min_top1 = params.number("min_top1", {0, 100, "%"});
  const auto set = data.all_rows();
  std::map<std::string, std::set<std::string>> distinct;
  std::map<std::string, std::size_t> per_source;
  std::map<std::string, const ResultRow*> best;
  for (const ResultRow& r : set->rows) {
    distinct["platforms"].insert(r.platform);
    distinct["topologies"].insert(r.topology);
    distinct["variants"].insert(r.topology + " " + format_number(r.prune) + " " + r.precision);
    ++per_source[r.source];
    if (!r.valid || !r.fps_compute || r.level == "L0") continue;
    if (min_top1 && (!r.top1 || *r.top1 < *min_top1)) continue;
    const ResultRow*& current = best[r.dataset];
    if (!current || *r.fps_compute > *current->fps_compute) current = &r;
  }
  std::vector<std::vector<std::string>> counts{
      {"rows", std::to_string(set->rows.size())},
      {"platforms", std::to_string(distinct["platforms"].size())},
      {"topologies", std::to_string(distinct["topologies"].size())},
      {"variants", std::to_string(distinct["variants"].size())}};
  std::vector<std::string> count_links(counts.size(), "");
  count_links[0] = "/rows";
  for (const auto& [source, n] : per_source) {
    counts.push_back({"rows from " + source, std::to_string(n)});
    count_links.push_back(href("/rows", {{"source", source}}));
  }
  std::vector<std::vector<std::string>> best_rows;
  std::vector<std::string> best_links;
  for (const auto& [task, row] : best) {
    const auto per_watt = analytics::fps_per_w_of(*row);
    best_rows.push_back({task, row->topology, format_number(row->prune), row->precision,
                         row->platform, figure(row->fps_compute), figure(row->top1),
                         figure(per_watt),
                         set->ids[static_cast<std::size_t>(row - set->rows.data())]});
    best_links.push_back(href("/rows", {{"task", task}, {"sort", "-fps_compute"}}));
  }
  std::string body = html_table({"what", "count"}, counts, count_links);
  body += "<h2>Best variant per task</h2>\n<form method=\"get\" action=\"/\" class=\"filters\">" +
          html_input("min_top1", "top-1 at least (%)", min_top1 ? format_number(*min_top1) : "",
                     "any") +
          "<button type=\"submit\">apply</button></form>\n";
  body += best_rows.empty() ? "<p>No valid measured row reaches this accuracy.</p>\n"
                            : html_table({"task", "topology", "prune", "precision", "platform",
                                          "fps", "top1 %", "fps/W", "row"},
                                         best_rows, best_links);
  body +=
      "<p>Every row is also in the JSON API: <a href=\"/api/v1/rows?limit=100\">"
      "/api/v1/rows</a>, analyses under <a href=\"/api/v1/analyses/pareto\">"
      "/api/v1/analyses/{pareto|box|orthogonality|speedup|theory}</a>.</p>\n";
  return html_page("qutibench portal", body);
}

}  // namespace

Response handle_page(PortalData& data, std::string_view path, const QueryParams& params) {
  if (path == "/") return home_page(data, params);
  if (path == "/rows") return rows_page(data, params);
  if (path.starts_with("/rows/")) return row_page(data, path.substr(6), params);
  if (path == "/compare") return compare_page(data, params);
  if (path == "/predict") return predict_page(data, params);
  throw NotFound("no page " + quote_value(path, 60));
}

}  // namespace qtb::serve
