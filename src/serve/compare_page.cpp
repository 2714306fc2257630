#include <fmt/format.h>

#include "analytics/point.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "report/report.hpp"
#include "report/report_tables.hpp"
#include "serve/page_html.hpp"
#include "serve/row_cells.hpp"
#include "serve/row_pages.hpp"
#include "serve/row_request.hpp"
#include "serve/serve_limits.hpp"
#include "store/row_id.hpp"

namespace qtb::serve {
namespace {

// The figures compared, each with its value in a row.
struct Figure {
  const char* name;
  std::optional<double> (*of)(const ResultRow&);
};

const std::vector<Figure>& figures() {
  static const std::vector<Figure> list{
      {"fps_compute", [](const ResultRow& r) { return r.fps_compute; }},
      {"fps_system", [](const ResultRow& r) { return r.fps_system; }},
      {"latency_compute_ms", [](const ResultRow& r) { return r.latency_compute_ms.mean; }},
      {"power_full_w", [](const ResultRow& r) { return r.power_full_w; }},
      {"fps_per_w", [](const ResultRow& r) { return analytics::fps_per_w_of(r); }},
      {"top1", [](const ResultRow& r) { return r.top1; }},
      {"predicted_fps", [](const ResultRow& r) { return r.predicted_fps; }}};
  return list;
}

// Row-table columns that the figures repeat.
bool shown_as_figure(const std::string& column) {
  if (column == "latency_ms") return true;  // latency_compute_ms
  for (const Figure& f : figures())
    if (column == f.name) return true;
  return false;
}

// The rows a /compare names: by ids, or by the filters of /rows (the report's charts of the whole
// selection, the first kMaxCompareIds side by side).
std::vector<ResultRow> compared_rows(PortalData& data, const QueryParams& params,
                                     std::vector<std::string>& ids) {
  const auto set = data.all_rows();
  std::vector<ResultRow> rows;
  if (params.has("ids")) {
    if (has_row_filter(params)) throw InputError("ids and filters: give one or the other");
    ids = split_list(params.text("ids"));
    if (ids.size() > kMaxCompareIds)
      throw InputError(fmt::format("ids: {} rows, at most {}", ids.size(), kMaxCompareIds));
    for (const std::string& id : ids) {
      if (!is_row_id(id))
        throw InputError("ids: " + quote_value(id, 24) + " is not a row id (12 hex digits)");
      const auto it = set->index_of_id.find(id);
      if (it == set->index_of_id.end()) throw NotFound("no row with id " + quote_value(id, 24));
      rows.push_back(set->rows[it->second]);
    }
    return rows;
  }
  if (!has_row_filter(params)) return rows;
  const RowRequest request = parse_row_request(data, params);
  const auto selection = data.select(request.filter);
  const std::vector<std::size_t> selected = select_rows(*selection, request);
  if (selected.size() > kMaxCompareRows) {
    throw InputError(
        fmt::format("the filters select {} rows; /compare charts at most {}: narrow them",
                    selected.size(), kMaxCompareRows));
  }
  for (const std::size_t i : selected) {
    rows.push_back(selection->rows[i]);
    if (ids.size() < kMaxCompareIds) ids.push_back(selection->ids[i]);
  }
  return rows;
}

}  // namespace

Response compare_page(PortalData& data, const QueryParams& params) {
  params.check_names(row_filter_parameters_and({"ids"}));
  std::vector<std::string> ids;
  const std::vector<ResultRow> selection = compared_rows(data, params, ids);
  if (selection.empty()) {
    return html_page("Compare",
                     "<p>Choose rows on <a href=\"/rows\">/rows</a> and list their ids "
                     "(<code>/compare?ids=a,b,c</code>), or give the filters of /rows "
                     "(<code>/compare?topology=cnv&amp;platform=TX2</code>).</p>");
  }
  const std::vector<ResultRow> rows(selection.begin(),
                                    selection.begin() + static_cast<long>(ids.size()));
  std::vector<std::string> header{"column"};
  for (const std::string& id : ids) header.push_back(id);
  std::vector<std::vector<std::string>> lines;
  const auto& columns = row_table_columns();
  for (std::size_t c = 1; c < columns.size(); ++c) {
    if (shown_as_figure(columns[c])) continue;  // below, with its ratio
    std::vector<std::string> line{columns[c]};
    for (const ResultRow& r : rows) line.push_back(row_table_cells(r)[c]);
    lines.push_back(line);
  }
  // Each figure beside its ratio to the first row's.
  for (const Figure& f : figures()) {
    std::vector<std::string> line{f.name};
    const auto base = f.of(rows.front());
    for (const ResultRow& r : rows) {
      const auto value = f.of(r);
      std::string cell = value ? fmt::format("{:.4g}", *value) : "";
      if (value && base && *base != 0 && &r != &rows.front())
        cell += fmt::format(" (×{:.3g})", *value / *base);
      line.push_back(cell);
    }
    lines.push_back(line);
  }
  const Report report = build_report(selection, data.catalog(), {"portal selection"});
  std::string body = "<p>Ratios are to the first row.";
  if (selection.size() > rows.size()) {
    body +=
        fmt::format(" The filters select {} rows: the first {} side by side, all {} in the charts.",
                    selection.size(), rows.size(), selection.size());
  }
  body += "</p>\n" + html_table(header, lines);
  for (const std::string& note : report.notes)
    body += "<p class=\"note\">" + html_escape(note) + "</p>\n";
  return html_page("Compare " + std::to_string(selection.size()) + " rows", body, report.charts);
}

}  // namespace qtb::serve
