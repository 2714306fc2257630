#include "serve/row_pages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "report/report_tables.hpp"
#include "serve/page_html.hpp"
#include "serve/row_cells.hpp"
#include "serve/row_request.hpp"
#include "serve/serve_limits.hpp"
#include "store/result_columns.hpp"
#include "store/row_id.hpp"

namespace qtb::serve {
namespace {

// The filters as they came, for the form and the links that keep them.
std::map<std::string, std::string> kept_filters(const QueryParams& params) {
  std::map<std::string, std::string> kept;
  for (std::string_view name : row_filter_parameters())
    if (params.has(name)) kept[std::string(name)] = params.text(name);
  return kept;
}

std::vector<std::string> stored(const RowSet& set, std::string ResultRow::*field) {
  std::set<std::string> values;
  for (const ResultRow& r : set.rows) values.insert(r.*field);
  values.erase("");
  return {values.begin(), values.end()};
}

}  // namespace

Response rows_page(PortalData& data, const QueryParams& params) {
  params.check_names(row_filter_parameters_and({"sort", "limit", "offset"}));
  const RowRequest request = parse_row_request(data, params);
  const std::string sort = params.text("sort");
  const RowOrder order = parse_row_order(sort);
  const auto limit = params.count("limit", kRowLimitRange, kDefaultPageRows);
  const auto offset = params.count("offset", kRowOffsetRange, 0);
  const auto set = data.select(request.filter);
  std::vector<std::size_t> selected = select_rows(*set, request);
  sort_rows(selected, set->rows, order);

  const auto all = data.all_rows();
  const auto kept = kept_filters(params);
  std::string body = "<form method=\"get\" action=\"/rows\" class=\"filters\" id=\"row-filters\">";
  body += html_select("topology", "topology", stored(*all, &ResultRow::topology),
                      params.text("topology"));
  body += html_select("platform", "platform", stored(*all, &ResultRow::platform),
                      params.text("platform"));
  body += html_select("precision", "precision", stored(*all, &ResultRow::precision),
                      params.text("precision"));
  body +=
      html_select("backend", "backend", stored(*all, &ResultRow::backend), params.text("backend"));
  body += html_select("task", "task", stored(*all, &ResultRow::dataset), params.text("task"));
  body += html_select("source", "source", stored(*all, &ResultRow::source), params.text("source"));
  body += html_select("level", "level", stored(*all, &ResultRow::level), params.text("level"));
  body += html_input("prune", "prune", params.text("prune"), "any");
  if (!sort.empty())
    body += "<input type=\"hidden\" name=\"sort\" value=\"" + html_escape(sort) + "\">";
  body += "<button type=\"submit\">filter</button></form>\n";
  body += fmt::format("<p id=\"row-count\">{} rows{}</p>\n", selected.size(),
                      selected.size() > static_cast<std::size_t>(limit)
                          ? fmt::format(", showing {} from {}", limit, offset + 1)
                          : "");

  std::vector<std::string> header;
  std::string head_row = "<table id=\"rows\"><thead><tr>";
  for (const std::string& column : row_table_columns()) {
    auto with_sort = kept;
    with_sort["sort"] = sort == column ? "-" + column : column;
    const char* mark = sort == column ? " ▲" : sort == "-" + column ? " ▼" : "";
    head_row += "<th><a href=\"" + href("/rows", with_sort) + "\">" + html_escape(column) + mark +
                "</a></th>";
  }
  body += head_row + "</tr></thead><tbody>\n";
  const std::size_t first = std::min(selected.size(), static_cast<std::size_t>(offset));
  const std::size_t last = std::min(selected.size(), first + static_cast<std::size_t>(limit));
  for (std::size_t i = first; i < last; ++i) {
    const std::size_t index = selected[i];
    const auto cells = row_table_cells(set->rows[index]);
    body += "<tr><td><a href=\"/rows/" + set->ids[index] + "\">" + set->ids[index] + "</a></td>";
    for (std::size_t c = 1; c < cells.size(); ++c) body += "<td>" + html_escape(cells[c]) + "</td>";
    body += "</tr>\n";
  }
  body += "</tbody></table>\n";
  auto paging = kept;
  if (!sort.empty()) paging["sort"] = sort;
  paging["limit"] = std::to_string(limit);
  if (offset > 0) {
    paging["offset"] = std::to_string(std::max<std::int64_t>(0, offset - limit));
    body += "<a href=\"" + href("/rows", paging) + "\">previous</a> ";
  }
  if (last < selected.size()) {
    paging["offset"] = std::to_string(last);
    body += "<a href=\"" + href("/rows", paging) + "\">next</a>";
  }
  return html_page("Rows", body);
}

Response row_page(PortalData& data, std::string_view id, const QueryParams& params) {
  params.check_names({});
  if (!is_row_id(id))
    throw InputError(fmt::format("row id {} must be {} lower-case hex digits", quote_value(id, 24),
                                 kRowIdLength));
  const auto set = data.all_rows();
  const auto it = set->index_of_id.find(std::string(id));
  if (it == set->index_of_id.end()) throw NotFound("no row with id " + quote_value(id, 24));
  const ResultRow& row = set->rows[it->second];
  std::vector<std::vector<std::string>> columns;
  const nlohmann::json flat = flatten_row(row);
  for (const auto& [name, value] : flat.items()) {
    columns.push_back({name, value.is_null()     ? ""
                             : value.is_string() ? value.get<std::string>()
                                                 : value.dump()});
  }
  std::string body = "<p>Row <code>" + std::string(id) + "</code>: " +
                     html_escape(row.topology + " " + format_number(row.prune) + " " +
                                 row.precision + " on " + row.platform) +
                     ". <a href=\"/compare?ids=" + std::string(id) +
                     "\">compare</a> · <a href=\"/api/v1/rows/" + std::string(id) +
                     "\">JSON</a></p>\n";
  body += "<h2>Reproduce</h2>\n<pre id=\"reproduce\">" + html_escape(reproduce_command(row)) +
          "</pre>\n";
  body += "<h2>Provenance</h2>\n" + html_table({"field", "value"}, provenance_cells(row));
  body += "<h2>Every column</h2>\n" + html_table({"column", "value"}, columns);
  return html_page("Row " + std::string(id), body);
}

}  // namespace qtb::serve
